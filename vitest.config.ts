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
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
