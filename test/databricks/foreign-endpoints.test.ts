import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { listServingEndpoints } from "../../src/databricks/serving-endpoints.js";
import type { ApiRequest, DatabricksTransport } from "../../src/databricks/transport.js";
import { type Harness, startHarness } from "./emulator.js";
import { memoryLogger } from "./helpers.js";

/**
 * A real workspace's list holds other teams' endpoints, whose entries lack what ptbot's own carry: the default
 * emulator seed holds such endpoints (pay-per-token, external model, CPU, one being created, one suspended whose
 * `state` has no `ready`). Before the list was read entry by entry, that last one failed the whole list.
 */
describe("listing a workspace with other teams' endpoints", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it("lists every endpoint of the default seed, each as far as it can be read", async () => {
    const endpoints = await h.client.listServingEndpoints();
    const byName = new Map(endpoints.map((e) => [e.name, e]));
    expect([...byName.keys()].sort()).toEqual([
      "churn-classifier",
      "databricks-gte-large-en",
      "databricks-meta-llama-3-3-70b-instruct",
      "fraud-scorer",
      "search-team-gpt-4o",
      "support-agent",
    ]);
    expect(byName.get("databricks-gte-large-en")?.state).toEqual({ ready: "READY" });
    expect(byName.get("support-agent")?.state).toEqual({ suspend: "SUSPENDED" });
    expect(byName.get("support-agent")?.config).toBeUndefined();
    expect(byName.get("fraud-scorer")?.config).toBeUndefined();
    expect(byName.get("search-team-gpt-4o")?.tags).toEqual([
      { key: "team", value: "search" },
      { key: "cost-center" },
    ]);
    expect(byName.get("search-team-gpt-4o")?.config?.served_entities[0]).toMatchObject({
      name: "gpt-4o",
      external_model: { provider: "openai" },
    });
    expect(byName.get("churn-classifier")?.config?.served_entities[0]).toMatchObject({
      entity_name: "ml.sandbox.sklearn-churn",
      entity_version: "2",
      workload_type: "CPU",
    });
  });

  it("reads the details of another team's endpoint, even one whose state lacks ready", async () => {
    const agent = await h.client.getServingEndpoint("support-agent");
    expect(agent.state.ready).toBeUndefined();
    const creating = await h.client.getServingEndpoint("fraud-scorer");
    expect(creating.config).toBeUndefined();
    expect(creating.pending_config?.served_entities[0]?.state?.deployment).toBe("DEPLOYMENT_CREATING");
  });
});

/** A transport that answers one fixed JSON body through the request's schema, as the real one does. */
function fixedTransport(json: unknown): DatabricksTransport {
  return {
    host: "https://example.invalid",
    call: async <S extends z.ZodType>(request: ApiRequest<S>) => request.schema.parse(json),
  };
}

describe("list entries that cannot be read", () => {
  it("skips an entry without a name (logged at debug) and keeps the rest, odd fields and all", async () => {
    const { logger, lines } = memoryLogger();
    const listed = await listServingEndpoints(
      fixedTransport({
        endpoints: [
          { state: { ready: "READY" } },
          "not an object",
          {
            name: "odd-state",
            state: "READY",
            config: { served_entities: "?" },
            tags: [{ value: "no key" }],
          },
          {
            name: "mine",
            state: { ready: "NOT_READY", config_update: "IN_PROGRESS" },
            last_updated_timestamp: 5,
          },
        ],
      }),
      logger,
    );
    expect(listed.map((e) => e.name)).toEqual(["odd-state", "mine"]);
    expect(listed[0]).toMatchObject({ state: {}, tags: [] });
    expect(listed[0]?.config).toBeUndefined();
    expect(listed[1]?.state).toEqual({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 20, msg: "unreadable endpoint list entries skipped", skipped: 2 }),
    );
  });
});

describe("a list read for some endpoints only", () => {
  it("returns just the named endpoints, and leaves every other entry unread (issue 16: the tracker's list)", async () => {
    const { logger, lines } = memoryLogger();
    const mine = { name: "mine", state: { ready: "NOT_READY", config_update: "IN_PROGRESS" } };
    // Entries that would be skipped as unreadable, or read as far as they can, are not looked at: not counted.
    const listed = await listServingEndpoints(
      fixedTransport({
        endpoints: [{ state: {} }, "not an object", { name: "theirs", state: "READY" }, mine],
      }),
      logger,
      new Set(["mine", "gone"]),
    );
    expect(listed).toEqual([{ ...mine, tags: [] }]);
    expect(lines.filter((l) => l.msg === "unreadable endpoint list entries skipped")).toEqual([]);
  });

  it("reads the named endpoints of a real workspace's list through the client", async () => {
    const h = await startHarness();
    try {
      const listed = await h.client.listServingEndpoints(new Set(["fraud-scorer", "support-agent"]));
      expect(listed.map((e) => e.name).sort()).toEqual(["fraud-scorer", "support-agent"]);
      expect(await h.client.listServingEndpoints(new Set())).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
