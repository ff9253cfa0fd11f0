import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One real PostgreSQL server for the whole run (embedded unless PTBOT_TEST_DATABASE_URL names one).
    globalSetup: ["test/postgres/global-setup.ts"],
    // Most of the suite's time is spent waiting on servers and child processes (emulators, PostgreSQL, bot replicas),
    // not computing: two files at a time even on a 2-core machine (vitest's default there is one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files share each worker's module graph instead of importing Bolt, pg, zod and the rest afresh per file: the
    // imports took more of the suite's time than most tests (import 36 s of 50 s for the unit tests of the domain,
    // Slack, workflow and Databricks folders; 8 s without isolation). Nothing in src/ or test/ keeps module-level
    // state but pure caches (the style guide's rule 1), fake timers are put back after each test, and every server
    // listens on port 0.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
