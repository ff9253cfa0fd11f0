import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startDatabricksEmulator } from "../../../emulators/databricks/index.js";
import type { DatabricksEnv } from "../../../src/config.js";
import { normalizeHost, resolveDatabricksAuth } from "../../../src/databricks/auth/resolve.js";
import { createDatabricksClient } from "../../../src/databricks/client.js";
import { ownEndpoints } from "../emulator.js";

const PAT = "dapi0123456789abcdef0123456789abcdef";
const SECRET = "dose-very-secret-value";
let dir: string;
let file: string;

function env(overrides: Partial<DatabricksEnv> = {}): DatabricksEnv {
  return {
    host: undefined,
    token: undefined,
    clientId: undefined,
    clientSecret: undefined,
    profile: undefined,
    configFile: file,
    ...overrides,
  };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ptbot-resolve-"));
  file = join(dir, ".databrickscfg");
  await writeFile(
    file,
    `[DEFAULT]
host = default.cloud.databricks.com
token = ${PAT}

[sp]
host = https://sp.cloud.databricks.com
client_id = sp-client
client_secret = ${SECRET}

[half]
host = https://half.cloud.databricks.com
client_id = half-client

[both]
host = https://both.cloud.databricks.com
token = ${PAT}
client_id = x
client_secret = ${SECRET}

[nohost]
token = ${PAT}
`,
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("resolveDatabricksAuth", () => {
  it("uses host and token from the environment without needing a file", async () => {
    const auth = await resolveDatabricksAuth(
      env({ host: "https://env.cloud.databricks.com/", token: "dapi-env", configFile: join(dir, "none") }),
    );
    expect(auth.host).toBe("https://env.cloud.databricks.com");
    expect(auth.credentials.kind).toBe("pat");
    expect(await auth.credentials.authorization()).toBe("Bearer dapi-env");
    expect(auth.source).toBe("token from environment");
  });

  it("falls back to the DEFAULT profile, adding https:// to a bare host", async () => {
    const auth = await resolveDatabricksAuth(env());
    expect(auth.host).toBe("https://default.cloud.databricks.com");
    expect(await auth.credentials.authorization()).toBe(`Bearer ${PAT}`);
    expect(auth.source).toBe(`token from profile [DEFAULT] in ${file}`);
  });

  it("uses the profile named by DATABRICKS_CONFIG_PROFILE: client id and secret mean OAuth M2M", async () => {
    const auth = await resolveDatabricksAuth(env({ profile: "sp" }));
    expect(auth.host).toBe("https://sp.cloud.databricks.com");
    expect(auth.credentials.kind).toBe("oauth-m2m");
  });

  it("lets explicit environment values win over the profile's", async () => {
    const auth = await resolveDatabricksAuth(
      env({ profile: "sp", host: "https://override.cloud.databricks.com", token: "dapi-env" }),
    );
    expect(auth.host).toBe("https://override.cloud.databricks.com");
    expect(auth.credentials.kind).toBe("pat");
    expect(await auth.credentials.authorization()).toBe("Bearer dapi-env");

    const hostFromProfile = await resolveDatabricksAuth(env({ token: "dapi-env" }));
    expect(hostFromProfile.host).toBe("https://default.cloud.databricks.com");
    expect(await hostFromProfile.credentials.authorization()).toBe("Bearer dapi-env");
    expect(hostFromProfile.source).toBe(`token from environment, host from profile [DEFAULT] in ${file}`);

    const secretFromProfile = await resolveDatabricksAuth(env({ profile: "sp", clientId: "env-client" }));
    expect(secretFromProfile.credentials.kind).toBe("oauth-m2m");
  });

  it("says which variable or profile key is missing, never a secret value", async () => {
    const cases: [Partial<DatabricksEnv>, RegExp][] = [
      [{ profile: "missing" }, /no profile \[missing\]/],
      [{ profile: "half" }, /profile \[half\] in .* has client_id but no client_secret/],
      [{ profile: "both" }, /profile \[both\] .* sets both token and client_id/],
      [{ profile: "nohost" }, /DATABRICKS_HOST is not set and profile \[nohost\] .* has no host/],
      [{ configFile: join(dir, "none") }, /no Databricks credentials: set DATABRICKS_TOKEN/],
      [
        { host: "https://h", clientId: "id", configFile: join(dir, "none") },
        /DATABRICKS_CLIENT_SECRET is not set/,
      ],
      [
        { host: "https://h", token: PAT, clientSecret: SECRET },
        /both DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/,
      ],
    ];
    for (const [overrides, expected] of cases) {
      const error = await rejection(resolveDatabricksAuth(env(overrides)));
      expect(error).toMatchObject({ code: "databricks_auth_config" });
      expect(error.message).toMatch(expected);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
      expect(error.message).not.toContain(PAT);
    }
  });
});

describe("resolved credentials against the emulator", () => {
  it("works end to end from a profile with a service principal (OAuth M2M)", async () => {
    const emu = await startDatabricksEmulator({ port: 0 });
    try {
      await writeFile(
        file,
        `[ops]\nhost = ${emu.url}/\nclient_id = ${emu.clientId}\nclient_secret = ${emu.clientSecret}\n`,
      );
      const auth = await resolveDatabricksAuth(env({ profile: "ops" }));
      const client = createDatabricksClient({ host: auth.host, credentials: auth.credentials });
      expect(ownEndpoints(await client.listServingEndpoints())).toEqual([]);
      expect(emu.requestsTo("POST", "/oidc/v1/token")).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });
});

describe("normalizeHost", () => {
  it("adds a scheme, strips trailing slashes, and refuses what is not a URL", () => {
    expect(normalizeHost("adb-1.azuredatabricks.net/", "")).toBe("https://adb-1.azuredatabricks.net");
    expect(normalizeHost("http://127.0.0.1:8790", "")).toBe("http://127.0.0.1:8790");
    expect(() => normalizeHost("https://exa mple", "")).toThrow(/DATABRICKS_HOST\) is not a URL/);
  });
});
