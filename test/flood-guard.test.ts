import { describe, expect, it } from "vitest";
import {
  ABUSE_CLOSE_MS,
  admitFrame,
  BURST,
  createFloodState,
  type FloodVerdict,
  GROSS_FRAMES_PER_SECOND,
  NOTICE_INTERVAL_MS,
  RATE_PER_SECOND,
} from "../src/flood-guard.ts";

/** Deterministic jitter, so a failure can be replayed. */
function jitter(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

function tally(verdicts: FloodVerdict[]) {
  return {
    pass: verdicts.filter((v) => v === "pass").length,
    notify: verdicts.filter((v) => v === "notify").length,
    close: verdicts.filter((v) => v === "close").length,
  };
}

describe("admitFrame", () => {
  it("never limits a steady typist at 20 frames/s with human jitter, over a whole hour", () => {
    const random = jitter(7);
    const state = createFloodState(0);
    let now = 0;
    for (let i = 0; i < 20 * 3_600; i++) {
      // 50 ms on average, anywhere from 5 ms to 95 ms apart.
      now += 5 + random() * 90;
      expect(admitFrame(state, now)).toBe("pass");
    }
  });

  it("limits a burst of hundreds of frames within a second, with one notice", () => {
    const state = createFloodState(0);
    const verdicts = Array.from({ length: 500 }, (_, i) => admitFrame(state, i));
    const counts = tally(verdicts);
    // The bucket's burst plus what refills during the half second the burst takes.
    expect(counts.pass).toBeLessThanOrEqual(BURST + (500 * RATE_PER_SECOND) / 1000 + 1);
    expect(counts.pass).toBeGreaterThanOrEqual(BURST);
    expect(verdicts.indexOf("notify")).toBeLessThan(1000);
    expect(counts.notify).toBe(1);
  });

  it("sends at most one notice per second while the flood lasts", () => {
    const state = createFloodState(0);
    const verdicts: FloodVerdict[] = [];
    for (let t = 0; t < 5_000; t += 2) verdicts.push(admitFrame(state, t));
    expect(tally(verdicts).notify).toBeLessThanOrEqual(5_000 / NOTICE_INTERVAL_MS);
    expect(tally(verdicts).notify).toBeGreaterThanOrEqual(4);
  });

  it("lets the sender through again once it calms down", () => {
    const state = createFloodState(0);
    for (let i = 0; i < 300; i++) admitFrame(state, 0);
    expect(admitFrame(state, 1)).not.toBe("pass");
    // One frame's worth of tokens refills in 1000 / RATE ms.
    expect(admitFrame(state, 1 + 1000 / RATE_PER_SECOND + 1)).toBe("pass");
    // After a pause the whole burst is available again.
    const later = 60_000;
    expect(tally(Array.from({ length: BURST }, () => admitFrame(state, later))).pass).toBe(BURST);
  });

  it("asks to close at once a sender that sends more than four times the burst within a second", () => {
    for (const perSecond of [GROSS_FRAMES_PER_SECOND + 10, 5_000, 2_000_000]) {
      const state = createFloodState(0);
      let closedAt = -1;
      let frames = 0;
      for (let i = 0; closedAt < 0 && i < 10_000; i++) {
        frames++;
        if (admitFrame(state, (i * 1000) / perSecond) === "close") closedAt = (i * 1000) / perSecond;
      }
      expect(frames, `${perSecond}/s`).toBe(GROSS_FRAMES_PER_SECOND + 1);
      expect(closedAt, `${perSecond}/s`).toBeLessThan(1_000);
    }
    expect(GROSS_FRAMES_PER_SECOND).toBe(4 * BURST);
  });

  it("asks to close a sender that stays over the rate for over 10 s, not before", () => {
    for (const perSecond of [GROSS_FRAMES_PER_SECOND, 100, RATE_PER_SECOND + 5]) {
      const state = createFloodState(0);
      let firstRefused = -1;
      let firstClose = -1;
      for (let i = 0; firstClose < 0 && i < 100_000; i++) {
        const t = (i * 1000) / perSecond;
        const verdict = admitFrame(state, t);
        if (verdict !== "pass" && firstRefused < 0) firstRefused = t;
        if (verdict === "close") firstClose = t;
      }
      expect(firstRefused, `${perSecond}/s`).toBeGreaterThanOrEqual(0);
      expect(firstClose - firstRefused, `${perSecond}/s`).toBeGreaterThan(ABUSE_CLOSE_MS);
      // Judged on refused frames, which are sparse when the sender is only a little over the rate.
      expect(firstClose - firstRefused, `${perSecond}/s`).toBeLessThan(ABUSE_CLOSE_MS + 1_000);
    }
  });

  it("never limits a sender at the rate itself, like a key held down on auto-repeat", () => {
    const state = createFloodState(0);
    const verdicts: FloodVerdict[] = [];
    for (let t = 0; t < 600_000; t += 1000 / RATE_PER_SECOND) verdicts.push(admitFrame(state, t));
    expect(tally(verdicts).pass).toBe(verdicts.length);
  });

  it("forgives a flood that stops before 10 s, even if it starts again", () => {
    const state = createFloodState(0);
    const verdicts: FloodVerdict[] = [];
    for (let round = 0; round < 3; round++) {
      const start = round * 10_000;
      // 8 s at 200 frames/s, then 2 s of silence.
      for (let t = start; t < start + 8_000; t += 5) verdicts.push(admitFrame(state, t));
    }
    expect(tally(verdicts).close).toBe(0);
    expect(tally(verdicts).notify).toBeGreaterThan(0);
  });

  it("does not drain the bucket when the clock steps back", () => {
    const state = createFloodState(10_000);
    expect(admitFrame(state, 5_000)).toBe("pass");
    expect(state.tokens).toBe(BURST - 1);
  });
});
