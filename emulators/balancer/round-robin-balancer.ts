/**
 * A loopback HTTP load balancer, the part of production that sits between Slack and several ptbot replicas: Slack
 * knows one request URL; each request goes to the next replica in turn, so any replica may receive any request.
 * Like nginx's `proxy_next_upstream error`, a request whose connection a replica refused (it is down or not yet
 * listening) goes to the next replica, since nothing was sent; once a request was sent, a failure answers 502 and is
 * not sent again (a POST is not idempotent). Bodies are forwarded byte for byte, so Slack's signatures still hold.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A replica behind the balancer. */
export interface Backend {
  /** How tests and the sandbox name it, e.g. `replica-1`. */
  readonly name: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
}

/** One request the balancer passed on, and where it went. */
export interface Route {
  readonly method: string;
  readonly path: string;
  /** The backend that answered; undefined when none could be reached (502). */
  readonly backend: string | undefined;
  /** Backends that refused the connection first, in order. */
  readonly refusedBy: readonly string[];
  readonly status: number;
  readonly at: number;
}

export interface BalancerOptions {
  readonly backends: readonly Backend[];
  /** 0 or absent: a free port. Binds 127.0.0.1 only. */
  readonly port?: number;
}

export interface Balancer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Every request passed on so far, in the order they were answered. */
  routes(): readonly Route[];
  /** How many requests each backend answered, by name (every backend listed, 0 included). */
  countsByBackend(): Readonly<Record<string, number>>;
  /** Called with each route as it completes; returns an unsubscribe function. */
  onRoute(listener: (route: Route) => void): () => void;
  close(): Promise<void>;
}

/** Connection errors that mean the request never reached the backend, so another one may take it. */
const NOT_SENT = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

function forward(backend: Backend, incoming: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(incoming.url ?? "/", backend.url);
    const outgoing = request(
      target,
      // A fresh connection each time (no keep-alive): a replica killed between two requests then refuses the next
      // connection, which another replica may take, instead of resetting a reused one mid-request.
      { method: incoming.method, headers: { ...incoming.headers, host: target.host }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a round-robin balancer in front of `backends` (see the module comment). */
export async function startBalancer(options: BalancerOptions): Promise<Balancer> {
  const backends = [...options.backends];
  if (backends.length === 0) throw new Error("a balancer needs at least one backend");
  const routes: Route[] = [];
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let next = 0;
  const record = (route: Route) => {
    routes.push(route);
    emitter.emit("route", route);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      const refusedBy: string[] = [];
      const first = next;
      next = (next + 1) % backends.length;
      for (let i = 0; i < backends.length; i++) {
        const backend = backends[(first + i) % backends.length] as Backend;
        try {
          const answer = await forward(backend, req, body);
          const headers = { ...answer.headers };
          delete headers["transfer-encoding"];
          headers["content-length"] = String(answer.body.length);
          res.writeHead(answer.status, headers);
          res.end(answer.body);
          record({ method, path, backend: backend.name, refusedBy, status: answer.status, at: Date.now() });
          return;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? "";
          if (!NOT_SENT.has(code)) {
            res.writeHead(502, { "content-type": "text/plain" });
            res.end("bad gateway");
            record({ method, path, backend: backend.name, refusedBy, status: 502, at: Date.now() });
            return;
          }
          refusedBy.push(backend.name);
        }
      }
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("no backend reachable");
      record({ method, path, backend: undefined, refusedBy, status: 502, at: Date.now() });
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    routes: () => [...routes],
    countsByBackend: () => {
      const counts: Record<string, number> = Object.fromEntries(backends.map((b) => [b.name, 0]));
      for (const r of routes)
        if (r.backend !== undefined && r.status !== 502) counts[r.backend] = (counts[r.backend] ?? 0) + 1;
      return counts;
    },
    onRoute: (listener) => {
      emitter.on("route", listener);
      return () => emitter.off("route", listener);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
