/**
 * Per-socket flood control: a token bucket sized so that the fastest human typist is never
 * limited while a script's burst is cut off within a second. Pure and clock-injected, and small
 * enough to live in the socket's attachment, so it survives hibernation and costs no extra
 * requests (a shared rate-limiter object would bill one per keystroke).
 */

/**
 * Frames per second a socket may send for as long as it likes. A fast typist sends ~20; a key
 * held down auto-repeats at up to ~33/s on common systems, and that is still a person.
 */
export const RATE_PER_SECOND = 40;
/** Frames a socket may send at once after a pause (reconnects, IME commits, a quick flurry). */
export const BURST = 80;
/** At most one `rate_limited` notice per this many ms, so limiting never amplifies a flood. */
export const NOTICE_INTERVAL_MS = 1_000;
/**
 * No person sends four times the burst within one second: a socket that does is closed at once.
 * Every frame that reaches a room is billed (20 frames make one Durable Object request), so a
 * script that writes as fast as it can must be cut off after hundreds of frames, not millions.
 */
export const GROSS_FRAMES_PER_SECOND = 4 * BURST;
/**
 * A socket that stays over the rate for longer than this is closed with 1008. "Over the rate"
 * lasts until the bucket is half full again, so a flood that lets single frames trickle
 * through as tokens drip in still counts as one unbroken flood.
 */
export const ABUSE_CLOSE_MS = 10_000;

export interface FloodState {
  tokens: number;
  /** When `tokens` was last topped up (ms). */
  refilledAt: number;
  /** When the current flood began (first refused frame), or null if the sender is calm. */
  limitedSince: number | null;
  /** When the last `rate_limited` notice went out (ms). */
  noticedAt: number;
  /** Start of the current one-second count, and the frames counted in it. */
  secondStart: number;
  secondCount: number;
}

/**
 * - `pass`: relay the frame.
 * - `drop`: discard it silently.
 * - `notify`: discard it and tell the sender it is too fast.
 * - `close`: the sender has flooded for over {@link ABUSE_CLOSE_MS}, or sent more than
 *   {@link GROSS_FRAMES_PER_SECOND} within a second; close it with 1008.
 */
export type FloodVerdict = "pass" | "drop" | "notify" | "close";

export function createFloodState(now: number): FloodState {
  return {
    tokens: BURST,
    refilledAt: now,
    limitedSince: null,
    noticedAt: Number.NEGATIVE_INFINITY,
    secondStart: now,
    secondCount: 0,
  };
}

/** Charges one frame to `state` (mutated) at time `now` and says what to do with it. */
export function admitFrame(state: FloodState, now: number): FloodVerdict {
  if (!(now - state.secondStart < 1_000 && now >= state.secondStart)) {
    state.secondStart = now;
    state.secondCount = 0;
  }
  if (++state.secondCount > GROSS_FRAMES_PER_SECOND) return "close";
  // max(0, …): a clock that steps back must not drain the bucket.
  const elapsed = Math.max(0, now - state.refilledAt);
  state.tokens = Math.min(BURST, state.tokens + (elapsed * RATE_PER_SECOND) / 1000);
  state.refilledAt = now;
  if (state.tokens >= 1) {
    state.tokens -= 1;
    if (state.tokens >= BURST / 2) state.limitedSince = null;
    return "pass";
  }
  state.limitedSince ??= now;
  if (now - state.limitedSince > ABUSE_CLOSE_MS) return "close";
  if (now - state.noticedAt < NOTICE_INTERVAL_MS) return "drop";
  state.noticedAt = now;
  return "notify";
}
