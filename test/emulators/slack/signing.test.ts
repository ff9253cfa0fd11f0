import { verifySlackRequest } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { signSlackRequest, slackSignatureHeaders } from "../../../emulators/slack/signing.js";

// Slack's published example (https://api.slack.com/authentication/verifying-requests-from-slack).
const VECTOR = {
  signingSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  timestamp: 1531420618,
  body:
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
};

describe("signSlackRequest", () => {
  it("reproduces Slack's published test vector exactly", () => {
    expect(signSlackRequest(VECTOR)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });

  it("changes with any byte of the body, the timestamp or the secret", () => {
    const base = signSlackRequest(VECTOR);
    expect(signSlackRequest({ ...VECTOR, body: `${VECTOR.body} ` })).not.toBe(base);
    expect(signSlackRequest({ ...VECTOR, timestamp: VECTOR.timestamp + 1 })).not.toBe(base);
    expect(signSlackRequest({ ...VECTOR, signingSecret: "other" })).not.toBe(base);
  });

  it("produces headers Bolt's own verifier accepts", () => {
    const headers = slackSignatureHeaders(VECTOR);
    expect(() =>
      verifySlackRequest({
        signingSecret: VECTOR.signingSecret,
        body: VECTOR.body,
        headers: {
          "x-slack-signature": headers["x-slack-signature"] ?? "",
          "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]),
        },
        nowMilliseconds: VECTOR.timestamp * 1000,
      }),
    ).not.toThrow();
  });
});
