/**
 * Several Databricks workspaces served at once (issue 14), over signed HTTP: two emulators named `dev` and `prod`
 * in a policy file; `--in` and the channel's default choose the workspace; the same endpoint name in both is two
 * endpoints; a workspace that is down does not hold back the other; a channel restricted to dev is refused prod.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultWorkspace } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { waitUntil } from "../chaos/wait-until.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  type HarnessOptions,
  LLAMA,
  readyz,
  startHarness,
} from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const DEV_ONLY = "C0MLDEVONLY";

/** dev: the channel's default, anyone's own approval counts; prod: named with `--in`, at most 4×. */
const TWO_WORKSPACES: HarnessOptions = {
  workspaces: [
    { name: "dev", policy: { allow_self_approval: true } },
    { name: "prod", policy: { max_multiple: 4 } },
  ],
  channels: {
    [CHANNEL]: { default: "dev", workspaces: ["dev", "prod"] },
    [DEV_ONLY]: { default: "dev", workspaces: ["dev"] },
  },
  workspace: {
    channels: [
      ...defaultWorkspace.channels,
      { id: DEV_ONLY, name: "ml-dev", members: [...defaultWorkspace.channels[0].members] },
    ],
  },
};

/**
 * With a workspace gone for good: past 200 ms of real time without an answer to its list call it counts as down (5 s
 * in production), and the stop waits 200 ms for the work in hand, a call retrying the dead workspace for minutes.
 */
const DEAD_WORKSPACE_BOUNDS = { listBoundMs: 200, stopWaitMs: 200 };

async function approve(harness: Harness, card: { ts: string }): Promise<void> {
  const click = await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
}

