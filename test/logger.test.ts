import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../src/logger.js";
import { memoryLogger } from "./fakes/memory-logger.js";

function capture() {
  const { logger, lines } = memoryLogger();
  return { log: logger, lines, raw: () => JSON.stringify(lines) };
}

describe("createLogger", () => {
  it("writes JSON lines with a constant message and data in fields", () => {
    const { log, lines } = capture();
    log.info({ requestId: "r1", from: "approved", to: "creating" }, "request transitioned");
    expect(lines[0]).toMatchObject({
      msg: "request transitioned",
      requestId: "r1",
      to: "creating",
      level: 30,
    });
  });

  it("redacts secret fields by name at any depth", () => {
    const { log, raw } = capture();
    log.info(
      {
        token: "plain-token-value",
        headers: { authorization: "Basic dXNlcjpwYXNz" },
        auth: { oauth: { clientSecret: "client-secret-value" } },
      },
      "call",
    );
    expect(raw()).not.toContain("plain-token-value");
    expect(raw()).not.toContain("dXNlcjpwYXNz");
    expect(raw()).not.toContain("client-secret-value");
    expect(raw()).toContain("[Redacted]");
  });

  it("scrubs token-shaped strings inside messages and errors", () => {
    const { log, raw } = capture();
    const pat = "dapi0123456789abcdef0123456789abcdef";
    log.error({ err: new Error(`call failed with Authorization: Bearer ${pat}`) }, "databricks call failed");
    log.warn({ url: "https://slack.test/?t=xoxb-123-456-abcdef" }, "odd url");
    log.info(`legacy message with xapp-1-A0-secret in it`);
    expect(raw()).not.toContain(pat);
    expect(raw()).not.toContain("xoxb-123-456-abcdef");
    expect(raw()).not.toContain("xapp-1-A0-secret");
    expect(raw()).toContain("databricks call failed");
  });
});

describe("scrubSecrets", () => {
  it.each([
    ["dapi0123456789abcdef0123456789abcdef-2", "[Redacted]"],
    ["Bearer eyJhbGciOi.abc.def", "[Redacted]"],
    ["token xoxb-1-2-abc ok", "token [Redacted] ok"],
    ["nothing secret here", "nothing secret here"],
  ])("%s", (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });
});
