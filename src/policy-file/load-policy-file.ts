/**
 * Reads and checks the policy file (`PTBOT_CONFIG_FILE`): YAML syntax, then secrets, then the shape (zod), then the
 * rules between settings, all reported together, each with the file, its line, the setting's path and what it must
 * be, never the value found there. Its checksum (sha256 of the bytes) identifies the policy in the audit log.
 */
import { createHash } from "node:crypto";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import type { WorkspaceConfig } from "../config.js";
import type { ChannelRules } from "../domain/index.js";
import { buildChannelRules, buildWorkspaces } from "./build-workspaces.js";
import { crossCheck, type PathProblem } from "./cross-checks.js";
import { PolicyFileSchema } from "./policy-file-schema.js";
import { findSecrets } from "./secret-scan.js";
import { formatPath, lineOf } from "./yaml-locations.js";

export interface PolicyFile {
  readonly path: string;
  /** sha256 of the file's bytes, hex. */
  readonly checksum: string;
  readonly workspaces: readonly WorkspaceConfig[];
  readonly channels: ChannelRules;
}

export type PolicyFileResult =
  | { readonly ok: true; readonly file: PolicyFile }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface LoadPolicyFileOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the file's bytes; `fs.readFileSync` in production. */
  readonly readFile: (path: string) => Buffer;
  /** Where `profile:` auth reads profiles (`DATABRICKS_CONFIG_FILE`, default `~/.databrickscfg`). */
  readonly databricksConfigFile: string;
}

export function loadPolicyFile(path: string, options: LoadPolicyFileOptions): PolicyFileResult {
  let bytes: Buffer;
  try {
    bytes = options.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return { ok: false, problems: [`PTBOT_CONFIG_FILE ${path} cannot be read (${code})`] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(bytes.toString("utf8"), { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    // Only the first line of a YAML error's message: the lines after it quote the file's text, which may be a secret.
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const line = e.linePos?.[0].line;
        const what = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
        return `${path}${line === undefined ? "" : `:${line}`} is not valid YAML: ${what}`;
      }),
    };
  }
  const at = (p: PathProblem) => {
    const line = lineOf(doc, lines, p.path);
    const where = p.path.length === 0 ? "" : ` ${formatPath(p.path)}`;
    return `${path}${line === undefined ? "" : `:${line}`}${where} ${p.message}`;
  };
  // An empty file (or one of comments only) is an empty map: its settings are then reported as missing.
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const secrets = findSecrets(doc);
  const secretPaths = new Set(secrets.map((s) => formatPath(s.path)));
  // `reportInput` lets a missing setting be told from a wrong one; the input itself is never printed.
  const parsed = PolicyFileSchema.safeParse(raw, { reportInput: true });
  const shape = parsed.success ? [] : parsed.error.issues.flatMap(issueProblems);
  const found: PathProblem[] = [
    ...secrets,
    ...shape.filter((p) => !secretPaths.has(formatPath(p.path))),
    ...crossCheck(raw, options.env),
  ];
  if (found.length > 0 || !parsed.success) {
    const ordered = found
      .map((p) => ({ text: at(p), line: lineOf(doc, lines, p.path) ?? 0 }))
      .sort((a, b) => a.line - b.line);
    return { ok: false, problems: [...new Set(ordered.map((p) => p.text))] };
  }
  return {
    ok: true,
    file: {
      path,
      checksum: createHash("sha256").update(bytes).digest("hex"),
      workspaces: buildWorkspaces(parsed.data, options.env, options.databricksConfigFile),
      channels: buildChannelRules(parsed.data),
    },
  };
}

/** zod's own words for a type, where the schema gives none of its own. */
const EXPECTED: Record<string, string> = {
  object: "a map of settings",
  record: "a map",
  array: "a list",
  string: "text",
  number: "a number",
  boolean: "true or false",
};

/** One zod issue as problems at paths: an unknown key is reported at the key itself. */
function issueProblems(issue: z.core.$ZodIssue): PathProblem[] {
  const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: [...path, key], message: "is not a setting ptbot knows" }));
  }
  if (issue.code === "invalid_key") {
    return [{ path, message: `is not a valid name: ${issue.issues[0]?.message ?? "not allowed here"}` }];
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [{ path, message: "is required" }];
  }
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
    return [{ path, message: `must be ${EXPECTED[issue.expected] ?? issue.expected}` }];
  }
  return [{ path, message: issue.message }];
}