describe("two workspaces", () => {
  it("deploys the same endpoint name to each, each in its own workspace, and says which on the card", async () => {
    h = await startHarness(TWO_WORKSPACES);
    const devCard = await h.deploy(`deploy ${LLAMA} 3 --name shared`);
    const prodCard = await h.deploy(`deploy ${LLAMA} 3 --name shared --in prod`);
    expect(blockText(devCard)).toContain("Workspace `dev`");
    expect(blockText(prodCard)).toContain("Workspace `prod`");
    await approve(h, devCard);
    await approve(h, prodCard);
    const devReady = await h.waitForReply(devCard, (t) => t.includes("READY"), 10_000);
    const prodReady = await h.waitForReply(prodCard, (t) => t.includes("READY"), 10_000);
    const dev = h.dbxOf.dev;
    const prod = h.dbxOf.prod;
    if (dev === undefined || prod === undefined) throw new Error("both emulators");
    expect(devReady.text).toContain(`${dev.url}/ml/endpoints/shared`);
    expect(prodReady.text).toContain(`${prod.url}/ml/endpoints/shared`);
    expect(dev.endpoint("shared")).toBeDefined();
    expect(prod.endpoint("shared")).toBeDefined();
    // Each create went to its own workspace only, once.
    expect(dev.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    expect(prod.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);

    // `/pt status` and `/pt list` answer for the workspace asked (the channel's default: dev), and say which.
    const status = await h.answer("status shared --in prod");
    expect(status).toContain("workspace prod");
    const list = await h.answer("list");
    expect(list).toContain("workspace dev");
  });

  it("follows the other workspace to READY while one is down, and reports the one down in /readyz", async () => {
    h = await startHarness({ ...TWO_WORKSPACES, trackerBounds: DEAD_WORKSPACE_BOUNDS });
    const devCard = await h.deploy(`deploy ${LLAMA} 3 --name dev-ep`);
    const prodCard = await h.deploy(`deploy ${LLAMA} 3 --name prod-ep --in prod`);
    await h.dbxOf.prod?.close();
    await approve(h, prodCard);
    await approve(h, devCard);
    await h.waitForReply(devCard, (t) => t.includes("READY"), 10_000);
    expect(h.replies(prodCard).some((t) => t.includes("READY"))).toBe(false);

    const port = h.running.port;
    await waitUntil(async () => (await readyz(port)).checks?.workspaces !== undefined, {
      timeoutMs: 5_000,
      description: "/readyz per workspace",
    });
    const answer = (await readyz(port)) as {
      ready?: boolean;
      checks?: {
        workspaces?: Record<string, { ok: boolean }>;
        databricks?: { ok: boolean; detail?: string };
      };
    };
    expect(answer.checks?.workspaces?.dev?.ok).toBe(true);
    expect(answer.checks?.workspaces?.prod?.ok).toBe(false);
    expect(answer.checks?.databricks).toMatchObject({ ok: true, detail: "unreachable: prod" });
    expect(answer.ready).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/ptbot_databricks_workspace_up\{workspace="dev"\} 1/);
    expect(metrics).toMatch(/ptbot_databricks_workspace_up\{workspace="prod"\} 0/);
  });

  it("tells a provisioning request's thread once that its workspace went down, and keeps following it", async () => {
    h = await startHarness({
      ...TWO_WORKSPACES,
      provisioningMs: 60_000,
      trackerBounds: DEAD_WORKSPACE_BOUNDS,
    });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name prod-ep --in prod`);
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    await h.dbxOf.prod?.close();
    const logged = (msg: string) => h?.logs.filter((l) => l.msg === msg).length ?? 0;
    // The list call retries; past its bound the round gives up on it and the workspace counts as down. The wait is
    // on that log line; its generous bound is for a loaded machine (seen past 15 s in a CI run with a 5 s bound).
    await waitUntil(() => logged("workspace not answering") > 0, {
      timeoutMs: 40_000,
      description: "prod down",
    });
    // Past the notice bound (5 min by ptbot's clock): told once.
    h.clock.advance(6 * 60_000);
    const said = await h.waitForReply(
      card,
      (t) => t.includes("cannot reach Databricks workspace `prod`"),
      40_000,
    );
    expect(said.text).toContain("`prod-ep`");
    // Once: the request's unreachableReportedAt refuses a second report (the transition table covers that rule).
    expect(h.replies(card).filter((t) => t.includes("cannot reach Databricks")).length).toBe(1);
  }, 100_000);

  it("scales and rolls back an endpoint in the workspace named, from that workspace's history", async () => {
    h = await startHarness(TWO_WORKSPACES);
    const deploy = await h.deploy(`deploy ${LLAMA} 3 --name roll --in prod`);
    await approve(h, deploy);
    await h.waitForReply(deploy, (t) => t.includes("READY"), 10_000);
    const scale = await h.deploy("scale roll --max 4 --in prod");
    expect(blockText(scale)).toContain("Workspace `prod`");
    await approve(h, scale);
    await h.waitForReply(scale, (t) => t.includes("done, `roll` is READY"), 10_000);
    // dev has no such endpoint: the same name there is another endpoint.
    expect(await h.answer("rollback roll")).toContain("no endpoint");
    const rollback = await h.deploy("rollback roll --in prod");
    await approve(h, rollback);
    await h.waitForReply(rollback, (t) => t.includes("done, `roll` is READY on v3: 1,960–2,940"), 10_000);
  });

  it("refuses a workspace the channel may not use, with the ones it may, and an unknown one", async () => {
    h = await startHarness(TWO_WORKSPACES);
    const refused = await h.answer(`deploy ${LLAMA} 3 --in prod`, undefined, DEV_ONLY);
    expect(refused).toContain("may not use workspace `prod`");
    expect(refused).toContain("`dev`");
    expect(await h.answer("list --in prod", undefined, DEV_ONLY)).toContain("may not use workspace `prod`");
    expect(await h.answer("status x --in staging")).toContain("There is no workspace `staging`");
    // Its default still works there.
    const card = await h.deploy(`deploy ${LLAMA} 3 --name dev-only`, undefined, DEV_ONLY);
    expect(blockText(card)).toContain("Workspace `dev`");
    expect(h.dbxOf.prod?.requestsTo("GET", /serving-endpoints\/dev-only/)).toHaveLength(0);
  });
});
