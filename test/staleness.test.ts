import { describe, expect, it } from "vitest";
import { type LagState, observeLag } from "../src/staleness.ts";

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
