import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { scriptIo } from "../../sandbox/script-io.js";

describe("scriptIo", () => {
  it("hands out lines in order, waits for more, and answers undefined once the input has ended", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const io = scriptIo(input, output);
    input.write("first\r\nsecond\n");
    expect(await io.read("> ")).toBe("first");
    expect(await io.read("> ")).toBe("second");
    const third = io.read("> ");
    input.end("third\n");
    expect(await third).toBe("third");
    expect(await io.read("> ")).toBeUndefined();
    io.close();
  });

  it("stops waiting when the read is aborted, keeping later lines for the next read", async () => {
    const input = new PassThrough();
    const io = scriptIo(input, new PassThrough());
    const controller = new AbortController();
    const pending = io.read("> ", controller.signal);
    controller.abort();
    expect(await pending).toBeUndefined();
    input.end("later\n");
    expect(await io.read("> ")).toBe("later");
    io.close();
  });

  it("writes each text as whole lines, without a prompt", () => {
    const output = new PassThrough();
    const io = scriptIo(new PassThrough(), output);
    io.write("one\ntwo");
    io.write("three\n");
    expect(output.read()?.toString()).toBe("one\ntwo\nthree\n");
    io.close();
  });
});
