/**
 * `npm run sandbox` as a process fed a script on stdin, for the sandbox's script tests: its exit code and output.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const children: ChildProcessWithoutNullStreams[] = [];

/** SIGKILLs every sandbox {@link runSandbox} started that is still running (each test file's `afterEach`). */
export function killSandboxes(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
}

/** Runs the sandbox with `args`, feeding `input` and closing stdin; resolves with its exit code and output. */
export async function runSandbox(
  args: string[],
  input: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/main.ts", ...args], {
    cwd: ROOT,
    stdio: "pipe",
    // Only what the sandbox needs: no SLACK_* from the developer's shell may switch it to real Slack mode.
    env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "ptbot-home-")), ...env },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(input);
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

/** Each of `order` is found in `stdout`, each at or after the one before (the transcript names the one missing). */
export function expectInOrder(stdout: string, order: readonly string[]): void {
  let at = 0;
  for (const expected of order) {
    const found = stdout.indexOf(expected, at);
    expect(found, `"${expected}" after position ${at} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    at = found;
  }
}
