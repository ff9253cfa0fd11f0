/**
 * The database was migrated by a newer ptbot than this one: it holds a schema version this build does not know.
 * Opening it anyway could misread or damage what the newer replicas write, so the store refuses, and the operator
 * upgrades this replica (or rolls the others back together with a database restore).
 */
import { PtbotError } from "../errors.js";

export class SchemaTooNewError extends PtbotError {
  /** The newest version recorded in the database. */
  readonly databaseVersion: number;
  /** The newest version this build knows. */
  readonly knownVersion: number;

  constructor(databaseVersion: number, knownVersion: number) {
    super(
      "schema_too_new",
      `the database schema is at version ${databaseVersion}, newer than this ptbot knows (version ${knownVersion}): ` +
        "another replica runs a newer release; upgrade this replica to it",
    );
    this.databaseVersion = databaseVersion;
    this.knownVersion = knownVersion;
  }
}

/**
 * Throws {@link SchemaTooNewError} when `applied` holds a version `known` does not: a newer build migrated the
 * database. Versions this build knows but has not applied yet are fine (they are applied next).
 */
export function refuseNewerSchema(applied: readonly number[], known: readonly number[]): void {
  const knownSet = new Set(known);
  const unknown = applied.filter((v) => !knownSet.has(v));
  if (unknown.length === 0) return;
  throw new SchemaTooNewError(Math.max(...unknown), Math.max(0, ...known));
}
