// Slack's official app manifest schema, vendored from ../shared/slack-manifest-schema (MIT) so CI on a fresh clone has it.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const schema = JSON.parse(
  readFileSync(
    new URL("./fixtures/slack-manifest-schema/manifest.schema.1.0.0.json", import.meta.url),
    "utf8",
  ),
);
const manifest = parse(readFileSync(new URL("../manifest.yml", import.meta.url), "utf8"));

function validate(doc: unknown) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const check = ajv.compile(schema);
  const valid = check(doc);
  return { valid, errors: check.errors ?? [] };
}

/** The Socket Mode variant the README describes: socket mode on, no public URLs. */
function socketModeVariant(doc: typeof manifest) {
  const copy = structuredClone(doc);
  copy.settings.socket_mode_enabled = true;
  delete copy.settings.interactivity.request_url;
  delete copy.settings.event_subscriptions.request_url;
  for (const command of copy.features.slash_commands) delete command.url;
  return copy;
}

describe("manifest.yml", () => {
  it("is valid against Slack's official manifest schema", () => {
    expect(validate(manifest)).toEqual({ valid: true, errors: [] });
  });

  it("has a valid Socket Mode variant", () => {
    expect(validate(socketModeVariant(manifest))).toEqual({ valid: true, errors: [] });
  });

  it("is checked for real: a broken manifest fails", () => {
    const broken = structuredClone(manifest);
    broken.features.slash_commands[0].description = undefined;
    broken.settings.unknown_setting = true;
    expect(validate(broken).valid).toBe(false);
  });

  it("routes /pt and interactivity to the Bolt receiver's path", () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: "/pt", url: expect.stringMatching(/\/slack\/events$/) }),
    ]);
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: expect.stringMatching(/\/slack\/events$/),
    });
  });

  it("names every subcommand in /pt's usage hint", () => {
    const hint: string = manifest.features.slash_commands[0].usage_hint;
    for (const sub of ["deploy", "scale", "rollback", "delete", "status", "list", "cost", "cancel", "help"]) {
      expect(hint).toContain(sub);
    }
  });

  it("enables the Home tab and subscribes to the one event it needs, at the Bolt receiver's path", () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: expect.stringMatching(/\/slack\/events$/),
      bot_events: ["app_home_opened"],
    });
  });

  it("asks for the bot scopes ptbot uses and no more", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      "channels:history",
      "chat:write",
      "commands",
      "groups:history",
      "usergroups:read",
    ]);
  });
});
