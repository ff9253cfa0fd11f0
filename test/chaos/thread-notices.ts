/**
 * Reads a card's thread back as notices: each reply ptbot posts starts with an emoji that names its notice (see
 * `src/slack/blocks/thread-notice.ts`), so the thread can be compared with what the outbox should have delivered.
 */
import type { StoredMessage } from "../../emulators/slack/index.js";

const BY_PREFIX: readonly (readonly [string, string])[] = [
  ["✅", "approved"],
  ["⏳", "creating"],
  ["🔧", "provisioning"],
  ["🟢", "ready"],
  ["❌", "failed"],
  // The smoke test's line after READY: answered (🧪), or failed or interrupted (⚠️, before the other ⚠️).
  ["🧪", "smoke_tested"],
  ["⚠️ Smoke test", "smoke_tested"],
  ["🐢", "stuck"],
  ["👍", "approval_recorded"],
  ["✏️", "adjusted"],
  ["⛔", "rejected"],
  ["🚫", "cancelled"],
  ["⌛", "expired"],
  ["⚠️", "unresolvable"],
];

/** The notice a thread reply stands for, or `unknown:<start of text>`. */
export function noticeOf(reply: Pick<StoredMessage, "text">): string {
  return (
    BY_PREFIX.find(([prefix]) => reply.text.startsWith(prefix))?.[1] ?? `unknown:${reply.text.slice(0, 30)}`
  );
}

/**
 * What a thread should show for a deploy that ended READY (the card, not the thread, asks for approval): since
 * issue 15, the smoke test's line follows READY.
 */
export const READY_THREAD = ["approved", "creating", "provisioning", "ready", "smoke_tested"] as const;

/** The smoke test's line: the last a READY thread hears, so what a case waits for before it reads the thread. */
export function isSmokeText(text: string): boolean {
  return noticeOf({ text }) === "smoke_tested";
}
