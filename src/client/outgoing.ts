/**
 * What the page does to typed text before it goes on the wire: make it something the server
 * accepts (no control characters but newline, well-formed Unicode), decide when it is sent
 * (SendPacer) and cut it into frames of at most KEYS_CHUNK_CODE_POINTS. An IME commit or
 * dictation can hand over a long string at once. Pure, so it is tested in test/outgoing.test.ts.
 *
 * This file imports nothing, so Node can run it as it is: the cost model (bench/cost.ts) uses the
 * page's own send rule. src/protocol.ts is written for the bundler and Node cannot load it.
 */

/**
 * Most code points in one `keys` frame: MAX_KEYS_CODE_POINTS of src/protocol.ts, repeated here
 * (see above); test/outgoing.test.ts checks that the two agree.
 */
export const KEYS_CHUNK_CODE_POINTS = 64;

/** Normalises typed text: CR/CRLF become newlines, tabs become spaces, other controls go. */
export function normaliseTyped(text: string): string {
  let out = "";
  for (const ch of text.toWellFormed().replace(/\r\n?/g, "\n")) {
    const c = ch.charCodeAt(0);
    if (c === 0x09) out += " ";
    else if (c === 0x0a || (c >= 0x20 && c < 0x7f) || c > 0x9f) out += ch;
  }
  return out;
}

/** Splits text into chunks of at most `max` code points, never inside a surrogate pair. */
export function chunkText(text: string, max = KEYS_CHUNK_CODE_POINTS): string[] {
  const chunks: string[] = [];
  let current = "";
  let count = 0;
  for (const codePoint of text) {
    if (count === max) {
      chunks.push(current);
      current = "";
      count = 0;
    }
    current += codePoint;
    count++;
  }
  if (current) chunks.push(current);
  return chunks;
}

/**
 * Least time between two sends: at most 50 frames/s, and no felt delay. A key that comes sooner
 * after a send waits out the gap, and shares a frame with whatever else is typed meanwhile.
 */
export const MIN_FRAME_GAP_MS = 20;

/**
 * When typed text goes out. Leading edge: text typed at least `minGapMs` after the last send
 * goes out at once; text typed sooner is held until `minGapMs` after that send, and everything
 * typed meanwhile goes out then, together. Clock-injected: the page passes performance.now()
 * and sets the timer itself; the cost model replays typing traces through it (paceTyping).
 */
export class SendPacer {
  readonly #minGapMs: number;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #held = false;

  constructor(minGapMs = MIN_FRAME_GAP_MS) {
    this.#minGapMs = minGapMs;
  }

  /**
   * Text was typed at `now`. Returns 0 to send all unsent text now, a number of ms to set a timer
   * for (send all unsent text when it fires), or null when a timer is already set: the new text
   * goes out with it.
   */
  typed(now: number): number | null {
    const wait = this.#lastSentAt + this.#minGapMs - now;
    if (wait <= 0) return 0;
    if (this.#held) return null;
    this.#held = true;
    return wait;
  }

  /** All unsent text went out at `now`: at once, or because the timer fired. */
  sent(now: number): void {
    this.#lastSentAt = now;
    this.#held = false;
  }
}

/** Text that reaches the wire (or the compose field) at a time, in ms. */
export interface Timed {
  at: number;
  text: string;
}

/**
 * The frames the page sends for a trace of typed text (each item one `onText`, already
 * normalised, in time order), with timers that fire on time: SendPacer's rule plus chunkText.
 */
export function paceTyping(typed: readonly Timed[], minGapMs = MIN_FRAME_GAP_MS): Timed[] {
  const pacer = new SendPacer(minGapMs);
  const frames: Timed[] = [];
  let unsent = "";
  let dueAt: number | undefined;
  const send = (at: number) => {
    pacer.sent(at);
    for (const text of chunkText(unsent)) frames.push({ at, text });
    unsent = "";
    dueAt = undefined;
  };
  for (const { at, text } of typed) {
    if (!text) continue;
    // A timer that is due by now has fired before this input arrives.
    if (dueAt !== undefined && dueAt <= at) send(dueAt);
    unsent += text;
    const wait = pacer.typed(at);
    if (wait === 0) send(at);
    else if (wait !== null) dueAt = at + wait;
  }
  if (dueAt !== undefined) send(dueAt);
  return frames;
}

/** Reconnect timing: capped exponential backoff with jitter, so a deploy causes no stampede. */
export const RECONNECT = {
  /** First retry after 0.25–0.5 s: a blip should barely show. */
  baseMs: 500,
  factor: 2,
  maxMs: 10_000,
  /** A connection that lived this long was healthy: the next failure starts from the base again. */
  healthyAfterMs: 5_000,
} as const;

/** Delay before reconnect attempt `attempt` (0-based); `random` is in [0, 1). */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(RECONNECT.maxMs, RECONNECT.baseMs * RECONNECT.factor ** attempt);
  // "Equal jitter": never sooner than half the ceiling, so retries still back off.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
