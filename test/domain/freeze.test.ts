import { describe, expect, it } from "vitest";
import {
  type FreezePolicy,
  freezeAt,
  instantOf,
  NO_FREEZES,
  wallTime,
  zoneOffsetMs,
} from "../../src/domain/index.js";

const utc = (iso: string) => Date.parse(iso);
const hm = (h: number, m = 0) => h * 60 + m;
const FRI = 5;
const MON = 1;
const SAT = 6;
const SUN = 0;

const weekend: FreezePolicy = {
  timeZone: "Europe/Paris",
  weekly: [{ from: { day: FRI, minute: hm(16) }, to: { day: MON, minute: hm(8) }, reason: "weekend" }],
  periods: [],
};

describe("zoned time", () => {
  it.each([
    ["Europe/Paris in winter", "2026-12-05T11:00:00Z", "Europe/Paris", 1],
    ["Europe/Paris in summer", "2026-07-01T11:00:00Z", "Europe/Paris", 2],
    ["America/New_York in winter", "2026-01-15T12:00:00Z", "America/New_York", -5],
    ["Asia/Kolkata", "2026-01-15T12:00:00Z", "Asia/Kolkata", 5.5],
  ])("offset of %s", (_name, iso, zone, hours) => {
    expect(zoneOffsetMs(utc(iso), zone)).toBe(hours * 3_600_000);
  });
  it("reads the wall clock: weekday and minute of the day", () => {
    expect(wallTime(utc("2026-12-05T11:00:00Z"), "Europe/Paris")).toEqual({
      year: 2026,
      month: 12,
      day: 5,
      weekday: SAT,
      minute: hm(12),
    });
  });
  it.each([
    ["an ordinary time", { year: 2026, month: 12, day: 5 }, hm(12), "2026-12-05T11:00:00Z"],
    ["a day past the month's end", { year: 2026, month: 11, day: 31 }, hm(0), "2026-11-30T23:00:00Z"],
    [
      "a time skipped in spring (02:30 → 03:30 CEST)",
      { year: 2026, month: 3, day: 29 },
      hm(2, 30),
      "2026-03-29T01:30:00Z",
    ],
    [
      "a time read twice in autumn (its first reading)",
      { year: 2026, month: 10, day: 25 },
      hm(2, 30),
      "2026-10-25T00:30:00Z",
    ],
    ["just after the autumn change", { year: 2026, month: 10, day: 25 }, hm(4), "2026-10-25T03:00:00Z"],
  ])("the instant of %s", (_name, date, minute, iso) => {
    expect(new Date(instantOf(date, minute, "Europe/Paris")).toISOString()).toBe(new Date(iso).toISOString());
  });
});

describe("freezeAt: weekly windows", () => {
  it.each([
    ["Saturday noon in winter", "2026-12-05T11:00:00Z", "2026-12-04T15:00:00Z", "2026-12-07T07:00:00Z"],
    [
      "at its first minute (from is inclusive)",
      "2026-12-04T15:00:00Z",
      "2026-12-04T15:00:00Z",
      "2026-12-07T07:00:00Z",
    ],
    // Spring forward on Sunday 29 March: the window is an hour shorter, and still ends at 08:00 on the wall.
    ["over the spring change", "2026-03-28T11:00:00Z", "2026-03-27T15:00:00Z", "2026-03-30T06:00:00Z"],
    // Fall back on Sunday 25 October: an hour longer.
    ["over the autumn change", "2026-10-25T12:00:00Z", "2026-10-23T14:00:00Z", "2026-10-26T07:00:00Z"],
  ])("frozen %s", (_name, at, startedAt, endsAt) => {
    expect(freezeAt(utc(at), weekend)).toEqual({
      frozen: true,
      kind: "weekly",
      index: 0,
      reason: "weekend",
      startedAt: utc(startedAt),
      endsAt: utc(endsAt),
    });
  });
  it.each([
    ["on a Wednesday", "2026-12-02T11:00:00Z"],
    ["at its end (to is exclusive)", "2026-12-07T07:00:00Z"],
    ["a minute before it starts", "2026-12-04T14:59:00Z"],
    ["with no freezes at all", "2026-12-05T11:00:00Z"],
  ])("not frozen %s", (name, at) => {
    const policy = name.includes("no freezes") ? NO_FREEZES : weekend;
    expect(freezeAt(utc(at), policy)).toEqual({ frozen: false });
  });
  it("ends a window at a wall time skipped by the spring change an hour later on the wall", () => {
    const night: FreezePolicy = {
      timeZone: "America/New_York",
      weekly: [
        { from: { day: SAT, minute: hm(22) }, to: { day: SUN, minute: hm(2, 30) }, reason: undefined },
      ],
      periods: [],
    };
    // Sunday 8 March 2026, 01:30 EST; 02:30 does not exist that night (02:00 EST → 03:00 EDT).
    expect(freezeAt(utc("2026-03-08T06:30:00Z"), night)).toMatchObject({
      frozen: true,
      startedAt: utc("2026-03-08T03:00:00Z"),
      endsAt: utc("2026-03-08T07:30:00Z"),
    });
  });
  it("handles a window within one day, and the one that covers the instant among several", () => {
    const policy: FreezePolicy = {
      timeZone: "UTC",
      weekly: [
        { from: { day: MON, minute: hm(9) }, to: { day: MON, minute: hm(10) }, reason: "standup" },
        { from: { day: FRI, minute: hm(16) }, to: { day: MON, minute: hm(8) }, reason: "weekend" },
      ],
      periods: [],
    };
    expect(freezeAt(utc("2026-12-07T09:30:00Z"), policy)).toMatchObject({
      index: 0,
      endsAt: utc("2026-12-07T10:00:00Z"),
    });
    expect(freezeAt(utc("2026-12-07T08:30:00Z"), policy)).toEqual({ frozen: false });
  });
});

describe("freezeAt: dated periods", () => {
  const release: FreezePolicy = {
    timeZone: "Europe/Paris",
    weekly: [],
    periods: [
      {
        from: { year: 2026, month: 12, day: 20, minute: 0 },
        to: { year: 2027, month: 1, day: 4, minute: hm(9) },
        reason: "year-end release",
      },
    ],
  };
  it("is frozen inside, with the period's end", () => {
    expect(freezeAt(utc("2026-12-24T12:00:00Z"), release)).toEqual({
      frozen: true,
      kind: "period",
      index: 0,
      reason: "year-end release",
      startedAt: utc("2026-12-19T23:00:00Z"),
      endsAt: utc("2027-01-04T08:00:00Z"),
    });
  });
  it("is not frozen before or at its end", () => {
    expect(freezeAt(utc("2026-12-19T22:59:00Z"), release)).toEqual({ frozen: false });
    expect(freezeAt(utc("2027-01-04T08:00:00Z"), release)).toEqual({ frozen: false });
  });
  it("ends when the windows that follow each other without a gap end", () => {
    const both: FreezePolicy = {
      ...weekend,
      periods: [
        {
          from: { year: 2026, month: 12, day: 7, minute: hm(8) },
          to: { year: 2026, month: 12, day: 8, minute: hm(12) },
          reason: "release",
        },
      ],
    };
    expect(freezeAt(utc("2026-12-05T11:00:00Z"), both)).toMatchObject({
      kind: "weekly",
      reason: "weekend",
      endsAt: utc("2026-12-08T11:00:00Z"),
    });
  });
});
