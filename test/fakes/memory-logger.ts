import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger.js";

/** A real pino logger writing JSON lines to memory, for assertions on what was logged. */
export function memoryLogger(level = "debug"): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
