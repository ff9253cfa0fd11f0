import { createServer } from "node:net";
import { MockAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createPatCredentials } from "../../src/databricks/auth/pat.js";
import { createDatabricksClient } from "../../src/databricks/client.js";
import { DatabricksApiError } from "../../src/databricks/errors.js";
import { errorTexts, fakeClock, recordingSleep, rejectionOf } from "./helpers.js";

// Faults a real server cannot easily produce, through undici's MockAgent passed as the client's dispatcher.
const HOST = "https://adb-1.example.cloud.databricks.com";
const TOKEN = "dapi00000000000000000000000000000000";
const MODEL = "ml.llm-catalog.llama-13b";
const VERSIONS = `/api/2.1/unity-catalog/models/${MODEL}/versions`;

let agent: MockAgent;
afterEach(async () => {
  await agent.close();
});

function setup() {
  agent = new MockAgent();
  agent.disableNetConnect();
  const clock = fakeClock();
  const sleeper = recordingSleep(clock);
  const client = createDatabricksClient({
    host: HOST,
    credentials: createPatCredentials(TOKEN),
    dispatcher: agent,
    now: clock.now,
    sleep: sleeper.sleep,
    random: () => 0.5,
  });
  return { client, pool: agent.get(HOST), waits: sleeper.waits };
}

const version = (n: number, status = "READY") => ({ version: n, model_name: "llama-13b", status });

describe("paging through MockAgent", () => {
  it("reads past empty pages that carry a next token, and stops only when the token is gone", async () => {
    const { client, pool } = setup();
    const pages: Record<string, object> = {
      "": { model_versions: [version(2), version(5, "PENDING_REGISTRATION")], next_page_token: "a" },
      a: { model_versions: [], next_page_token: "b" },
      b: { model_versions: [], next_page_token: "c" },
      c: { model_versions: [version(4), version(1)], next_page_token: "" },
    };
    const seen: string[] = [];
    pool
      .intercept({ path: (p) => p.startsWith(VERSIONS), method: "GET" })
      .reply((options) => {
        const token = new URL(options.path, HOST).searchParams.get("page_token") ?? "";
        seen.push(token);
        return { statusCode: 200, data: JSON.stringify(pages[token]) };
      })
      .times(4);
    const versions = await client.listModelVersions(MODEL);
    expect(versions.map((v) => v.version)).toEqual([2, 5, 4, 1]);
    expect(seen).toEqual(["", "a", "b", "c"]);

    pool
      .intercept({ path: (p) => p.startsWith(VERSIONS), method: "GET" })
      .reply(200, JSON.stringify(pages[""]))
      .times(1);
    pool
      .intercept({ path: (p) => p.startsWith(VERSIONS), method: "GET" })
      .reply(200, JSON.stringify({ model_versions: [], next_page_token: "" }));
    const latest = await client.resolveModelVersion(MODEL, "latest");
    expect(latest.version).toBe(2);
  });

  it("refuses a listing whose page token comes back forever", async () => {
    const { client, pool } = setup();
    pool
      .intercept({ path: (p) => p.startsWith(VERSIONS), method: "GET" })
      .reply(200, JSON.stringify({ model_versions: [], next_page_token: "same" }))
      .persist();
    const error = await rejectionOf(client.listModelVersions(MODEL));
    expect(error).toMatchObject({ code: "databricks_bad_response" });
  });
});

