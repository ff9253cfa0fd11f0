/** Shared by the test proxies in front of PostgreSQL (`cut-proxy.ts`, `terminating-proxy.ts`). */
import type { Server } from "node:net";

/** Listens on a free loopback port and returns `targetUrl` pointed at it instead (same user, password, database). */
export async function listenInFrontOf(server: Server, targetUrl: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address !== "object") throw new Error("no port");
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return url.toString();
}
