import { describe, expect, it } from "vitest";
import { validateMessageBlocks } from "../../../emulators/slack/index.js";
import type { EndpointSummary, ServingEndpoint } from "../../../src/databricks/index.js";
import { helpMessage } from "../../../src/slack/blocks/help.js";
import { listMessage } from "../../../src/slack/blocks/list.js";
import { statusMessage } from "../../../src/slack/blocks/status.js";
import { requestIn } from "../../domain/fixtures.js";
import { ctx, expectNothingLive, HOSTILE, policy } from "./fixtures.js";

describe("helpMessage", () => {
  it("gives usage and examples, within the limits", () => {
    const help = helpMessage({ policy });
    expect(validateMessageBlocks(help.blocks)).toEqual([]);
    const text = JSON.stringify(help);
    for (const part of [
      "/pt deploy",
      "/pt scale <endpoint> [--min N] [--max N] [--scale-to-zero | --no-scale-to-zero] [--adopt]",
      "/pt rollback <endpoint> [--adopt]",
      "/pt delete <endpoint> [--adopt]",
      "/pt status",
      "/pt export",
      "/pt list",
      "/pt help",
      "--scale-to-zero",
      "default 2× to 3×",
    ]) {
      expect(text).toContain(part);
    }
  });

  it("says what was wrong first, escaping the user's text", () => {
    const help = helpMessage({ problem: { code: "unknown_flag", detail: HOSTILE.slice(0, 80) } });
    expect(JSON.stringify(help.blocks[0])).toContain("I don't know the option");
    expect(help.text).toContain("I don't know the option");
    expectNothingLive(help);
  });
});

const endpoint = (overrides: Partial<ServingEndpoint> = {}): ServingEndpoint => ({
  name: "llama-13b-3",
  state: { ready: "READY", config_update: "NOT_UPDATING" },
  config: {
    served_entities: [
      {
        name: "llama-13b-3",
        entity_name: "ml.llm-catalog.llama-13b",
        entity_version: "3",
        min_provisioned_throughput: 1960,
        max_provisioned_throughput: 2940,
      },
    ],
  },
  tags: [
    { key: "ptbot_request_id", value: "req-1" },
    { key: "ptbot_requester", value: "U0REQUESTER" },
    { key: "ptbot_approver", value: "U0APPROVER" },
  ],
  ...overrides,
});

