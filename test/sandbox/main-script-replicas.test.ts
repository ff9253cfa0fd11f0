/**
 * `npm run sandbox --replicas N` fed a script: two bot processes behind the load balancer on an embedded PostgreSQL,
 * one killed and started again mid-conversation; and the flags that --replicas refuses. Its own file (the embedded
 * PostgreSQL and the replicas make it the slowest of the sandbox's scripts), so the run spreads them over both workers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expectInOrder, killSandboxes, runSandbox } from "./run-sandbox.js";

afterEach(killSandboxes);

describe("the sandbox reading a script, with replicas", () => {
  it("with --replicas 2 on an embedded PostgreSQL, says which replica answered, kills the approval's replica, and still reaches READY", async () => {
    const { code, stdout, stderr } = await runSandbox(
      ["--provisioning-ms", "1500", "--replicas", "2"],
      "/pt deploy ml.llm-catalog.llama-13b 3\n:as grace\n:click approve\n:kill\nreplicas\n",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("replicas     replica-1, replica-2: separate processes behind a load balancer");
    expect(stdout).toMatch(
      /database {5}postgres:\/\/postgres@127\.0\.0\.1:\d+\/ptbot \(an embedded PostgreSQL for this run, shared by the replicas\)/,
    );
    // The URL shown carries no password.
    expect(stdout).not.toContain("ptbot-sandbox@");
    // The balancer takes turns: the command to one replica, the click to the other.
    const answered = [...stdout.matchAll(/↳ (replica-\d) answered/g)].map((m) => m[1]);
    expect(answered).toHaveLength(2);
    expect(new Set(answered).size).toBe(2);
    const order = [
      "» grace: :click approve",
      `↳ ${answered[1]} answered`,
      "» grace: :kill",
      `✖ ${answered[1]} (pid `,
      ") killed with SIGKILL; starting it again…",
      "READY",
    ];
    // The listing comes after the kill; READY may come before or after it (on a loaded machine the restart takes
    // longer than the provisioning), so it is checked on its own.
    const listing = stdout.indexOf("» grace: replicas");
    expect(listing).toBeGreaterThan(stdout.indexOf(") killed with SIGKILL"));
    expect(stdout.indexOf("1 request(s) answered", listing)).toBeGreaterThan(listing);
    expectInOrder(stdout, order);
  }, 60_000);

  it("exits 2 with a clear message on a bad --replicas", async () => {
    const zero = await runSandbox(["--replicas", "0"], "");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--replicas must be between 1 and 10, got 0");
    const withDb = await runSandbox(["--replicas", "3", "--db", "x.db"], "");
    expect(withDb.code).toBe(2);
    expect(withDb.stderr).toContain("--db names a SQLite file for one bot");
  });
});
