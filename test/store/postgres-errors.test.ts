import { describe, expect, it } from "vitest";
import { postgresTarget } from "../../src/store/open-store.js";
import { isConnectionFailure, isStatementTimeout } from "../../src/store/postgres-errors.js";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isConnectionFailure", () => {
  it("counts refused, reset and cut sockets, ended sessions and the timeouts as the database out of reach", () => {
    for (const error of [
      withCode("ECONNREFUSED"),
      withCode("ECONNRESET"),
      withCode("ETIMEDOUT"),
      withCode("ENOTFOUND"),
      withCode("57P01", "terminating connection due to administrator command"),
      withCode("57P03", "the database system is starting up"),
      withCode("08006"),
      withCode("08001"),
      new Error("Connection terminated unexpectedly"),
      new Error("Connection terminated due to connection timeout"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Query read timeout"),
      new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], ""),
      new Error("wrapped", { cause: withCode("ECONNRESET") }),
    ]) {
      expect(isConnectionFailure(error), String(error)).toBe(true);
    }
  });

  it("leaves refused statements and everything else alone", () => {
    for (const error of [
      withCode("23505", "duplicate key value violates unique constraint"),
      withCode("42P01", 'relation "requests" does not exist'),
      withCode("28P01", "password authentication failed"),
      withCode("40001"),
      new Error("boom"),
      "ECONNREFUSED",
      undefined,
    ]) {
      expect(isConnectionFailure(error), String(error)).toBe(false);
    }
  });
});

describe("isStatementTimeout", () => {
  it("is the server cancelling a statement (57014), which is no lost connection", () => {
    const cancelled = withCode("57014", "canceling statement due to statement timeout");
    expect(isStatementTimeout(cancelled)).toBe(true);
    expect(isConnectionFailure(cancelled)).toBe(false);
    expect(isStatementTimeout(withCode("57P01"))).toBe(false);
    expect(isStatementTimeout(new Error("Query read timeout"))).toBe(false);
  });
});

describe("postgresTarget", () => {
  it("gives the host and database of a URL, never its user, password or parameters", () => {
    const target = postgresTarget("postgres://ptbot:s3cr%40t@db.internal:5432/ptbot_prod?sslmode=require");
    expect(target).toEqual({ host: "db.internal", database: "ptbot_prod" });
    expect(JSON.stringify(target)).not.toContain("s3cr");
  });

  it("takes a socket directory from the host parameter, and leaves out what the URL does not say", () => {
    expect(postgresTarget("postgresql:///ptbot?host=/var/run/postgresql")).toEqual({
      host: "/var/run/postgresql",
      database: "ptbot",
    });
    expect(postgresTarget("postgres://")).toEqual({});
    expect(postgresTarget("not a url")).toEqual({});
  });
});