describe("statusMessage", () => {
  const url = ctx.endpointUrl("llama-13b-3");

  it("shows state, model, band, who asked and approved (from ptbot's ready request), and the link", () => {
    const message = statusMessage({
      name: "llama-13b-3",
      endpoint: endpoint(),
      requests: [requestIn("ready")],
      url,
    });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("🟢 ready");
    expect(text).toContain("`ml.llm-catalog.llama-13b` v3 at 1,960–2,940 tokens/s");
    expect(text).toContain("*Requested by*: <@U_REQ>");
    expect(text).toContain("*Approved by*: <@U_APPROVER>");
    expect(text).toContain(`<${url}|Open the endpoint in Databricks>`);
  });

  it("shows the lifetime in force, and none for an endpoint that lives until removed", () => {
    const at = Date.UTC(2026, 11, 4, 9, 30);
    const base = { name: "llama-13b-3", endpoint: endpoint(), requests: [requestIn("ready")], url };
    const text = JSON.stringify(statusMessage({ ...base, expiresAt: at }).blocks);
    expect(text).toContain(`*Lifetime*: until <!date^${at / 1000}^`);
    expect(JSON.stringify(statusMessage(base).blocks)).not.toContain("*Lifetime*");
  });

  it("falls back to the endpoint's tags, and shows a request in progress", () => {
    const message = statusMessage({
      name: "llama-13b-3",
      endpoint: endpoint({ state: { ready: "READY", config_update: "IN_PROGRESS" } }),
      requests: [requestIn("provisioning")],
      url,
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("*Requested by*: <@U0REQUESTER>");
    expect(text).toContain("*In progress*");
    expect(text).toContain("an update is in progress");
  });

  it("escapes a hostile deployment message and stays within the limits", () => {
    const failing = endpoint({
      state: { ready: "NOT_READY", config_update: "UPDATE_FAILED" },
      config: {
        served_entities: [
          {
            entity_name: HOSTILE,
            entity_version: HOSTILE,
            state: {
              deployment: "DEPLOYMENT_FAILED",
              deployment_state_message: `${HOSTILE}${"x".repeat(100_000)}`,
            },
          },
        ],
      },
    });
    const message = statusMessage({ name: "e".repeat(63), endpoint: failing, requests: [], url });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expectNothingLive(message);
  });

  it("says when there is no such endpoint and no request for it", () => {
    const message = statusMessage({ name: "nothing", requests: [], url });
    expect(JSON.stringify(message.blocks)).toContain("There is no endpoint `nothing`");
  });

  it("says when Databricks could not be asked", () => {
    const message = statusMessage({ name: "x", requests: [], url, lookupError: "databricks_unavailable" });
    expect(JSON.stringify(message.blocks)).toContain("could not reach the Databricks workspace");
  });
});

describe("listMessage", () => {
  const summary = (name: string): EndpointSummary => ({
    name,
    state: { ready: "READY", config_update: "NOT_UPDATING" },
    config: {
      served_entities: [
        { entity_name: "ml.llm-catalog.llama-13b", entity_version: "3", max_provisioned_throughput: 2940 },
      ],
    },
    tags: [{ key: "ptbot_request_id", value: "r" }],
  });

  it("lists endpoints with their state and link, then the requests in flight", () => {
    const message = listMessage(
      { endpoints: [summary("llama-13b-3")], inFlight: [requestIn("awaiting_approval")] },
      ctx.endpointUrl,
    );
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(`<${ctx.endpointUrl("llama-13b-3")}|llama-13b-3>`);
    expect(text).toContain("*Requests in flight* (1)");
    expect(text).toContain("waiting for approval");
    expect(message.text).toBe("ptbot manages 1 endpoint; 1 request in flight");
  });

  it("gives an endpoint with a lifetime its end (from the ptbot_expires_at tag), and none without or unreadable", () => {
    const at = Date.UTC(2026, 11, 4, 9, 30);
    const tagged = (value: string): EndpointSummary => ({
      ...summary("short-lived"),
      tags: [
        { key: "ptbot_request_id", value: "r" },
        { key: "ptbot_expires_at", value },
      ],
    });
    const text = JSON.stringify(
      listMessage(
        { endpoints: [tagged(new Date(at).toISOString()), summary("forever"), tagged("soon")], inFlight: [] },
        ctx.endpointUrl,
      ).blocks,
    );
    expect(text.match(/ · until /g)).toHaveLength(1);
    expect(text).toContain(`until <!date^${at / 1000}^`);
  });

  it("names a scale, rollback or delete in flight by its kind and the model its endpoint serves", () => {
    const scale = {
      ...requestIn("approved"),
      kind: "scale" as const,
      ask: { model: "", version: "latest" as const },
    };
    const text = JSON.stringify(listMessage({ endpoints: [], inFlight: [scale] }, ctx.endpointUrl).blocks);
    expect(text).toContain("scale: `ml.llm-catalog.llama-13b` v3 → `llama-13b-3`");
    expect(text).not.toContain("``");
  });

  it("stays within 50 blocks and 3000 characters a section with a thousand of each", () => {
    const message = listMessage(
      {
        endpoints: Array.from({ length: 1000 }, (_, i) => summary(`endpoint-${"x".repeat(50)}-${i}`)),
        inFlight: Array.from({ length: 1000 }, () => requestIn("provisioning")),
      },
      ctx.endpointUrl,
    );
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain("more");
  });

  it("still lists requests when Databricks could not be asked", () => {
    const message = listMessage(
      { endpoints: [], inFlight: [requestIn("awaiting_approval")], lookupError: "databricks_unauthorized" },
      ctx.endpointUrl,
    );
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("credentials");
    expect(text).toContain("*Requests in flight* (1)");
  });
});
