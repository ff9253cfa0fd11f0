/**
 * A loopback TCP proxy in front of a PostgreSQL server that can be cut like a network: while cut, it accepts
 * connections and keeps open ones open, but forwards nothing either way (no reset, no close), as a pulled cable or a
 * dropped route looks to a client. `heal()` forwards again for new and surviving connections.
 */
import { createServer, Socket } from "node:net";
import { listenInFrontOf } from "./proxy-url.js";

export interface CutProxy {
  /** `url` with its host and port replaced by the proxy's. */
  readonly url: string;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export interface CutProxyOptions {
  /** Cuts the network by itself just before forwarding a client's chunk for which this is true (mid-transaction). */
  readonly cutBefore?: (chunk: Buffer) => boolean;
}

export async function startCutProxy(targetUrl: string, options: CutProxyOptions = {}): Promise<CutProxy> {
  const target = new URL(targetUrl);
  let cut = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on("data", (chunk: Buffer) => {
        if (from === client && options.cutBefore?.(chunk) === true) cut = true;
        if (!cut) to.write(chunk);
      });
      from.on("error", () => {});
      from.on("close", () => {
        sockets.delete(from);
        if (!cut) to.destroy();
      });
    }
  });
  const url = await listenInFrontOf(server, targetUrl);
  return {
    url,
    cut() {
      cut = true;
    },
    heal() {
      cut = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
