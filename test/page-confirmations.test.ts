import { describe, expect, it } from "vitest";
import { ASK_EVERY_MS, Confirmations, NOT_HEARD_MS, PAUSE_PING_MS, replayPings } from "../src/client/confirmations.ts";

const frame = (n: number, at = 0) => ({ n, text: `f${n}`, c: `sealed${n}`, at, fromTyped: n, typed: n });

describe("Confirmations", () => {
  it("pings once a burst pauses, and the pong confirms everything sent before the ping", () => {
    const c = new Confirmations();
    c.sent(frame(1), 0);
    c.sent(frame(2), 100);
    expect(c.due(100 + PAUSE_PING_MS - 1).action).toBeNull();
    expect(c.due(100 + PAUSE_PING_MS).action).toBe("ping");
    c.pinged(100 + PAUSE_PING_MS);
    // Typed after the ping: not covered by its pong.
    c.sent(frame(3), 800);
    expect(c.due(900).action).toBeNull();
    expect(c.ponged().map((f) => f.n)).toEqual([1, 2]);
    expect(c.unconfirmed.map((f) => f.n)).toEqual([3]);
    expect(c.due(800 + PAUSE_PING_MS).action).toBe("ping");
  });

  it("asks the room for an ack now and then while typing goes on, one question at a time, and no ping", () => {
    const c = new Confirmations();
    let asks = 0;
    for (let n = 1, t = 0; t <= 10_000; n++, t += 150) {
      const ask = c.shouldAsk(t);
      c.sent(frame(n), t);
      if (ask) {
        c.asked(n);
        asks++;
        // The ack comes back a little later and confirms everything up to it.
        expect(c.acked(n).at(-1)?.n).toBe(n);
      }
      expect(c.due(t).action).toBeNull();
    }
    // About one per ASK_EVERY_MS of continuous typing, far fewer than the 67 frames.
    expect(asks).toBeGreaterThanOrEqual(Math.floor(10_000 / ASK_EVERY_MS) - 1);
    expect(asks).toBeLessThanOrEqual(Math.ceil(10_000 / ASK_EVERY_MS) + 1);
  });

  it("says the room does not hear once a frame waits NOT_HEARD_MS for its pong", () => {
    const c = new Confirmations();
    c.sent(frame(1), 1_000);
    c.pinged(1_000 + PAUSE_PING_MS);
    expect(c.due(1_000 + NOT_HEARD_MS - 1).action).toBeNull();
    expect(c.due(1_000 + NOT_HEARD_MS).action).toBe("not-heard");
  });

  it("keeps what was not confirmed across a lost connection, gives up what faded, and sends the rest again", () => {
    const c = new Confirmations();
    c.sent(frame(1, 10_000), 0);
    c.sent(frame(2, 12_000), 100);
    c.pinged(700);
    c.lostConnection();
    // A pong can no longer come on the old connection.
    expect(c.ponged()).toEqual([]);
    // Typed while down.
    c.sent(frame(3, 13_000), null);
    expect(c.due(5_000).action).toBeNull();
    expect(c.expire(15_500, 5_000).map((f) => f.n)).toEqual([1]);
    expect(c.unconfirmed.map((f) => [f.n, f.sentAt])).toEqual([
      [2, null],
      [3, null],
    ]);
    c.resent(9_000);
    expect(c.unconfirmed.every((f) => f.sentAt === 9_000)).toBe(true);
    c.pinged(9_600);
    expect(c.ponged().map((f) => f.n)).toEqual([2, 3]);
  });
});

describe("replayPings", () => {
  it("pings once after each burst, and never while typing goes on (acks cover that)", () => {
    expect(replayPings([0, 100, 200], 50)).toEqual([200 + PAUSE_PING_MS]);
    const steady = Array.from({ length: 100 }, (_, i) => i * 100);
    expect(replayPings(steady, 50)).toEqual([9_900 + PAUSE_PING_MS]);
    const twoBursts = [0, 100, 5_000, 5_100];
    expect(replayPings(twoBursts, 50)).toEqual([100 + PAUSE_PING_MS, 5_100 + PAUSE_PING_MS]);
    expect(replayPings([], 50)).toEqual([]);
  });
});