describe("transport faults through MockAgent", () => {
  it("retries a GET whose connection was reset, then succeeds", async () => {
    const { client, pool, waits } = setup();
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    pool.intercept({ path: "/api/2.0/serving-endpoints", method: "GET" }).replyWithError(reset);
    pool.intercept({ path: "/api/2.0/serving-endpoints", method: "GET" }).reply(200, { endpoints: [] });
    expect(await client.listServingEndpoints()).toEqual([]);
    expect(waits).toEqual([750]);
  });

  it("does not re-send a create whose connection was reset, but reads back", async () => {
    const { client, pool } = setup();
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    let posts = 0;
    pool
      .intercept({ path: "/api/2.0/serving-endpoints", method: "POST" })
      .reply(() => {
        posts++;
        throw reset;
      })
      .persist();
    pool.intercept({ path: "/api/2.0/serving-endpoints/llama-13b-3", method: "GET" }).reply(200, {
      name: "llama-13b-3",
      state: { ready: "NOT_READY", config_update: "IN_PROGRESS", suspend: "NOT_SUSPENDED" },
      pending_config: {
        config_version: 1,
        served_entities: [{ entity_name: MODEL, entity_version: "3", name: "llama-13b-3" }],
      },
      endpoint_type: "FOUNDATION_MODEL_API",
    });
    const endpoint = await client.createServingEndpoint({
      name: "llama-13b-3",
      config: {
        served_entities: [
          {
            entity_name: MODEL,
            entity_version: 3,
            min_provisioned_throughput: 0,
            max_provisioned_throughput: 980,
          },
        ],
      },
    });
    expect(posts).toBe(1);
    expect(endpoint.state).toMatchObject({ ready: "NOT_READY", suspend: "NOT_SUSPENDED" });
    expect(endpoint.endpoint_type).toBe("FOUNDATION_MODEL_API");
  });

  it("maps an answer that is not JSON, or of the wrong shape, to databricks_bad_response", async () => {
    const { client, pool } = setup();
    pool.intercept({ path: "/api/2.0/serving-endpoints/x", method: "GET" }).reply(200, "<html>proxy</html>");
    const notJson = await rejectionOf(client.getServingEndpoint("x"));
    expect(notJson).toMatchObject({ code: "databricks_bad_response", status: 200 });

    pool
      .intercept({ path: "/api/2.0/serving-endpoints/x", method: "GET" })
      .reply(200, { name: "x", state: 3 });
    const wrongShape = await rejectionOf(client.getServingEndpoint("x"));
    expect(wrongShape).toMatchObject({ code: "databricks_bad_response" });
    expect((wrongShape as Error).message).toMatch(/state/);
  });

  it("keeps an HTML error page short and free of the token", async () => {
    const { client, pool } = setup();
    pool
      .intercept({ path: "/api/2.0/serving-endpoints/x", method: "GET" })
      .reply(502, `<html>bad gateway for Bearer ${TOKEN}${" ".repeat(1000)}tail</html>`, {
        headers: { "x-databricks-request-id": "req-502" },
      });
    const error = await rejectionOf(client.getServingEndpoint("x"));
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect(error).toMatchObject({ code: "databricks_unavailable", status: 502, requestId: "req-502" });
    expect((error as Error).message).not.toContain("tail");
    expect(errorTexts(error)).not.toContain(TOKEN);
  });
});

describe("secrets in answers", () => {
  it("removes the credential sent from an error message that echoes it, whatever its shape", async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    const opaque = "eyJraWQiOiJlbXUifQ.opaque-oauth-token-value";
    const client = createDatabricksClient({
      host: HOST,
      credentials: {
        kind: "oauth-m2m",
        authorization: async () => `Bearer ${opaque}`,
        invalidate: () => false,
      },
      dispatcher: agent,
    });
    agent
      .get(HOST)
      .intercept({ path: "/api/2.0/serving-endpoints/x", method: "GET" })
      .reply(400, { error_code: "INVALID_PARAMETER_VALUE", message: `token ${opaque} is malformed` });
    const error = await rejectionOf(client.getServingEndpoint("x"));
    expect(error).toMatchObject({ code: "databricks_invalid", errorCode: "INVALID_PARAMETER_VALUE" });
    expect((error as Error).message).toContain("[REDACTED]");
    expect(errorTexts(error)).not.toContain(opaque);
  });
});

describe("connection refused", () => {
  it("is retried for every method, POST included, since nothing was sent", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
      });
    });
    agent = new MockAgent(); // unused here; keeps afterEach simple
    const clock = fakeClock();
    const sleeper = recordingSleep(clock);
    const client = createDatabricksClient({
      host: `http://127.0.0.1:${port}`,
      credentials: createPatCredentials(TOKEN),
      now: clock.now,
      sleep: sleeper.sleep,
      random: () => 0,
      retry: { totalTimeoutMs: 5_000 },
    });
    const error = await rejectionOf(
      client.createServingEndpoint({
        name: "e",
        config: {
          served_entities: [{ entity_name: MODEL, entity_version: "3", provisioned_model_units: 50 }],
        },
      }),
    );
    expect(error).toMatchObject({ code: "databricks_network", outcomeUnknown: false, method: "POST" });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(sleeper.waits).toEqual([500, 1000, 2000]);
  });
});
