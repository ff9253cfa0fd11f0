import { createHmac } from "node:crypto";

export interface SignatureInput {
  readonly signingSecret: string;
  /** `X-Slack-Request-Timestamp`: epoch seconds. */
  readonly timestamp: number;
  /** The raw request body, exactly as sent. */
  readonly body: string;
}

/**
 * Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` keyed by the signing secret
 * (the value of the `X-Slack-Signature` header).
 */
export function signSlackRequest({ signingSecret, timestamp, body }: SignatureInput): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** The two headers a signed Slack request carries. */
export function slackSignatureHeaders(input: SignatureInput): Record<string, string> {
  return {
    "x-slack-signature": signSlackRequest(input),
    "x-slack-request-timestamp": String(input.timestamp),
  };
}
