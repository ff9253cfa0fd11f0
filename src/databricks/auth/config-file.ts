import { readFile } from "node:fs/promises";
import { parse } from "ini";
import { DatabricksAuthConfigError } from "../errors.js";

/** The keys ptbot uses from one `[PROFILE]` of a `~/.databrickscfg` file; others (auth_type, azure_*, …) are ignored. */
export interface DatabricksProfile {
  readonly name: string;
  readonly file: string;
  readonly host?: string;
  readonly token?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface ReadProfileOptions {
  /** When true, a missing file or section is an error; when false (the implied DEFAULT profile), it is no profile. */
  readonly required: boolean;
  /** Default `fs.readFile` as UTF-8; tests may pass their own. */
  readonly readFile?: (path: string) => Promise<string>;
}

/**
 * Reads one profile from a Databricks CLI config file (INI). Returns undefined when the profile is optional and
 * absent. Errors name the file and the profile, never a value from it.
 */
export async function readDatabricksProfile(
  file: string,
  profile: string,
  options: ReadProfileOptions,
): Promise<DatabricksProfile | undefined> {
  let text: string;
  try {
    text = await (options.readFile ?? ((p: string) => readFile(p, "utf8")))(file);
  } catch (error) {
    if (!options.required && isNotFound(error)) return undefined;
    throw new DatabricksAuthConfigError(
      `cannot read the Databricks config file ${file} for profile [${profile}] (DATABRICKS_CONFIG_FILE)`,
      { cause: error },
    );
  }
  const section = findSection(parse(text), profile);
  if (section === undefined) {
    if (!options.required) return undefined;
    throw new DatabricksAuthConfigError(
      `the Databricks config file ${file} has no profile [${profile}] (chosen by DATABRICKS_CONFIG_PROFILE)`,
    );
  }
  return {
    name: profile,
    file,
    ...optional("host", section.host),
    ...optional("token", section.token),
    ...optional("clientId", section.client_id),
    ...optional("clientSecret", section.client_secret),
  };
}

/** The `ini` package nests `[a.b]` as `{ a: { b } }`; a profile name may contain dots, so walk them too. */
function findSection(parsed: Record<string, unknown>, profile: string): Record<string, unknown> | undefined {
  const direct = parsed[profile];
  if (isRecord(direct)) return direct;
  let node: unknown = parsed;
  for (const part of profile.split(".")) node = isRecord(node) ? node[part] : undefined;
  return isRecord(node) ? node : undefined;
}

function optional<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  if (typeof value !== "string" || value.trim() === "") return {};
  return { [key]: value.trim() } as { [P in K]?: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}
