import { describe, expect, it } from "vitest";
import { parseInput } from "../../sandbox/parse-input.js";

describe("parseInput", () => {
  it("reads sandbox commands with :, / or no prefix", () => {
    for (const line of [":as grace", "/as grace", "as grace", "  :AS   @grace "]) {
      expect(parseInput(line)).toEqual({ kind: "as", user: "grace" });
    }
    expect(parseInput(":click approve")).toEqual({ kind: "click", target: "approve" });
    expect(parseInput("click a")).toEqual({ kind: "click", target: "a" });
    expect(parseInput("press Not yet")).toEqual({ kind: "click", target: "Not yet" });
    expect(parseInput("help")).toEqual({ kind: "help" });
    expect(parseInput("?")).toEqual({ kind: "help" });
    expect(parseInput("/help")).toEqual({ kind: "help" });
    expect(parseInput("quit")).toEqual({ kind: "quit" });
    expect(parseInput(":exit")).toEqual({ kind: "quit" });
    expect(parseInput("show")).toEqual({ kind: "show" });
    expect(parseInput(":users")).toEqual({ kind: "users" });
    expect(parseInput(":wait")).toEqual({ kind: "wait" });
    expect(parseInput("wait")).toEqual({ kind: "wait" });
  });

  it("sends other /commands to the app, keeping the text as typed", () => {
    expect(parseInput("/pt deploy ml.llm-catalog.llama-13b 3 --name  x")).toEqual({
      kind: "slash",
      command: "/pt",
      text: "deploy ml.llm-catalog.llama-13b 3 --name  x",
    });
    expect(parseInput("/pt")).toEqual({ kind: "slash", command: "/pt", text: "" });
    expect(parseInput("/PT help")).toEqual({ kind: "slash", command: "/pt", text: "help" });
  });

  it("treats words that only look like commands as chat, and asks about unknown :commands", () => {
    expect(parseInput("as")).toEqual({ kind: "text", text: "as" });
    expect(parseInput("help me please")).toEqual({ kind: "text", text: "help me please" });
    expect(parseInput("a")).toEqual({ kind: "text", text: "a" });
    expect(parseInput(":as")).toEqual({ kind: "as", user: "" });
    expect(parseInput(":frobnicate now")).toEqual({ kind: "unknown", command: "frobnicate" });
    expect(parseInput("   ")).toEqual({ kind: "empty" });
  });

  it("reads the replica commands: kill a named one, :kill alone for the last to answer, and the list", () => {
    expect(parseInput("kill 2")).toEqual({ kind: "kill", replica: "2" });
    expect(parseInput(":kill replica-3")).toEqual({ kind: "kill", replica: "replica-3" });
    expect(parseInput(":kill")).toEqual({ kind: "kill", replica: "" });
    // A bare word is chat, not a kill.
    expect(parseInput("kill")).toEqual({ kind: "text", text: "kill" });
    expect(parseInput("replicas")).toEqual({ kind: "replicas" });
  });
});
