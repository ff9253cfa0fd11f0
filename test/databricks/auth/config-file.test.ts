import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readDatabricksProfile } from "../../../src/databricks/auth/config-file.js";
import { DatabricksAuthConfigError } from "../../../src/databricks/errors.js";

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ptbot-dbcfg-"));
  file = join(dir, ".databrickscfg");
  await writeFile(
    file,
    [
      "; a comment",
      "[DEFAULT]",
      "host = https://default.cloud.databricks.com",
      "token = dapi0123456789abcdef0123456789abcdef",
      "",
      "[prod]",
      "host  =  https://prod.cloud.databricks.com/  ",
      "client_id = 11111111-2222-3333-4444-555555555555",
      "client_secret = dose0123secret",
      "auth_type = oauth-m2m",
      "",
      "[team.sandbox]",
      "host = https://sandbox.cloud.databricks.com",
      "token =",
    ].join("\n"),
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readDatabricksProfile", () => {
  it("reads host, token, client_id and client_secret of the named profile, trimmed", async () => {
    expect(await readDatabricksProfile(file, "DEFAULT", { required: true })).toEqual({
      name: "DEFAULT",
      file,
      host: "https://default.cloud.databricks.com",
      token: "dapi0123456789abcdef0123456789abcdef",
    });
    expect(await readDatabricksProfile(file, "prod", { required: true })).toEqual({
      name: "prod",
      file,
      host: "https://prod.cloud.databricks.com/",
      clientId: "11111111-2222-3333-4444-555555555555",
      clientSecret: "dose0123secret",
    });
  });

  it("finds profiles with dots in their name and treats empty values as unset", async () => {
    const profile = await readDatabricksProfile(file, "team.sandbox", { required: true });
    expect(profile).toEqual({ name: "team.sandbox", file, host: "https://sandbox.cloud.databricks.com" });
  });

  it("returns undefined for a missing optional file or section", async () => {
    expect(await readDatabricksProfile(join(dir, "nope"), "DEFAULT", { required: false })).toBeUndefined();
    expect(await readDatabricksProfile(file, "staging", { required: false })).toBeUndefined();
  });

  it("names the file and profile when a required one is missing, without any value", async () => {
    const missingSection = readDatabricksProfile(file, "staging", { required: true });
    await expect(missingSection).rejects.toBeInstanceOf(DatabricksAuthConfigError);
    await expect(missingSection).rejects.toThrow(/has no profile \[staging\].*DATABRICKS_CONFIG_PROFILE/);
    const missingFile = readDatabricksProfile(join(dir, "nope"), "prod", { required: true });
    await expect(missingFile).rejects.toThrow(/cannot read .*nope for profile \[prod\]/);
  });
});
