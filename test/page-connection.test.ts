import { describe, expect, it } from "vitest";
import { RECONNECT, reconnectDelay } from "../src/client/connection.ts";

describe("reconnectDelay", () => {
  it("backs off exponentially from the base to the cap", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => reconnectDelay(attempt, 1));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it("jitters between half and all of the ceiling, so clients cut off together spread out", () => {
    expect(reconnectDelay(3, 0)).toBe(2000);
    expect(reconnectDelay(3, 0.5)).toBe(3000);
    const delays = Array.from({ length: 1000 }, () => reconnectDelay(20, Math.random()));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(RECONNECT.maxMs / 2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT.maxMs);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });
});
