import { afterEach, describe, expect, it } from "vitest";
import { createOAuthM2MCredentials } from "../../../src/databricks/auth/oauth-m2m.js";
import { createHttpCore } from "../../../src/databricks/http.js";
import { type Emulator, type Harness, startHarness } from "../emulator.js";
import { errorTexts, rejectionOf } from "../helpers.js";

const DISCOVERY = "/oidc/.well-known/oauth-authorization-server";
const TOKEN = "/oidc/v1/token";
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function oauthHarness(secret?: string): Promise<Harness> {
  let clockNow: () => number = Date.now;
  h = await startHarness({
    tokenTtlSeconds: 3600,
    credentials: (emu: Emulator) =>
      createOAuthM2MCredentials({
        host: emu.url,
        clientId: emu.clientId,
        clientSecret: secret ?? emu.clientSecret,
        http: createHttpCore({ now: () => clockNow() }),
        now: () => clockNow(),
      }),
  });
  clockNow = h.clock.now;
  return h;
}

describe("OAuth M2M", () => {
  it("discovers the token endpoint, gets a client-credentials token with Basic auth and scope all-apis", async () => {
    const { emu, client } = await oauthHarness();
    await client.listServingEndpoints();
    expect(emu.requestsTo("GET", DISCOVERY)).toHaveLength(1);
    const [grant] = emu.requestsTo("POST", TOKEN);
    expect(grant?.body).toEqual({ grant_type: "client_credentials", scope: "all-apis" });
    expect(emu.requestsTo("GET", "/api/2.0/serving-endpoints").map((r) => r.status)).toEqual([200]);
  });

  it("caches the token and refreshes it shortly before it expires", async () => {
    const { emu, client, clock } = await oauthHarness();
    await client.listServingEndpoints();
    clock.advance(3_500_000); // 100 s before expiry: still good
    await client.listServingEndpoints();
    expect(emu.requestsTo("POST", TOKEN)).toHaveLength(1);
    clock.advance(45_000); // 55 s before expiry: within the 60 s margin
    await client.listServingEndpoints();
    expect(emu.requestsTo("POST", TOKEN)).toHaveLength(2);
    expect(emu.requestsTo("GET", DISCOVERY)).toHaveLength(1);
    expect(emu.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it("shares one token request among concurrent callers", async () => {
    const { emu, client } = await oauthHarness();
    await Promise.all(Array.from({ length: 5 }, () => client.listServingEndpoints()));
    expect(emu.requestsTo("POST", TOKEN)).toHaveLength(1);
    expect(emu.requestsTo("GET", DISCOVERY)).toHaveLength(1);
  });

  it("refreshes once after a 401 from a revoked token, concurrent callers sharing the refresh", async () => {
    const { emu, client } = await oauthHarness();
    await client.listServingEndpoints();
    emu.revokeTokens();
    emu.clearRequests();
    await Promise.all(Array.from({ length: 3 }, () => client.listServingEndpoints()));
    expect(emu.requestsTo("POST", TOKEN)).toHaveLength(1);
    const calls = emu.requestsTo("GET", "/api/2.0/serving-endpoints").map((r) => r.status);
    expect(calls.filter((s) => s === 401)).toHaveLength(3);
    expect(calls.filter((s) => s === 200)).toHaveLength(3);
  });

  it("reports a refused client as databricks_unauthorized without the secret", async () => {
    const wrong = "dose-wrong-secret-0123456789";
    const { emu, client } = await oauthHarness(wrong);
    const error = await rejectionOf(client.listServingEndpoints());
    expect(error).toMatchObject({
      code: "databricks_unauthorized",
      status: 401,
      errorCode: "invalid_client",
    });
    expect(errorTexts(error)).not.toContain(wrong);
    expect(errorTexts(error)).not.toContain(Buffer.from(`${emu.clientId}:${wrong}`).toString("base64"));
    expect(emu.requestsTo("GET", "/api/2.0/serving-endpoints")).toHaveLength(0);
  });
});
