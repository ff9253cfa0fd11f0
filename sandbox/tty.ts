/**
 * The sandbox in a terminal: a readline prompt with history and line editing, and output that never tramples what
 * the person is typing (the prompt and the line in progress are redrawn under each message that arrives).
 */
import { clearLine, createInterface, cursorTo } from "node:readline";
import type { ChatIo } from "./chat-session.js";

export interface TtyIo extends ChatIo {
  close(): void;
}

/**
 * A {@link ChatIo} on a terminal. Ctrl-C with an empty line, or Ctrl-D, ends the input (`quit` / end); Ctrl-C on a
 * line being typed clears it, as shells do. Lines typed while the sandbox is busy are kept for the next read.
 */
export function ttyIo(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): TtyIo {
  const rl = createInterface({
    input,
    output,
    terminal: true,
    historySize: 500,
    removeHistoryDuplicates: true,
  });
  const typedAhead: string[] = [];
  let pending: ((line: string | undefined) => void) | undefined;
  let closed = false;

  const deliver = (line: string | undefined) => {
    const resolve = pending;
    pending = undefined;
    if (resolve !== undefined) resolve(line);
    else if (line !== undefined) typedAhead.push(line);
  };
  rl.on("line", (line) => deliver(line));
  rl.on("close", () => {
    closed = true;
    deliver(undefined);
  });
  rl.on("SIGINT", () => {
    if (rl.line !== "") {
      rl.write(null, { ctrl: true, name: "e" });
      rl.write(null, { ctrl: true, name: "u" });
      return;
    }
    output.write("\n");
    deliver("quit");
  });

  return {
    read(prompt, signal) {
      const ahead = typedAhead.shift();
      if (ahead !== undefined) return Promise.resolve(ahead);
      if (closed || signal?.aborted === true) return Promise.resolve(undefined);
      rl.setPrompt(prompt);
      rl.prompt();
      return new Promise((resolve) => {
        pending = resolve;
        signal?.addEventListener(
          "abort",
          () => {
            if (pending !== resolve) return;
            pending = undefined;
            // Whatever was half typed belongs to the question that is gone.
            rl.write(null, { ctrl: true, name: "e" });
            rl.write(null, { ctrl: true, name: "u" });
            clearLine(output, 0);
            cursorTo(output, 0);
            resolve(undefined);
          },
          { once: true },
        );
      });
    },
    write(text) {
      const line = text.endsWith("\n") ? text : `${text}\n`;
      if (pending === undefined) {
        output.write(line);
        return;
      }
      clearLine(output, 0);
      cursorTo(output, 0);
      output.write(line);
      rl.prompt(true);
    },
    close() {
      rl.close();
    },
  };
}
