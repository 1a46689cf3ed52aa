/**
 * Does the room still hear me? The page's keys frames are confirmed by a `ping` sent after them
 * on the same socket: the runtime answers it without waking the room, and only after every frame
 * before it has reached the room, so its `pong` confirms them all. A ping goes out once a burst
 * of typing pauses, or every so often while typing goes on; a frame still unconfirmed after
 * NOT_HEARD_MS means the connection died without closing (a tunnel, a Wi-Fi that stopped
 * routing), and the page says so and starts over.
 *
 * Frames not confirmed when a connection ends are sent again on the next one, with the same `n`
 * (so nobody shows them twice), if they would still be on screen; older ones are marked as not
 * said. Pure and clock-injected: the page drives it, test/page-confirmations.test.ts checks it,
 * and the cost model replays typing through it to count the pings.
 */

/** A burst of typing that pauses this long (ms) is confirmed with a ping. */
export const PAUSE_PING_MS = 600;
/** While typing goes on, frames unconfirmed for this long are confirmed with a ping anyway. */
export const TYPING_PING_MS = 1_800;
/** A frame unconfirmed this long (ms) means the room is not hearing us. */
export const NOT_HEARD_MS = 3_000;

/** A keys frame as sent, and what it covers of what was typed. */
export interface SentFrame {
  n: number;
  text: string;
  /** When it was typed, on the wall clock (the frame's `at`). */
  at: number;
  /** The pieces of typed text it carries, first to last (the page's own count of `onText` calls). */
  fromTyped: number;
  typed: number;
  /** When it last went on the wire (ms, monotonic), or null while it waits for a connection. */
  sentAt: number | null;
}

export type Due = { action: "ping" | "not-heard" | null; checkInMs: number | null };

export class Confirmations {
  #unconfirmed: SentFrame[] = [];
  /** Pings in flight, oldest first, each with the last frame it confirms. */
  #pings: { sentAt: number; upTo: number }[] = [];
  #lastSentAt = Number.NEGATIVE_INFINITY;

  /** Frames sent (or waiting to be) and not yet confirmed, oldest first. */
  get unconfirmed(): readonly SentFrame[] {
    return this.#unconfirmed;
  }

  /** A frame went out on the wire at `now` (or, with `now` null, waits for a connection). */
  sent(frame: Omit<SentFrame, "sentAt">, now: number | null): void {
    this.#unconfirmed.push({ ...frame, sentAt: now });
    if (now !== null) this.#lastSentAt = now;
  }

  /** What to do at `now`, and when to ask again (null: nothing to wait for). */
  due(now: number): Due {
    const sent = this.#unconfirmed.filter((f) => f.sentAt !== null);
    const oldest = sent[0];
    if (!oldest || oldest.sentAt === null) return { action: null, checkInMs: null };
    if (now - oldest.sentAt >= NOT_HEARD_MS) return { action: "not-heard", checkInMs: null };
    const notHeardIn = oldest.sentAt + NOT_HEARD_MS - now;
    const covered = this.#pings.at(-1)?.upTo ?? 0;
    const uncovered = sent.find((f) => f.n > covered);
    // One ping at a time: its pong says whether another is needed.
    if (!uncovered || uncovered.sentAt === null || this.#pings.length > 0)
      return { action: null, checkInMs: notHeardIn };
    const pingAt = Math.min(this.#lastSentAt + PAUSE_PING_MS, uncovered.sentAt + TYPING_PING_MS);
    if (now >= pingAt) return { action: "ping", checkInMs: notHeardIn };
    return { action: null, checkInMs: Math.min(pingAt - now, notHeardIn) };
  }

  /** A ping went out at `now`: its pong will confirm every frame sent before it. */
  pinged(now: number): void {
    const last = this.#unconfirmed.filter((f) => f.sentAt !== null).at(-1);
    this.#pings.push({ sentAt: now, upTo: last?.n ?? this.#pings.at(-1)?.upTo ?? 0 });
  }

  /** A pong came: the frames its ping covered are confirmed. Returns them, oldest first. */
  ponged(): SentFrame[] {
    const ping = this.#pings.shift();
    if (!ping) return [];
    const confirmed = this.#unconfirmed.filter((f) => f.n <= ping.upTo && f.sentAt !== null);
    this.#unconfirmed = this.#unconfirmed.filter((f) => !confirmed.includes(f));
    return confirmed;
  }

  /** The connection ended: pings in flight will never be answered, and nothing is on the wire. */
  lostConnection(): void {
    this.#pings = [];
    for (const f of this.#unconfirmed) f.sentAt = null;
  }

  /**
   * Drops what is no longer worth sending: frames typed `fadeMs` or longer before `wallNow`,
   * which would reach the others already faded. Returns them, to be marked as not said.
   */
  expire(wallNow: number, fadeMs: number): SentFrame[] {
    const faded = this.#unconfirmed.filter((f) => f.sentAt === null && wallNow - f.at >= fadeMs);
    this.#unconfirmed = this.#unconfirmed.filter((f) => !faded.includes(f));
    return faded;
  }

  /** Frames waiting for a connection went out again at `now`. */
  resent(now: number): void {
    for (const f of this.#unconfirmed) f.sentAt ??= now;
    if (this.#unconfirmed.length > 0) this.#lastSentAt = now;
  }
}
