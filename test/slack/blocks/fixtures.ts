/**
 * Requests for the Block Kit builder tests: the domain's own fixtures in every state, and hostile ones (huge names,
 * mentions and markup in every string a person or Databricks controls) that only a robust builder survives.
 */
import { approvalPolicy, type DeployRequest } from "../../../src/domain/index.js";
import type { CardContext } from "../../../src/slack/blocks/deploy-card.js";
import { requestIn } from "../../domain/fixtures.js";

export const policy = approvalPolicy({ approverUsers: ["U0APPROVER"], approverGroups: ["S0MLAPPROVE"] });

export const ctx: CardContext = {
  policy,
  endpointUrl: (name) => `https://adb-1.azuredatabricks.net/ml/endpoints/${encodeURIComponent(name)}`,
};

export const HOSTILE = "<!channel> <@U0BOSS> & <https://evil.example|click> `code` *bold*";

/** A request in `state` whose every free-text field is hostile and as long as anything can make it. */
export function hostile(state: DeployRequest["state"]): DeployRequest {
  const base = requestIn(state, { endpointName: "e".repeat(63) });
  const huge = `${HOSTILE} ${"x".repeat(100_000)}`;
  return {
    ...base,
    ask: { ...base.ask, model: `cat.schema.${HOSTILE}${"m".repeat(5000)}` },
    ...(base.model === undefined
      ? {}
      : { model: { ...base.model, fullName: `cat.schema.${HOSTILE}${"m".repeat(5000)}`, modelType: huge } }),
    ...(base.reason === undefined ? {} : { reason: { ...base.reason, message: huge } }),
    ...(base.endpoint === undefined
      ? {}
      : { endpoint: { ...base.endpoint, deploymentMessage: huge, buildLogTail: huge } }),
    requester: { id: "U0REQUESTER", name: huge },
  };
}

/**
 * Every string Slack reads as mrkdwn in a message: the fallback, section texts and fields, context elements. Plain
 * text (headers, buttons) is shown literally, so a mention there pings no one.
 */
export function mrkdwnTexts(message: {
  readonly text: string;
  readonly blocks: readonly unknown[];
}): string[] {
  const found: string[] = [message.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === "mrkdwn" && typeof record.text === "string") found.push(record.text);
    for (const value of Object.values(record)) walk(value);
  };
  walk(message.blocks);
  return found;
}

/** Fails when any mrkdwn text would ping, mention or link something a user or Databricks wrote. */
export function expectNothingLive(message: {
  readonly text: string;
  readonly blocks: readonly unknown[];
}): void {
  const live = mrkdwnTexts(message).filter(
    (t) => t.includes("<!channel>") || t.includes("<@U0BOSS>") || t.includes("<https://evil.example"),
  );
  if (live.length > 0)
    throw new Error(`unescaped user text in: ${live.map((t) => t.slice(0, 200)).join(" | ")}`);
}
