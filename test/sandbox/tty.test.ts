import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { stripAnsi } from "../../sandbox/ansi.js";
import { type TtyIo, ttyIo } from "../../sandbox/tty.js";

/** A terminal stand-in: readline in terminal mode works on any stream pair. */
function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = "";
  output.on("data", (chunk: Buffer) => {
    screen += chunk.toString();
  });
  const io = ttyIo(input, output);
  return { io, type: (keys: string) => input.write(keys), screen: () => stripAnsi(screen) };
}

let open: TtyIo | undefined;
afterEach(() => {
  open?.close();
  open = undefined;
});

describe("ttyIo", () => {
  it("prompts, reads the typed line, and keeps lines typed while busy for the next read", async () => {
    const t = terminal();
    open = t.io;
    const first = t.io.read("ada@#ml-deploys> ");
    expect(t.screen()).toContain("ada@#ml-deploys> ");
    t.type("/pt help\r");
    expect(await first).toBe("/pt help");
    t.type("as grace\r");
    expect(await t.io.read("> ")).toBe("as grace");
  });

  it("writes messages above the prompt and redraws the line being typed", async () => {
    const t = terminal();
    open = t.io;
    const pending = t.io.read("ada> ");
    t.type("half");
    t.io.write("ptbot · card updated");
    const screen = t.screen();
    expect(screen.lastIndexOf("ptbot · card updated")).toBeLessThan(screen.lastIndexOf("ada> half"));
    t.type(" done\r");
    expect(await pending).toBe("half done");
  });

  it("gives up a read when its signal aborts (a modal opened), dropping the half-typed line", async () => {
    const t = terminal();
    open = t.io;
    const controller = new AbortController();
    const pending = t.io.read("ada> ", controller.signal);
    t.type("abandoned");
    controller.abort();
    expect(await pending).toBeUndefined();
    const next = t.io.read("  Minimum [2]: ");
    t.type("3\r");
    expect(await next).toBe("3");
  });

  it("clears a typed line on Ctrl-C, and quits on Ctrl-C at an empty prompt", async () => {
    const t = terminal();
    open = t.io;
    const pending = t.io.read("ada> ");
    t.type("oops");
    t.type("\x03");
    t.type("\x03");
    expect(await pending).toBe("quit");
  });

  it("ends the input on Ctrl-D", async () => {
    const t = terminal();
    open = t.io;
    const pending = t.io.read("ada> ");
    t.type("\x04");
    expect(await pending).toBeUndefined();
  });
});
