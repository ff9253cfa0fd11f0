/**
 * `/pt deploy` flags over signed HTTP: each means what it says, and each way of getting one wrong has its own answer
 * (in the ack for what the parser sees, after the lookup for what only the model can tell), with no card.
 */
import { afterEach, describe, expect, it } from "vitest";
import { blockText, CHANNEL, type Harness, isCard, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const GPT_OSS = "system.ai.gpt-oss-120b";

/** The ack's text, for what the parser refuses. */
async function ackText(harness: Harness, text: string): Promise<string> {
  const result = await harness.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text });
  expect(result.status).toBe(200);
  return (result.body as { text: string }).text;
}

function cards(harness: Harness) {
  return harness.slack.channelMessages(CHANNEL).filter(isCard);
}

describe("/pt deploy flags", () => {
  it("--scale-to-zero=false and --no-scale-to-zero leave scale to zero off; --scale-to-zero=true turns it on", async () => {
    h = await startHarness();
    const off = await h.deploy(`deploy ${LLAMA} 3 --scale-to-zero=false --name stz-off`);
    expect(blockText(off)).toContain("*Scale to zero*\\noff");
    const no = await h.deploy(`deploy ${LLAMA} 3 --no-scale-to-zero --name stz-no`);
    expect(blockText(no)).toContain("*Scale to zero*\\noff");
    const on = await h.deploy(`deploy ${LLAMA} 3 --scale-to-zero=true --name stz-on`);
    expect(blockText(on)).toContain("*Scale to zero*\\non");
  });

  it.each([
    [`deploy ${LLAMA} 3 --max 2 --max=3`, "is given twice"],
    [`deploy ${LLAMA} 3 --scale-to-zero=maybe`, "takes `true` or `false`"],
    [`deploy ${LLAMA} 3 --max 0`, "could never serve"],
  ])("answers %j on its own, and posts no card", async (text, words) => {
    h = await startHarness();
    expect(await ackText(h, text)).toContain(words);
    expect(cards(h)).toHaveLength(0);
  });

  it("refuses a command too long to read as too long, saying its real length", async () => {
    h = await startHarness();
    const text = `deploy ${LLAMA} 3 --name ${"n".repeat(10_000)}`;
    const answer = await ackText(h, text);
    expect(answer).toContain(`${text.length} characters long`);
    expect(answer).toContain("at most 1,000 characters");
    expect(answer).not.toContain("959");
    expect(cards(h)).toHaveLength(0);
  });

  it("answers --min for a model-unit model with the reason once the model is known, and posts no card", async () => {
    h = await startHarness();
    const answer = await h.answer(`deploy ${GPT_OSS} --min 2 --max 3`);
    expect(answer).toContain("`--min` does not apply to this model");
    expect(answer).toContain("set by `--max` alone");
    expect(cards(h)).toHaveLength(0);
  });
});
