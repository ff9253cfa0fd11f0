import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One real PostgreSQL server for the whole run (embedded unless PTBOT_TEST_DATABASE_URL names one).
    globalSetup: ["test/postgres/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
