/** One step of a shutdown, bounded: shared by `startPtbot`'s stop and the two threads' (`src/threads/`). */
import type { Logger } from "./logger.js";

/** Waits for `part` to finish, or gives up on it after `ms` (logged, not thrown: the drain goes on). */
export async function bounded(part: Promise<void>, ms: number, name: string, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    const outcome = await Promise.race([part.then(() => "done" as const), gaveUp]);
    if (outcome === "timeout") logger.warn({ part: name, boundMs: ms }, "shutdown step abandoned");
  } catch (error) {
    logger.error({ err: error, part: name }, "shutdown step failed");
  } finally {
    clearTimeout(timer);
  }
}
