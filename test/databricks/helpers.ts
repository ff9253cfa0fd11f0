import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger.js";

/** A clock tests move by hand; shared by the emulator's life cycle and the client's retry bound. */
export function fakeClock(start = Date.parse("2025-06-01T12:00:00Z")) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

/** A `sleep` that returns at once, records each wait and moves the clock as a real wait would. */
export function recordingSleep(clock?: { advance(ms: number): void }) {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      clock?.advance(ms);
      return Promise.resolve();
    },
  };
}

/** A real pino logger (ours, with its redaction) writing parsed lines to memory. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[]; raw: () => string } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: "debug", destination }), lines, raw: () => JSON.stringify(lines) };
}

/** Awaits a promise expected to reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/** Every place a credential could leak from an error: its JSON, message, stack, cause and own properties. */
export function errorTexts(error: unknown): string {
  const e = error as Error & Record<string, unknown>;
  return [
    JSON.stringify(error),
    e.message,
    e.stack,
    String(e.cause),
    JSON.stringify(e.cause ?? null),
    ...Object.values(e).map((v) => (typeof v === "string" ? v : JSON.stringify(v ?? null))),
  ].join("\n");
}

/** Polls `condition` every few milliseconds until it holds, failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
