import { describe, expect, it } from "vitest";
import {
  DEFAULT_COST_POLICY,
  defaultWorkspacePolicy,
  NO_FREEZES,
  policiesOf,
} from "../../src/domain/index.js";
import { policy } from "./fixtures.js";

describe("workspace policies", () => {
  it("a workspace with approval rules only has no cost settings, no freezes and the smoke test on", () => {
    const only = defaultWorkspacePolicy(policy);
    expect(only.approval).toBe(policy);
    expect(only.cost).toEqual(DEFAULT_COST_POLICY);
    expect(only.freezes).toEqual(NO_FREEZES);
    expect(only.smokeTest).toBe(true);
    expect(only.breakGlassQuorum).toBe(2);
  });

  it("looks each workspace up by name, and a name no longer configured gets the first one's rules", () => {
    const dev = { ...defaultWorkspacePolicy(policy), smokeTest: false };
    const prod = { ...defaultWorkspacePolicy(policy), breakGlassQuorum: 3 };
    const policyOf = policiesOf([
      { name: "dev", policy: dev },
      { name: "prod", policy: prod },
    ]);
    expect(policyOf("prod")).toBe(prod);
    expect(policyOf("dev")).toBe(dev);
    expect(policyOf("default")).toBe(dev);
    expect(() => policiesOf([])).toThrow();
  });
});
