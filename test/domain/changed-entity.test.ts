import { describe, expect, it } from "vitest";
import { changedEntity, type ExistingEndpoint } from "../../src/domain/index.js";

const endpoint = (shares: (number | undefined)[]): ExistingEndpoint => ({
  name: "e",
  busy: false,
  servedEntities: shares.map((share, i) => ({
    entityName: `ml.s.m${i}`,
    entityVersion: "1",
    ...(share === undefined ? {} : { trafficPercentage: share }),
  })),
});

describe("changedEntity", () => {
  it("is the only entity, routes or not", () => {
    expect(changedEntity(endpoint([undefined]))).toMatchObject({
      kind: "entity",
      entity: { entityName: "ml.s.m0" },
    });
  });

  it("is the one taking most of the traffic among several", () => {
    expect(changedEntity(endpoint([10, 90]))).toMatchObject({
      kind: "entity",
      entity: { entityName: "ml.s.m1" },
    });
  });

  it("cannot be told on a tie, or without routes", () => {
    expect(changedEntity(endpoint([50, 50]))).toEqual({ kind: "ambiguous", count: 2 });
    expect(changedEntity(endpoint([undefined, undefined]))).toEqual({ kind: "ambiguous", count: 2 });
  });

  it("is none on an endpoint serving nothing", () => {
    expect(changedEntity(endpoint([]))).toEqual({ kind: "none" });
  });
});
