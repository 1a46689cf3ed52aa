/**
 * The cost model (bench/cost/): what `npm run cost` and docs/cost.md say about the Free plan
 * rests on these behaving as described. Typechecked with the Node-side tools (tsconfig.node.json),
 * since the model reads the bench's results with node:fs; run in workerd like every other test.
 */
import { describe, expect, it } from "vitest";
import { capacity, estimate, FREE_PLAN } from "../bench/cost/price.ts";
import { measureTyping } from "../bench/cost/typing.ts";

// One simulated hour keeps the test quick; the CLI simulates ten.
const two = measureTyping(2, 1, undefined, 1);

describe("the cost model", () => {
  it("gives the same typing for the same seed, and different typing for another", () => {
    expect(measureTyping(2, 1, undefined, 1)).toEqual(two);
    expect(measureTyping(2, 2, undefined, 1).keystrokes).not.toBe(two.keystrokes);
  });

  it("generates human typing, and the page's send rule never sends more frames than one per keystroke", () => {
    expect(two.keysPerSecondWhileTyping).toBeGreaterThan(3);
    expect(two.keysPerSecondWhileTyping).toBeLessThan(12);
    expect(two.framesPerKeystroke.coalesced).toBeLessThanOrEqual(two.framesPerKeystroke.uncoalesced);
    // Dictated strings need more than one frame, so never below one frame per keystroke by much.
    expect(two.framesPerKeystroke.coalesced).toBeGreaterThan(0.9);
    // A wider gap merges more keys.
    expect(measureTyping(2, 1, 250, 1).framesPerKeystroke.coalesced).toBeLessThan(two.framesPerKeystroke.coalesced);
  });

  it("scales every count in proportion to the number of rooms", () => {
    const one = estimate(1, 0.5, 2, two);
    const ten = estimate(10, 0.5, 2, two);
    expect(ten.worker.total).toBeCloseTo(10 * one.worker.total, 6);
    expect(ten.doRequests.total).toBeCloseTo(10 * one.doRequests.total, 6);
    expect(ten.doGbSeconds).toBeCloseTo(10 * one.doGbSeconds, 6);
  });

  it("names as binding the limit that the fewest conversation-hours exhaust", () => {
    const c = capacity(0.5, 2, two);
    expect(c.conversationHours).toBe(Math.min(...Object.values(c.byLimit)));
    expect(c.byLimit[c.binding]).toBe(c.conversationHours);
    expect(c.binding).toBe("doRequests");
    // Spending all of them lands exactly on the limit.
    const rooms = c.conversationHours / 0.5;
    expect(estimate(rooms, 0.5, 2, two).doRequests.total).toBeCloseTo(FREE_PLAN.doRequests, 3);
  });

  it("binds on duration for a room that never hibernates", () => {
    expect(capacity(0.5, 2, two, { coalesced: true, hibernates: false }).binding).toBe("doGbSeconds");
  });
});
