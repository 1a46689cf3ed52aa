/**
 * Does the room still hear me? Two ways to have keys frames confirmed, both without extra billed
 * messages where it matters:
 * - while typing goes on, a frame now and then carries `ack: true`, and the room answers it with
 *   `{"type":"ack","n":…}` (outgoing messages are not billed): every frame up to `n` arrived;
 * - once a burst of typing pauses, a `ping` follows the last frames on the same socket: the
 *   runtime answers it without waking the room, after every frame before it has reached the
 *   room, so its `pong` confirms them all (one incoming message per burst).
 * A frame still unconfirmed after NOT_HEARD_MS means the connection died without closing (a
 * tunnel, a Wi-Fi that stopped routing), and the page says so and starts over.
 *
 * Frames not confirmed when a connection ends are sent again on the next one, with the same `n`
 * (so nobody shows them twice), if they would still be on screen; older ones are marked as not
 * said. Pure and clock-injected: the page drives it, test/page-confirmations.test.ts checks it,
 * and the cost model replays typing through it to count the pings.
 */

/** A burst of typing that pauses this long (ms) is confirmed with a ping. */
export const PAUSE_PING_MS = 600;
/** While typing goes on, the next frame asks for an ack once the oldest unconfirmed one is this old. */
export const ASK_EVERY_MS = 1_500;
/** A frame unconfirmed this long (ms) means the room is not hearing us. */
export const NOT_HEARD_MS = 3_000;

/** A keys frame as sent, and what it covers of what was typed. */
export interface SentFrame {
  n: number;
  /** What was typed: kept on this page only, to seal it again if the room gives us a new id. */
  text: string;
  /** The same, sealed for the room (src/room-crypto.ts): what goes on the wire. */
  c: string;
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
  /** Frames sent with `ack: true` whose ack has not come yet. */
  #asked: number[] = [];
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

  /**
   * Whether the frame about to go out at `now` should carry `ack: true`: nothing else is asking
   * already, and the oldest frame not yet confirmed has waited ASK_EVERY_MS.
   */
  shouldAsk(now: number): boolean {
    if (this.#pings.length > 0 || this.#asked.length > 0) return false;
    const oldest = this.#unconfirmed.find((f) => f.sentAt !== null)?.sentAt;
    return oldest !== undefined && oldest !== null && now - oldest >= ASK_EVERY_MS;
  }

  /** What to do at `now`, and when to ask again (null: nothing to wait for). */
  due(now: number): Due {
    const sent = this.#unconfirmed.filter((f) => f.sentAt !== null);
    const oldest = sent[0];
    if (!oldest || oldest.sentAt === null) return { action: null, checkInMs: null };
    if (now - oldest.sentAt >= NOT_HEARD_MS) return { action: "not-heard", checkInMs: null };
    const notHeardIn = oldest.sentAt + NOT_HEARD_MS - now;
    // One question at a time: its answer says whether another is needed.
    if (this.#pings.length > 0 || this.#asked.length > 0) return { action: null, checkInMs: notHeardIn };
    const pingAt = this.#lastSentAt + PAUSE_PING_MS;
    if (now >= pingAt) return { action: "ping", checkInMs: notHeardIn };
    return { action: null, checkInMs: Math.min(pingAt - now, notHeardIn) };
  }

  /** The frame numbered `n` went out with `ack: true`. */
  asked(n: number): void {
    this.#asked.push(n);
  }

  /** The room acked frame `n`: it and every frame before it arrived. Returns them, oldest first. */
  acked(n: number): SentFrame[] {
    this.#asked = this.#asked.filter((a) => a > n);
    return this.#confirm(n);
  }

  /** A ping went out at `now`: its pong will confirm every frame sent before it. */
  pinged(now: number): void {
    const last = this.#unconfirmed.filter((f) => f.sentAt !== null).at(-1);
    this.#pings.push({ sentAt: now, upTo: last?.n ?? this.#pings.at(-1)?.upTo ?? 0 });
  }

  /** A pong came: the frames its ping covered are confirmed. Returns them, oldest first. */
  ponged(): SentFrame[] {
    const ping = this.#pings.shift();
    return ping ? this.#confirm(ping.upTo) : [];
  }

  #confirm(upTo: number): SentFrame[] {
    const confirmed = this.#unconfirmed.filter((f) => f.n <= upTo && f.sentAt !== null);
    this.#unconfirmed = this.#unconfirmed.filter((f) => !confirmed.includes(f));
    return confirmed;
  }

  /** The connection ended: pings in flight will never be answered, and nothing is on the wire. */
  lostConnection(): void {
    this.#pings = [];
    this.#asked = [];
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

/**
 * The confirmation pings a page sends for keys frames sent at `sentAt` (sorted, ms): the real
 * Confirmations, driven as the page drives them (asked what is due on every frame sent, every
 * pong and every timer) on a virtual clock where each pong comes `rttMs` after its ping. Used by
 * the cost model; the heartbeat's pings (every PING_EVERY_MS while idle) are counted apart.
 */
export function replayPings(sentAt: readonly number[], rttMs: number): number[] {
  const c = new Confirmations();
  const pings: number[] = [];
  const acks: { at: number; n: number }[] = [];
  let next = 0;
  let pongAt = Number.POSITIVE_INFINITY;
  let checkAt = Number.POSITIVE_INFINITY;
  for (;;) {
    const frameAt = sentAt[next] ?? Number.POSITIVE_INFINITY;
    const ackAt = acks[0]?.at ?? Number.POSITIVE_INFINITY;
    const now = Math.min(frameAt, pongAt, ackAt, checkAt);
    if (now === Number.POSITIVE_INFINITY) return pings;
    if (now === pongAt) {
      c.ponged();
      pongAt = Number.POSITIVE_INFINITY;
    } else if (now === ackAt) {
      c.acked(acks.shift()?.n ?? 0);
    } else if (now === frameAt) {
      next++;
      const ask = c.shouldAsk(now);
      c.sent({ n: next, text: "", c: "", at: now, fromTyped: next, typed: next }, now);
      // An ack is an outgoing message of the room's, not billed; it comes a round trip later.
      if (ask) {
        c.asked(next);
        acks.push({ at: now + rttMs, n: next });
      }
    }
    const due = c.due(now);
    // With every pong on time, the room always hears: "not-heard" cannot come up here.
    if (due.action === "ping") {
      c.pinged(now);
      pings.push(now);
      pongAt = now + rttMs;
    }
    checkAt = due.checkInMs === null ? Number.POSITIVE_INFINITY : now + Math.max(50, due.checkInMs);
  }
}
