/**
 * Replicas: the same 200 conversations through one ptbot and through three replicas sharing one PostgreSQL (each in
 * its own worker thread; each conversation's command goes to one replica and its approval to the next, as a load
 * balancer would spread them). Figures: the time for all of them, and what Databricks saw: list calls per poll
 * interval while endpoints provisioned, and calls in all. The fleet polls once per workspace per interval however
 * many replicas run, so three replicas must not make more Databricks calls than one.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../../test/postgres/server.js";
import { type HostedApp, startHostedApp } from "../app-host.js";
import { approve, ConversationWatcher, command, isReadyText } from "../conversation.js";
import { startEmulators } from "../emulators.js";
import { ptbotEnv } from "../ptbot-env.js";
import type { BenchResult } from "../results.js";
import { round } from "../stats.js";

const CONVERSATIONS = 200;
const PROVISIONING_MS = 2_000;
const POLL_MS = 500;

interface RunFigures {
  readonly replicas: number;
  readonly completed: number;
  readonly totalS: number;
  readonly listCallsPerInterval: number;
  readonly databricksCalls: number;
  readonly duplicateCreates: number;
  readonly threadsWithReadyNot1: number;
  readonly failures: readonly string[];
}

const isList = (r: { method: string; path: string }) =>
  r.method === "GET" && r.path === "/api/2.0/serving-endpoints";

async function run(server: TestPostgres, replicas: number): Promise<RunFigures> {
  const database = `bench_replicas_${replicas}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  const emulators = await startEmulators({ provisioningMs: PROVISIONING_MS });
  const apps: HostedApp[] = [];
  const watcher = new ConversationWatcher(emulators.slack);
  try {
    for (let i = 0; i < replicas; i++) {
      apps.push(
        await startHostedApp({
          kind: "ptbot",
          owner: `bench-replica-${i}`,
          env: ptbotEnv({ ...emulators, pollIntervalMs: POLL_MS, databaseUrl: url.toString() }),
        }),
      );
    }
    const drivers = apps.map((app) => emulators.slack.driver({ appUrl: app.url }));
    const driver = (i: number) => {
      const d = drivers[i % replicas];
      if (d === undefined) throw new Error(`no replica ${i % replicas}`);
      return d;
    };
    const names = Array.from({ length: CONVERSATIONS }, (_, i) => `fleet-${String(i).padStart(4, "0")}`);
    const firstCall = emulators.dbx.requests.length;
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      names.map(async (name, i) => {
        const { card } = await command(watcher, driver(i), name, 60_000);
        await approve(driver(i + 1), card);
        await watcher.reply(card, isReadyText, 120_000);
        return card;
      }),
    );
    const elapsedMs = performance.now() - started;
    const calls = emulators.dbx.requests.slice(firstCall);
    // Anything duplicated would follow within a few polls of the last READY.
    await sleep(5 * POLL_MS);
    const done = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    const creates = emulators.dbx.requestsTo("POST", "/api/2.0/serving-endpoints");
    const perName = new Map<string, number>();
    for (const c of creates) {
      const name = (c.body as { name?: string }).name ?? "";
      perName.set(name, (perName.get(name) ?? 0) + 1);
    }
    return {
      replicas,
      completed: done.length,
      totalS: round(elapsedMs / 1000),
      listCallsPerInterval: round(calls.filter(isList).length / (elapsedMs / POLL_MS)),
      databricksCalls: calls.length,
      duplicateCreates: [...perName.values()].filter((n) => n > 1).length,
      threadsWithReadyNot1: done.filter(
        (card) => watcher.replies(card).filter((s) => isReadyText(s.message.text)).length !== 1,
      ).length,
      failures: outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : [])),
    };
  } finally {
    watcher.close();
    for (const app of apps) await app.stop();
    await emulators.close();
  }
}

export async function replicas(): Promise<BenchResult[]> {
  const server = await startTestPostgres();
  try {
    const one = await run(server, 1);
    const three = await run(server, 3);
    const sound = (f: RunFigures) =>
      f.completed === CONVERSATIONS && f.duplicateCreates === 0 && f.threadsWithReadyNot1 === 0;
    // "Not more calls than one replica": per poll interval for the list (the runs last differently long), and in all
    // with a margin of one list call per interval of the longer run for the different durations.
    const margin = Math.ceil((Math.max(one.totalS, three.totalS) * 1000) / POLL_MS);
    const met =
      sound(one) &&
      sound(three) &&
      three.listCallsPerInterval <= Math.max(1, one.listCallsPerInterval) + 0.05 &&
      three.databricksCalls <= one.databricksCalls + margin;
    const figures = (f: RunFigures) => ({
      completed: f.completed,
      totalS: f.totalS,
      listCallsPerInterval: f.listCallsPerInterval,
      databricksCalls: f.databricksCalls,
      duplicateCreates: f.duplicateCreates,
      threadsWithReadyNot1: f.threadsWithReadyNot1,
    });
    const failures = [...one.failures, ...three.failures];
    return [
      {
        scenario: `${CONVERSATIONS} conversations, 3 replicas vs 1 (PostgreSQL)`,
        figures: figures(three),
        baseline: figures(one),
        ratio: one.databricksCalls === 0 ? null : round(three.databricksCalls / one.databricksCalls),
        target:
          "all complete, once each; 3 replicas make no more Databricks calls than 1 (≤ 1 list per interval)",
        met,
        notes:
          `baseline = one replica on the same PostgreSQL; provisioning ${PROVISIONING_MS / 1000} s, poll ` +
          `${POLL_MS} ms; replicas in worker threads of one process on this machine's 2 cores` +
          (failures.length > 0 ? `; failures: ${failures.slice(0, 3).join(" | ")}` : ""),
      },
    ];
  } finally {
    await server.stop();
  }
}
