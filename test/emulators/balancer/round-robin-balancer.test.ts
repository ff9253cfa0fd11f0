/**
 * The loopback load balancer in front of several real Bolt apps: signed requests reach the apps intact (Bolt checks
 * the signature over the exact body), in turn; a replica that is down is passed over; none up answers 502.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Balancer, startBalancer } from "../../../emulators/balancer/index.js";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { ADA, CHANNEL, type RunningApp, startBoltApp, startTestEmulator } from "../slack/fixtures.js";

let emulator: SlackEmulator | undefined;
let balancer: Balancer | undefined;
const running: RunningApp[] = [];
afterEach(async () => {
  await balancer?.close();
  for (const app of running.splice(0)) await app.stop().catch(() => {});
  await emulator?.close();
  balancer = undefined;
  emulator = undefined;
});

async function fleet(count: number): Promise<{ e: SlackEmulator; seen: string[][]; apps: RunningApp[] }> {
  const e = await startTestEmulator();
  emulator = e;
  const seen: string[][] = [];
  const apps: RunningApp[] = [];
  for (let i = 0; i < count; i++) {
    const list: string[] = [];
    seen.push(list);
    const app = await startBoltApp(e, (a) =>
      a.command("/pt", async ({ ack, command }) => {
        list.push(command.text);
        await ack(`replica ${i}`);
      }),
    );
    apps.push(app);
    running.push(app);
  }
  balancer = await startBalancer({
    backends: apps.map((app, i) => ({ name: `replica-${i}`, url: new URL(app.appUrl).origin })),
  });
  return { e, seen, apps };
}

describe("the round-robin balancer", () => {
  it("spreads signed requests across the replicas in turn, bodies intact", async () => {
    const { e, seen } = await fleet(3);
    const driver = e.driver({ appUrl: `${balancer?.url}/slack/events` });
    const answers: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: `deploy m${i}` });
      expect(result.status).toBe(200);
      answers.push(result.body);
    }
    expect(seen).toEqual([
      ["deploy m0", "deploy m3"],
      ["deploy m1", "deploy m4"],
      ["deploy m2", "deploy m5"],
    ]);
    expect(answers.map((a) => (a as { text?: string }).text ?? a)).toEqual(
      [0, 1, 2, 0, 1, 2].map((i) => `replica ${i}`),
    );
    expect(balancer?.countsByBackend()).toEqual({ "replica-0": 2, "replica-1": 2, "replica-2": 2 });
  });

  it("passes over a replica that refuses the connection, and answers 502 when none is up", async () => {
    const { e, seen, apps } = await fleet(2);
    await apps[0]?.stop();
    const driver = e.driver({ appUrl: `${balancer?.url}/slack/events` });
    for (let i = 0; i < 3; i++) {
      const result = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: `while down ${i}` });
      expect(result.status).toBe(200);
    }
    expect(seen[1]).toEqual(["while down 0", "while down 1", "while down 2"]);
    expect(balancer?.routes().some((r) => r.refusedBy.includes("replica-0"))).toBe(true);

    await apps[1]?.stop();
    const none = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "nobody" });
    expect(none.status).toBe(502);
    expect(balancer?.routes().at(-1)).toMatchObject({ backend: undefined, status: 502 });
  });
});
