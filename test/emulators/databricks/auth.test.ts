import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, expectErrorBody, type Harness, llamaCreate, startHarness } from "./harness.js";

const LIST = "/api/2.0/serving-endpoints";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ tokenTtlSeconds: 60 });
});
afterEach(() => h.emulator.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

async function issueToken(): Promise<string> {
  const reply = await h.call("POST", "/oidc/v1/token", "grant_type=client_credentials&scope=all-apis", {
    ...FORM,
    authorization: basic(h.emulator.clientId, h.emulator.clientSecret),
  });
  expect(reply.status).toBe(200);
  return String(at(reply.body, "access_token"));
}

describe("personal access token", () => {
  it("has a realistic default shape and is accepted as a bearer token", async () => {
    expect(h.emulator.token).toMatch(/^dapi[0-9a-f]{32}$/);
    expect((await h.call("GET", LIST)).status).toBe(200);
  });

  it("answers 401 with a Databricks error body without credentials or with a wrong token", async () => {
    expectErrorBody(
      await h.call("GET", LIST, undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
      /Credential/,
    );
    expectErrorBody(
      await h.call("GET", LIST, undefined, { authorization: "Bearer dapi00000000000000000000000000000000" }),
      401,
      "UNAUTHENTICATED",
      /Invalid access token/,
    );
    expectErrorBody(
      await h.call("GET", LIST, undefined, { authorization: `Basic ${h.emulator.token}` }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("guards unknown routes and invocations too", async () => {
    expect((await h.call("GET", "/api/2.0/nothing", undefined, { authorization: "" })).status).toBe(401);
    expect((await h.call("POST", "/serving-endpoints/x/invocations", {}, { authorization: "" })).status).toBe(
      401,
    );
  });
});

describe("OAuth machine-to-machine", () => {
  it("publishes discovery at /oidc/.well-known/oauth-authorization-server without credentials", async () => {
    const reply = await h.call("GET", "/oidc/.well-known/oauth-authorization-server", undefined, {
      authorization: "",
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      issuer: `${h.emulator.url}/oidc`,
      token_endpoint: `${h.emulator.url}/oidc/v1/token`,
      authorization_endpoint: `${h.emulator.url}/oidc/v1/authorize`,
      grant_types_supported: expect.arrayContaining(["client_credentials"]),
    });
  });

  it("publishes host metadata at /.well-known/databricks-config, which recent SDKs read first", async () => {
    const reply = await h.call("GET", "/.well-known/databricks-config", undefined, { authorization: "" });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      oidc_endpoint: `${h.emulator.url}/oidc`,
      workspace_id: expect.stringMatching(/^\d+$/),
      account_id: expect.any(String),
    });
  });

  it("issues a bearer token for client credentials in HTTP Basic, usable on the API", async () => {
    const reply = await h.call("POST", "/oidc/v1/token", "grant_type=client_credentials&scope=all-apis", {
      ...FORM,
      authorization: basic(h.emulator.clientId, h.emulator.clientSecret),
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: "Bearer",
      expires_in: 60,
      scope: "all-apis",
    });
    const token = String(at(reply.body, "access_token"));
    expect((await h.call("GET", LIST, undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it("also takes the client credentials as form fields", async () => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      scope: "all-apis",
      client_id: h.emulator.clientId,
      client_secret: h.emulator.clientSecret,
    });
    const reply = await h.call("POST", "/oidc/v1/token", form.toString(), { ...FORM, authorization: "" });
    expect(reply.status).toBe(200);
    expect(at(reply.body, "token_type")).toBe("Bearer");
  });

  it("refuses wrong client credentials (invalid_client) and other grants (unsupported_grant_type)", async () => {
    const wrong = await h.call("POST", "/oidc/v1/token", "grant_type=client_credentials&scope=all-apis", {
      ...FORM,
      authorization: basic(h.emulator.clientId, "dose-wrong"),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    const grant = await h.call("POST", "/oidc/v1/token", "grant_type=password", {
      ...FORM,
      authorization: basic(h.emulator.clientId, h.emulator.clientSecret),
    });
    expect(grant.status).toBe(400);
    expect(at(grant.body, "error")).toBe("unsupported_grant_type");
  });

  it("expires tokens by the emulator's clock", async () => {
    const token = await issueToken();
    const auth = { authorization: `Bearer ${token}` };
    h.clock.advance(59_999);
    expect((await h.call("GET", LIST, undefined, auth)).status).toBe(200);
    h.clock.advance(1);
    expectErrorBody(await h.call("GET", LIST, undefined, auth), 401, "UNAUTHENTICATED", /expired/);
  });

  it("revokes issued tokens on demand, leaving the PAT and later tokens working", async () => {
    const token = await issueToken();
    h.emulator.revokeTokens();
    expectErrorBody(
      await h.call("GET", LIST, undefined, { authorization: `Bearer ${token}` }),
      401,
      "UNAUTHENTICATED",
    );
    expect((await h.call("GET", LIST)).status).toBe(200);
    const fresh = await issueToken();
    expect((await h.call("GET", LIST, undefined, { authorization: `Bearer ${fresh}` })).status).toBe(200);
  });

  it("records the OAuth client as the creator of what it creates", async () => {
    const token = await issueToken();
    const reply = await h.call("POST", LIST, llamaCreate("m2m"), { authorization: `Bearer ${token}` });
    expect(at(reply.body, "creator")).toBe(h.emulator.clientId);
  });
});

describe("request log", () => {
  it("keeps no Authorization header and no client secret", async () => {
    await issueToken();
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: h.emulator.clientId,
      client_secret: h.emulator.clientSecret,
    });
    await h.call("POST", "/oidc/v1/token", form.toString(), { ...FORM, authorization: "" });
    await h.call("GET", LIST);
    const logged = JSON.stringify(h.emulator.requests);
    expect(h.emulator.requests).toHaveLength(3);
    expect(logged).not.toContain(h.emulator.token);
    expect(logged).not.toContain(h.emulator.clientSecret);
    expect(logged).not.toContain(
      Buffer.from(`${h.emulator.clientId}:${h.emulator.clientSecret}`).toString("base64"),
    );
    expect(h.emulator.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(h.emulator.requestsTo("POST", "/oidc/v1/token")[1]?.body).toMatchObject({
      grant_type: "client_credentials",
      client_secret: "[Redacted]",
    });
  });
});
