// THROWAWAY prototype: a front that verifies, parses, acks, and forwards the raw request to ptbot (other thread).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { request } from "undici";
const { secret, target } = workerData as { secret: string; target: string };
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString();
    const ts = String(req.headers["x-slack-request-timestamp"]);
    const sig = String(req.headers["x-slack-signature"]);
    const mine = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${raw}`).digest("hex")}`;
    if (!timingSafeEqual(Buffer.from(mine), Buffer.from(sig))) { res.writeHead(401); res.end(); return; }
    const body = Object.fromEntries(new URLSearchParams(raw));
    const text = `Looking up ${String(body.text).split(" ")[1]} (latest) in Unity Catalog…`;
    const answer = JSON.stringify({ response_type: "ephemeral", text });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(answer);
    void request(target, { method: "POST", headers: req.headers as Record<string,string>, body: raw }).then((r) => r.body.dump()).catch(() => {});
  });
});
server.listen(0, "127.0.0.1", () => parentPort?.postMessage({ port: (server.address() as AddressInfo).port }));
