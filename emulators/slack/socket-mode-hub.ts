import { randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { SlackEmulatorError } from "./errors.js";

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export interface EnvelopeOptions {
  readonly acceptsResponsePayload: boolean;
  /** How long to wait for the app's ack. */
  readonly ackTimeoutMs: number;
  /** How long to wait for an app to connect when none is connected. */
  readonly connectTimeoutMs: number;
}

export interface EnvelopeAck {
  /** The ack's `payload`; undefined when the app acked without one (Bolt sends `{}`). */
  readonly payload: unknown;
  readonly envelopeId: string;
  /** The connection that received and acked the envelope (`c1`, `c2`, … in the order they connected). */
  readonly connectionId: string;
}

interface Pending {
  readonly socket: WebSocket;
  readonly connectionId: string;
  readonly resolve: (ack: EnvelopeAck) => void;
  readonly reject: (error: Error) => void;
}

export interface SocketModeHubOptions {
  readonly appId: string;
  readonly pingIntervalMs: number;
  /** The emulator's `http://host:port`, known once it listens. */
  readonly baseUrl: () => string;
  /** Picks which of `count` live connections gets the next envelope (an index in `[0, count)`). */
  readonly choose: (count: number) => number;
}

/** A deterministic choice among connections (a small LCG), so a run that spreads envelopes can be replayed. */
export function seededChoice(seed: number): (count: number) => number {
  let s = seed >>> 0;
  return (count) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor(((s >>> 8) / 2 ** 24) * count);
  };
}

/**
 * Slack's side of Socket Mode: `apps.connections.open` hands out single-use WebSocket URLs; a connecting app gets
 * `hello`; envelopes resolve when the app acks their `envelope_id`. `disconnect` messages make the app reconnect
 * (it calls `apps.connections.open` again), as Slack does when it recycles a connection.
 *
 * Several connections (several replicas, each opening its own): Slack sends each payload to ONE of the open
 * connections, "any of the connections", with no pattern to rely on (api.slack.com/apis/socket-mode#connections;
 * "by design, socket mode randomizes sending the event between the socket connections", bolt-python#579). Here the
 * choice is random but seeded, so a run replays. Slack re-sends only Events API payloads that were not acked in time
 * (`retry_attempt`, `retry_reason: "timeout"`); slash commands and interactions are never re-sent: an envelope not
 * acked in time, or whose connection closes first, fails here as the user's click or command fails in Slack. The
 * emulator has no Events API, so it never re-sends.
 */
export class SocketModeHub {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #connections: WebSocket[] = [];
  readonly #draining = new WeakSet<WebSocket>();
  readonly #ids = new WeakMap<WebSocket, string>();
  #connected = 0;
  readonly #pending = new Map<string, Pending>();
  readonly #emitter = new EventEmitter();

  constructor(private readonly options: SocketModeHubOptions) {
    this.#emitter.setMaxListeners(0);
  }

  /** A fresh `ws://.../socket?ticket=...` URL, as `apps.connections.open` returns. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    const base = this.options.baseUrl().replace(/^http/, "ws");
    return `${base}/socket?ticket=${ticket}&app_id=${this.options.appId}`;
  }

  /** Number of live (not draining) connections. */
  get connectionCount(): number {
    return this.#live().length;
  }

  #live(): WebSocket[] {
    return this.#connections.filter((ws) => ws.readyState === WebSocket.OPEN && !this.#draining.has(ws));
  }

  /** Takes over an HTTP upgrade to `/socket`; refuses unknown or reused tickets. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://localhost");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== "/socket" || !this.#tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
  }

  /** The ids of the live connections, oldest first. */
  get connectionIds(): readonly string[] {
    return this.#live().map((ws) => this.#ids.get(ws) ?? "");
  }

  #accept(ws: WebSocket): void {
    this.#connected += 1;
    this.#ids.set(ws, `c${this.#connected}`);
    this.#connections.push(ws);
    const ping = setInterval(() => ws.ping(), this.options.pingIntervalMs);
    ping.unref();
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.#onMessage(ws, data.toString());
    });
    ws.on("error", () => ws.terminate());
    ws.on("close", () => {
      clearInterval(ping);
      const index = this.#connections.indexOf(ws);
      if (index >= 0) this.#connections.splice(index, 1);
      for (const [id, pending] of this.#pending) {
        if (pending.socket !== ws) continue;
        this.#pending.delete(id);
        pending.reject(
          new SlackEmulatorError("socket_closed", `the connection closed before envelope ${id} was acked`),
        );
      }
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.connectionCount,
        debug_info: { host: "applink-emulator", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
    this.#emitter.emit("connection", ws);
  }

  #onMessage(ws: WebSocket, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== "object" || message === null) return;
    const { envelope_id: envelopeId, payload } = message as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== "string") return;
    const pending = this.#pending.get(envelopeId);
    if (pending === undefined || pending.socket !== ws) return;
    this.#pending.delete(envelopeId);
    const empty = typeof payload === "object" && payload !== null && Object.keys(payload).length === 0;
    pending.resolve({
      envelopeId,
      connectionId: pending.connectionId,
      payload: payload === undefined || empty ? undefined : payload,
    });
  }

  async #connection(timeoutMs: number): Promise<WebSocket> {
    const live = this.#live();
    const chosen = live[live.length === 1 ? 0 : this.options.choose(live.length)];
    if (chosen !== undefined) return chosen;
    try {
      await once(this.#emitter, "connection", { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw new SlackEmulatorError(
        "no_socket_connection",
        `no Socket Mode app connected within ${timeoutMs} ms`,
      );
    }
    return this.#connection(0);
  }

  /** Sends an envelope and resolves with the app's ack. */
  async deliver(type: EnvelopeType, payload: unknown, options: EnvelopeOptions): Promise<EnvelopeAck> {
    const ws = await this.#connection(options.connectTimeoutMs);
    const envelopeId = randomUUID();
    return new Promise<EnvelopeAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        reject(
          new SlackEmulatorError(
            "ack_timeout",
            `envelope ${envelopeId} (${type}) not acked in ${options.ackTimeoutMs} ms`,
          ),
        );
      }, options.ackTimeoutMs);
      this.#pending.set(envelopeId, {
        socket: ws,
        connectionId: this.#ids.get(ws) ?? "",
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          payload,
          type,
          accepts_response_payload: options.acceptsResponsePayload,
          retry_attempt: 0,
          retry_reason: "",
        }),
      );
    });
  }

  /** Asks every connected app to reconnect (`refresh_requested`) or warns it (`warning`). */
  disconnectAll(reason: "refresh_requested" | "warning" | "link_disabled" = "refresh_requested"): void {
    for (const ws of this.#live()) {
      this.#draining.add(ws);
      ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-emulator" } }));
    }
  }

  /** Waits until at least `count` live connections exist (e.g. after a disconnect). */
  async waitForConnections(count: number, timeoutMs: number): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    while (this.connectionCount < count) {
      try {
        await once(this.#emitter, "connection", { signal });
      } catch {
        throw new SlackEmulatorError(
          "no_socket_connection",
          `${this.connectionCount} of ${count} Socket Mode connections after ${timeoutMs} ms`,
        );
      }
    }
  }

  async close(): Promise<void> {
    for (const ws of this.#connections) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
