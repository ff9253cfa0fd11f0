/**
 * The sandbox's input and output when stdin is not a terminal: lines are read as they come (a script, a pipe, a
 * test), nothing is prompted, and the conversation is written as plain text.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ChatIo } from "./chat-session.js";

export interface ScriptIo extends ChatIo {
  /** Stops reading the input. */
  close(): void;
}

/** A {@link ChatIo} over a line stream; `read` answers undefined once the stream has ended and its lines are used. */
export function scriptIo(input: Readable, output: Writable): ScriptIo {
  const lines: string[] = [];
  const waiting = new Set<() => void>();
  let ended = false;
  const wake = () => {
    for (const resume of waiting) resume();
    waiting.clear();
  };
  const reader = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  reader.on("line", (line) => {
    lines.push(line);
    wake();
  });
  reader.on("close", () => {
    ended = true;
    wake();
  });
  return {
    async read(_prompt, signal) {
      for (;;) {
        const line = lines.shift();
        if (line !== undefined) return line;
        if (ended || signal?.aborted === true) return undefined;
        await new Promise<void>((resume) => {
          waiting.add(resume);
          signal?.addEventListener("abort", () => resume(), { once: true });
        });
      }
    },
    write(text) {
      output.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    close() {
      reader.close();
    },
  };
}
