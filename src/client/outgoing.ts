/**
 * What the page does with typed text on its way to the wire: make it something the server
 * accepts (normaliseTyped), decide when it is sent (SendPacer), cut it into frames (chunkText),
 * and the send loop that joins them (SendLoop). Pure and clock-injected, so the page drives it
 * for real, the cost model (bench/) replays typing traces through it, and test/outgoing.test.ts
 * checks it without a browser.
 */
import { isControlCode, MAX_KEYS_CODE_POINTS } from "../protocol.ts";

/** Normalises typed text: CR/CRLF become newlines, tabs become spaces, other controls go. */
export function normaliseTyped(text: string): string {
  let out = "";
  for (const ch of text.toWellFormed().replace(/\r\n?/g, "\n")) {
    const c = ch.charCodeAt(0);
    if (c === 0x09) out += " ";
    else if (!isControlCode(c, true)) out += ch;
  }
  return out;
}

/** Splits text into chunks of at most `max` code points, never inside a surrogate pair. */
export function chunkText(text: string, max = MAX_KEYS_CODE_POINTS): string[] {
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

/** A `keys` frame as the send loop hands it to the connection. */
export interface KeysFrame {
  type: "keys";
  text: string;
  at: number;
}

export interface SendLoopOptions {
  /** Monotonic time in ms, for pacing (performance.now() on the page). */
  now(): number;
  /** The time put on each frame as `at` (protocol.md: what a room sheds by). */
  stamp(): number;
  /** Runs `run` once after `ms`. */
  setTimer(run: () => void, ms: number): void;
  /** Puts one frame on the wire. */
  send(frame: KeysFrame): void;
  /**
   * False while nobody else is in the room: words said to an empty room are heard by nobody, so
   * they stay on the typist's screen and never go on the wire, which spares the room a billed
   * message per keystroke (docs/cost.md).
   */
  isHeard(): boolean;
  minGapMs?: number;
}

/**
 * The page's send loop: every keystroke goes out at once, and only keys closer together than
 * the pacer's gap share a frame (SendPacer), cut into frames the server accepts (chunkText).
 */
export class SendLoop {
  readonly #options: SendLoopOptions;
  readonly #pacer: SendPacer;
  /** Typed and not yet sent: held for the pacer's timer. */
  #unsent = "";

  constructor(options: SendLoopOptions) {
    this.#options = options;
    this.#pacer = new SendPacer(options.minGapMs);
  }

  /** Text was typed (already normalised). */
  type(text: string): void {
    if (!text) return;
    this.#unsent += text;
    const wait = this.#pacer.typed(this.#options.now());
    if (wait === 0) this.#sendUnsent();
    else if (wait !== null) this.#options.setTimer(() => this.#sendUnsent(), wait);
  }

  #sendUnsent(): void {
    const { now, stamp, send, isHeard } = this.#options;
    this.#pacer.sent(now());
    const at = stamp();
    if (isHeard()) for (const text of chunkText(this.#unsent)) send({ type: "keys", text, at });
    this.#unsent = "";
  }
}

/** Text that reaches the wire (or the compose field) at a time, in ms. */
export interface Timed {
  at: number;
  text: string;
}

/**
 * The frames the page sends for a trace of typed text (each item one `onText`, already
 * normalised, in time order): the real SendLoop, replayed on a virtual clock whose timers fire on
 * time. Used by the cost model.
 */
export function paceTyping(typed: readonly Timed[], minGapMs = MIN_FRAME_GAP_MS): Timed[] {
  const frames: Timed[] = [];
  let clock = 0;
  let timer: { at: number; run: () => void } | undefined;
  const loop = new SendLoop({
    now: () => clock,
    stamp: () => clock,
    setTimer: (run, ms) => {
      timer = { at: clock + ms, run };
    },
    send: ({ at, text }) => frames.push({ at, text }),
    isHeard: () => true,
    minGapMs,
  });
  const fireTimerDueBy = (at: number) => {
    if (timer === undefined || timer.at > at) return;
    const { at: dueAt, run } = timer;
    timer = undefined;
    clock = dueAt;
    run();
  };
  for (const { at, text } of typed) {
    if (!text) continue;
    // A timer that is due by now has fired before this input arrives.
    fireTimerDueBy(at);
    clock = at;
    loop.type(text);
  }
  fireTimerDueBy(Number.POSITIVE_INFINITY);
  return frames;
}
