import { describe, expect, it } from "vitest";
import { CORROBORATION_MS, isStale, type LagState, observeLag, type RoomLag } from "../src/staleness.ts";

describe("observeLag", () => {
  it("measures each frame's delay against the fastest trip, whatever the clocks' difference", () => {
    // The sender's clock is 1 h behind the room's, and the fastest trip takes 30 ms.
    const skew = 3_600_000;
    const state: LagState = { minOffset: null };
    expect(observeLag(state, skew + 1_030, 1_000)).toBe(0);
    expect(observeLag(state, skew + 2_045, 2_000)).toBe(15);
    // Held up for 6 s in a backlog.
    expect(observeLag(state, skew + 9_030, 3_000)).toBe(6_000);
  });

  it("lowers its baseline when a faster frame shows that the first ones were late", () => {
    const state: LagState = { minOffset: null };
    expect(observeLag(state, 10_000, 4_000)).toBe(0);
    expect(observeLag(state, 10_100, 5_000)).toBe(0);
    expect(state.minOffset).toBe(5_100);
    expect(observeLag(state, 12_100, 6_000)).toBe(1_000);
  });
});

describe("isStale", () => {
  const FADE = 5_000;

  it("sheds frames that waited in a backlog that delays everyone's frames", () => {
    const room: RoomLag = { last: null };
    const a: LagState = { minOffset: null };
    const b: LagState = { minOffset: null };
    // Both baselines at 20 ms trips, clocks 1 h apart.
    expect(isStale(a, room, "a", 1_020, 1_000, FADE)).toBe(false);
    expect(isStale(b, room, "b", 1_030, 3_601_010, FADE)).toBe(false);
    // The room falls behind and handles frames back to back: they come 4 s, then 6 s late.
    expect(isStale(a, room, "a", 16_000, 11_980, FADE)).toBe(false);
    expect(isStale(b, room, "b", 16_010, 3_610_020, FADE)).toBe(true);
    expect(isStale(a, room, "a", 16_020, 10_000, FADE)).toBe(true);
  });

  it("never sheds a device whose clock stopped while it slept, in a quiet room", () => {
    // The page's clock stood still for a 60 s sleep: every later frame looks 60 s late.
    const room: RoomLag = { last: null };
    const sleeper: LagState = { minOffset: null };
    const other: LagState = { minOffset: null };
    expect(isStale(sleeper, room, "s", 1_020, 1_000, FADE)).toBe(false);
    expect(isStale(other, room, "o", 2_000, 1_980, FADE)).toBe(false);
    for (let i = 0; i < 20; i++) {
      const now = 70_000 + i * 150;
      expect(isStale(sleeper, room, "s", now, now - 60_020, FADE), `frame ${i}`).toBe(false);
      // Someone else typing meanwhile, on time.
      expect(isStale(other, room, "o", now + 50, now + 30, FADE)).toBe(false);
    }
  });

  it("never sheds the only typist in a room on its own evidence", () => {
    const room: RoomLag = { last: null };
    const only: LagState = { minOffset: null };
    expect(isStale(only, room, "x", 1_000, 1_000, FADE)).toBe(false);
    expect(isStale(only, room, "x", 20_000, 2_000, FADE)).toBe(false);
    expect(isStale(only, room, "x", 20_100, 2_100, FADE)).toBe(false);
  });

  it("does not let an old late frame of someone else corroborate a new one", () => {
    const room: RoomLag = { last: null };
    const a: LagState = { minOffset: 0 };
    const b: LagState = { minOffset: 0 };
    room.last = { sender: "a", handledAt: 1_000, lag: 9_000 };
    expect(isStale(b, room, "b", 1_000 + CORROBORATION_MS + 1, -7_000, FADE)).toBe(false);
    expect(a.minOffset).toBe(0);
  });
});

describe("isStale in a busy room", () => {
  it("sheds a sender's second late frame in a row too: the backlog shows in someone else's frame before it", () => {
    const FADE = 5_000;
    const room: RoomLag = { last: null };
    const a: LagState = { minOffset: 0 };
    const b: LagState = { minOffset: 0 };
    // The room falls behind: everyone's frames 3 s late, then 6 s.
    expect(isStale(b, room, "b", 10_000, 7_000, FADE)).toBe(false);
    expect(isStale(a, room, "a", 10_001, 4_001, FADE)).toBe(true);
    // a again, right after its own late frame: still the backlog (b's frame says so), not a's clock.
    expect(isStale(a, room, "a", 10_002, 4_002, FADE)).toBe(true);
    expect(a.minOffset).toBe(0);
  });
});
