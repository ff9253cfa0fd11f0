/**
 * A plain HTTP server for the extra routes (`/healthz`, `/readyz`, `/metrics`) in Socket Mode, where Bolt receives
 * nothing over HTTP. Bolt's Socket Mode receiver can serve custom routes too, but on a port it never reports; this
 * one listens where ptbot says and tells which port it got.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CustomRoute } from "@slack/bolt";

export interface RouteServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `routes` on `port` (0: any free one), on every interface unless `host` names one. */
export async function startRouteServer(
  routes: readonly CustomRoute[],
  port: number,
  host?: string,
): Promise<RouteServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const method = (req.method ?? "GET").toUpperCase();
    const route = routes.find(
      (r) =>
        r.path === path &&
        (Array.isArray(r.method) ? r.method : [r.method]).some((m) => m.toUpperCase() === method),
    );
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
      return;
    }
    route.handler(Object.assign(req, { params: {} }), res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const listening = () => {
      server.off("error", reject);
      resolve();
    };
    if (host === undefined) server.listen(port, listening);
    else server.listen(port, host, listening);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
