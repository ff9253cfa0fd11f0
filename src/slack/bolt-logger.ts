/**
 * Bolt's and the Slack SDK's log lines, bridged to ptbot's pino logger: one constant message with the SDK's words in
 * a field, at the SDK's level (and pino's level filters further). Token-shaped strings are scrubbed by the logger.
 */
import { format } from "node:util";
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../logger.js";

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/** The SDK's own chatter (request bodies, retries) is debug; below info it is only worth it when pino is at debug. */
function levelFor(logger: Logger): LogLevel {
  return logger.isLevelEnabled("debug") ? LogLevel.DEBUG : LogLevel.INFO;
}

const DETAIL_MAX = 2000;

export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: "slack-sdk" });
  let level = levelFor(logger);
  const emit = (at: LogLevel, words: unknown[]) => {
    if (RANK[at] < RANK[level]) return;
    const detail = format(...words).slice(0, DETAIL_MAX);
    log[at]({ detail }, "slack sdk log");
  };
  return {
    debug: (...words: unknown[]) => emit(LogLevel.DEBUG, words),
    info: (...words: unknown[]) => emit(LogLevel.INFO, words),
    warn: (...words: unknown[]) => emit(LogLevel.WARN, words),
    error: (...words: unknown[]) => emit(LogLevel.ERROR, words),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
