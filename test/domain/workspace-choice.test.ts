import { describe, expect, it } from "vitest";
import {
  type ChannelRules,
  chooseWorkspace,
  OPEN_CHANNEL_RULES,
  workspacesFor,
} from "../../src/domain/index.js";

const all = ["dev", "staging", "prod"];
const rules: ChannelRules = {
  channels: {
    C_DEV: { defaultWorkspace: "dev", workspaces: ["dev"] },
    C_PLATFORM: { defaultWorkspace: "prod", workspaces: undefined },
    C_RELEASE: { defaultWorkspace: undefined, workspaces: ["staging", "prod"] },
  },
  otherChannels: { defaultWorkspace: "dev", workspaces: ["dev", "staging"] },
};

describe("workspacesFor", () => {
  it.each([
    ["C_DEV", rules, ["dev"]],
    ["C_PLATFORM", rules, all],
    ["C_OTHER", rules, ["dev", "staging"]],
    ["C_ANY", OPEN_CHANNEL_RULES, all],
  ] as const)("%s", (channel, r, expected) => {
    expect(workspacesFor(channel, all, r)).toEqual(expected);
  });
});

describe("chooseWorkspace", () => {
  it.each([
    ["--in names an allowed workspace", "C_PLATFORM", "staging", { ok: true, workspace: "staging" }],
    ["the channel's default", "C_PLATFORM", undefined, { ok: true, workspace: "prod" }],
    ["the only workspace the channel may use", "C_DEV", undefined, { ok: true, workspace: "dev" }],
    ["other channels' default", "C_OTHER", undefined, { ok: true, workspace: "dev" }],
    [
      "a workspace the channel may not use",
      "C_DEV",
      "prod",
      { ok: false, code: "workspace_not_allowed", allowed: ["dev"] },
    ],
    ["a workspace nobody configured", "C_DEV", "qa", { ok: false, code: "unknown_workspace", known: all }],
    [
      "no default and a choice to make",
      "C_RELEASE",
      undefined,
      { ok: false, code: "workspace_required", allowed: ["staging", "prod"] },
    ],
  ] as const)("%s", (_name, channel, requested, expected) => {
    expect(chooseWorkspace(channel, requested, all, rules)).toEqual(expected);
  });
  it("picks the one workspace of an env-only config anywhere", () => {
    expect(chooseWorkspace("C_X", undefined, ["default"], OPEN_CHANNEL_RULES)).toEqual({
      ok: true,
      workspace: "default",
    });
  });
  it("refuses a channel that may use no workspace", () => {
    const closed: ChannelRules = {
      channels: {},
      otherChannels: { defaultWorkspace: undefined, workspaces: [] },
    };
    expect(chooseWorkspace("C_X", undefined, all, closed)).toEqual({
      ok: false,
      code: "workspace_not_allowed",
      allowed: [],
    });
  });
});
