/**
 * Socket Mode with several replicas of one app: each opens its own connection (`apps.connections.open` each time),
 * and each envelope goes to exactly one of the open connections, spread among them; none is ever sent twice.
 */
import { App } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import type { SlackEmulatorEvent } from "../../../emulators/slack/types.js";
import { ADA, APP_TOKEN, BOT_TOKEN, CHANNEL, silentLogger, startTestEmulator } from "./fixtures.js";

let emulator: SlackEmulator | undefined;
const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await emulator?.close();
  emulator = undefined;
});

/** A replica: a Bolt app in Socket Mode that records the commands it was handed. */
async function startReplica(target: SlackEmulator, seen: string[]): Promise<App> {
  const app = new App({
    token: BOT_TOKEN,
    appToken: APP_TOKEN,
    socketMode: true,
    clientOptions: { slackApiUrl: target.apiUrl },
    logger: silentLogger,
  });
  app.command("/pt", async ({ ack, command }) => {
    seen.push(command.text);
    await ack();
  });
  await app.start();
  apps.push(app);
  return app;
}

const deliveries = (target: SlackEmulator) =>
  target
    .events()
    .filter((e): e is Extract<SlackEmulatorEvent, { type: "delivered" }> => e.type === "delivered");

describe("Socket Mode with several replicas", () => {
  it("gives each replica its own connection and each envelope to exactly one of them", async () => {
    const e = await startTestEmulator();
    emulator = e;
    const seen: string[][] = [[], [], []];
    for (const list of seen) await startReplica(e, list);
    expect(e.calls("apps.connections.open")).toHaveLength(3);
    expect(e.socketConnectionIds).toEqual(["c1", "c2", "c3"]);

    const driver = e.driver({ socket: true });
    const texts = Array.from({ length: 30 }, (_, i) => `deploy m${i}`);
    await Promise.all(texts.map((text) => driver.slashCommand({ user: ADA, channel: CHANNEL, text })));

    // Each command reached one replica, once.
    expect(seen.flat().sort()).toEqual([...texts].sort());
    // Spread: every replica got some (the choice is seeded, so this does not depend on luck).
    for (const list of seen) expect(list.length).toBeGreaterThan(0);
    const byConnection = new Map<string, number>();
    for (const d of deliveries(e)) {
      const id = d.delivery.connectionId ?? "none";
      byConnection.set(id, (byConnection.get(id) ?? 0) + 1);
    }
    expect([...byConnection.keys()].sort()).toEqual(["c1", "c2", "c3"]);
    expect(seen.map((l) => l.length).sort()).toEqual([...byConnection.values()].sort());
  });

  it("sends everything to the replicas still connected once one stops", async () => {
    const e = await startTestEmulator();
    emulator = e;
    const seen: string[][] = [[], [], []];
    const started: App[] = [];
    for (const list of seen) started.push(await startReplica(e, list));
    await started[0]?.stop();
    apps.splice(apps.indexOf(started[0] as App), 1);
    await expect.poll(() => e.socketConnectionCount).toBe(2);

    const driver = e.driver({ socket: true });
    for (let i = 0; i < 10; i++)
      await driver.slashCommand({ user: ADA, channel: CHANNEL, text: `after ${i}` });
    expect(seen[0]).toEqual([]);
    expect((seen[1]?.length ?? 0) + (seen[2]?.length ?? 0)).toBe(10);
  });
});
