/**
 * A loopback TCP proxy in front of a PostgreSQL server that can end a session the way a server restart does, at an
 * exact moment: once armed, the next answer that ends a statement (ReadyForQuery) reaches the client in one chunk
 * with the server's FATAL `57P01` ("terminating connection due to administrator command") right behind it, and the
 * connection closes. A restarting server sends exactly that to a session that just answered; the client reads both
 * messages in one go, before any promise callback runs.
 */
import { createServer, Socket } from "node:net";
import { listenInFrontOf } from "./proxy-url.js";

export interface TerminatingProxy {
  /** `url` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** The next ReadyForQuery on any connection is followed by FATAL 57P01, and that connection closes. */
  terminateAfterNextReady(): void;
  close(): Promise<void>;
}

/** A backend ErrorResponse ('E') as PostgreSQL sends it when an administrator (a shutdown) ends the session. */
function adminShutdown(): Buffer {
  const fields = Buffer.concat(
    [
      ["S", "FATAL"],
      ["V", "FATAL"],
      ["C", "57P01"],
      ["M", "terminating connection due to administrator command"],
    ].map(([code, value]) => Buffer.from(`${code}${value}\0`, "utf8")),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write("E", 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export async function startTerminatingProxy(targetUrl: string): Promise<TerminatingProxy> {
  const target = new URL(targetUrl);
  let armed = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on("data", (chunk: Buffer) => upstream.write(chunk));
    // Server to client, whole messages at a time (type byte, then a length that counts itself), so that the FATAL
    // can follow a ReadyForQuery in the same write.
    let pending = Buffer.alloc(0);
    let terminated = false;
    upstream.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let end = 0;
      while (pending.length - end >= 5) {
        const length = pending.readInt32BE(end + 1);
        if (pending.length - end < 1 + length) break;
        const type = String.fromCharCode(pending[end] as number);
        end += 1 + length;
        if (type === "Z" && armed) {
          armed = false;
          terminated = true;
          client.end(Buffer.concat([pending.subarray(0, end), adminShutdown()]));
          upstream.destroy();
          pending = Buffer.alloc(0);
          return;
        }
      }
      if (end > 0) client.write(pending.subarray(0, end));
      pending = pending.subarray(end);
    });
    for (const socket of [client, upstream]) {
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        // A terminated session's last chunk must still reach the client: `end` closes it once written.
        if (!terminated) client.destroy();
        upstream.destroy();
      });
    }
  });
  const url = await listenInFrontOf(server, targetUrl);
  return {
    url,
    terminateAfterNextReady() {
      armed = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
