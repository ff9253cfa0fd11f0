import type { DatabricksEnv } from "../../config.js";
import { DatabricksAuthConfigError } from "../errors.js";
import { createHttpCore, type HttpOptions } from "../http.js";
import { type DatabricksProfile, readDatabricksProfile } from "./config-file.js";
import type { CredentialsProvider } from "./credentials.js";
import { createOAuthM2MCredentials } from "./oauth-m2m.js";
import { createPatCredentials } from "./pat.js";

export interface ResolveAuthOptions extends HttpOptions {
  /** How the config file is read; default `fs.readFile`. */
  readonly readFile?: (path: string) => Promise<string>;
  /** Passed to OAuth M2M: refresh this long before a token expires. */
  readonly refreshMarginMs?: number;
}

export interface ResolvedDatabricksAuth {
  /** The workspace URL with a scheme and no trailing slash. */
  readonly host: string;
  readonly credentials: CredentialsProvider;
  /** Where host and credentials came from, for the startup log (never a value). */
  readonly source: string;
}

const ENV_SOURCE = "environment";

/**
 * Works out a workspace's host and credentials the way Databricks' unified configuration does: explicit environment
 * values first, then the profile named by `DATABRICKS_CONFIG_PROFILE` (default `DEFAULT`) in `DATABRICKS_CONFIG_FILE`
 * (default `~/.databrickscfg`) filling in whatever the environment left unset. A PAT (`token`) or a service
 * principal (`client_id` + `client_secret`, OAuth M2M). Takes already-parsed values: it never reads `process.env`.
 * Errors name the variable or profile key that is missing or conflicting, never a value.
 */
export async function resolveDatabricksAuth(
  env: DatabricksEnv,
  options: ResolveAuthOptions = {},
): Promise<ResolvedDatabricksAuth> {
  const explicitProfile = env.profile !== undefined && env.profile.trim() !== "";
  const profileName = explicitProfile ? (env.profile as string).trim() : "DEFAULT";
  const envHasClient = env.clientId !== undefined || env.clientSecret !== undefined;
  if (env.token !== undefined && envHasClient) {
    throw new DatabricksAuthConfigError(
      "both DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET are set: keep one way to authenticate",
    );
  }
  const envComplete =
    env.host !== undefined &&
    (env.token !== undefined || (env.clientId !== undefined && env.clientSecret !== undefined));
  // A complete environment needs no file; a named profile is read anyway, so that a wrong name is reported.
  const profile =
    explicitProfile || !envComplete
      ? await readDatabricksProfile(env.configFile, profileName, {
          required: explicitProfile,
          ...(options.readFile === undefined ? {} : { readFile: options.readFile }),
        })
      : undefined;
  const where = profile === undefined ? "" : `profile [${profile.name}] in ${profile.file}`;
  const host = () => normalizeHost(env.host ?? profile?.host, where);
  const hostSource = env.host !== undefined ? ENV_SOURCE : where;

  if (env.token !== undefined) {
    return {
      host: host(),
      credentials: createPatCredentials(env.token),
      source: describe("token", ENV_SOURCE, hostSource),
    };
  }
  if (envHasClient) {
    const clientId = env.clientId ?? profile?.clientId;
    const clientSecret = env.clientSecret ?? profile?.clientSecret;
    if (clientId === undefined) throw missingPair("DATABRICKS_CLIENT_ID", "client_id", profile);
    if (clientSecret === undefined) throw missingPair("DATABRICKS_CLIENT_SECRET", "client_secret", profile);
    const url = host();
    return {
      host: url,
      credentials: oauth(url, clientId, clientSecret, options),
      source: describe("oauth-m2m", ENV_SOURCE, hostSource),
    };
  }
  if (profile === undefined) {
    throw new DatabricksAuthConfigError(
      `no Databricks credentials: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET, or add a [${profileName}] profile to ${env.configFile} (DATABRICKS_CONFIG_FILE, DATABRICKS_CONFIG_PROFILE)`,
    );
  }
  return fromProfile(profile, where, host(), hostSource, options);
}

function fromProfile(
  profile: DatabricksProfile,
  where: string,
  host: string,
  hostSource: string,
  options: ResolveAuthOptions,
): ResolvedDatabricksAuth {
  const { token, clientId, clientSecret } = profile;
  if (token !== undefined && (clientId !== undefined || clientSecret !== undefined)) {
    throw new DatabricksAuthConfigError(`${where} sets both token and client_id/client_secret: keep one`);
  }
  if (token !== undefined) {
    return { host, credentials: createPatCredentials(token), source: describe("token", where, hostSource) };
  }
  if (clientId === undefined && clientSecret === undefined) {
    throw new DatabricksAuthConfigError(`${where} has no token, and no client_id and client_secret`);
  }
  if (clientId === undefined)
    throw new DatabricksAuthConfigError(`${where} has client_secret but no client_id`);
  if (clientSecret === undefined)
    throw new DatabricksAuthConfigError(`${where} has client_id but no client_secret`);
  return {
    host,
    credentials: oauth(host, clientId, clientSecret, options),
    source: describe("oauth-m2m", where, hostSource),
  };
}

function oauth(host: string, clientId: string, clientSecret: string, options: ResolveAuthOptions) {
  return createOAuthM2MCredentials({
    host,
    clientId,
    clientSecret,
    http: createHttpCore(options),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.refreshMarginMs === undefined ? {} : { refreshMarginMs: options.refreshMarginMs }),
  });
}

function describe(kind: string, credentialSource: string, hostSource: string): string {
  return credentialSource === hostSource
    ? `${kind} from ${credentialSource}`
    : `${kind} from ${credentialSource}, host from ${hostSource}`;
}

function missingPair(variable: string, key: string, profile: DatabricksProfile | undefined): Error {
  const inProfile =
    profile === undefined ? "" : ` and profile [${profile.name}] in ${profile.file} has no ${key}`;
  return new DatabricksAuthConfigError(`${variable} is not set${inProfile}`);
}

/** `adb-1.azuredatabricks.net/` → `https://adb-1.azuredatabricks.net`, as the SDKs accept a bare host name. */
export function normalizeHost(value: string | undefined, profileWhere: string): string {
  const raw = value?.trim();
  if (raw === undefined || raw === "") {
    throw new DatabricksAuthConfigError(
      profileWhere === ""
        ? "DATABRICKS_HOST is not set"
        : `DATABRICKS_HOST is not set and ${profileWhere} has no host`,
    );
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new DatabricksAuthConfigError(
      `the Databricks host${profileWhere === "" ? " (DATABRICKS_HOST)" : ` (host in ${profileWhere})`} is not a URL`,
      { cause: error },
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
