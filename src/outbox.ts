/**
 * How a busy room batches what it sends. workerd's cost is per message sent, not per byte, so
 * when frames come faster than a room can send them one by one, each person gets one message per
 * flush tick instead of one per frame. A quiet room (two people typing) sends every frame at
 * once and never sets a timer: no added latency, no timer CPU, nothing that keeps it from
 * hibernating. Pure and generic over the socket type, so the rule is tested without a runtime
 * (test/outbox.test.ts) and replayed by the cost model (bench/) exactly as the room runs it.
 */
import { encodeBatch } from "./protocol.ts";

/**
 * How long a busy room waits before sending what it queued, in ms. Zero means "after the events
 * already queued": a room batches exactly as much as it fell behind. At full-room load the app
 * carries 1.5× the rooms of a bare relay with this (README, Performance).
 */
export const COALESCE_MS = 0;

/**
 * A frame that follows the room's previous one within this many ms starts coalescing. Two
 * people typing are 50 ms or more apart and never start it; a room of 16 fast typists (6 ms
 * apart on average) does now and then, and an overloaded one (frames queued back to back) always.
 */
export const BUSY_GAP_MS = 5;

/**
 * The most frames a room queues before it sends them without waiting for the tick, so a batch
 * stays small (about 20 KB) and the queue bounded even if timers were starved by a flood of
 * incoming messages. Sixteen people at the flood guard's 40 frames/s fill it in 0.4 s.
 */
export const MAX_QUEUED_FRAMES = 256;

/**
 * What to do with a frame offered to the outbox:
 * - `send`: send it to everyone now;
 * - `send-and-tick`: send it now, and schedule a flush tick in COALESCE_MS (the room is busy);
 * - `queued`: a tick is due, it goes out then;
 * - `full`: queued, and the queue is full: send what is queued now.
 */
export type Offer = "send" | "send-and-tick" | "queued" | "full";

export class Outbox<Socket> {
  #queued: { text: string; except: Socket | undefined }[] = [];
  /** When the last frame went out unbatched: the next one that soon means the room is busy. */
  #sentAt = Number.NEGATIVE_INFINITY;
  #ticking = false;

  get size(): number {
    return this.#queued.length;
  }

  /** True while a flush tick is due: frames offered meanwhile wait for it. */
  get ticking(): boolean {
    return this.#ticking;
  }

  /**
   * A frame for everyone but `except`, broadcast at `now` (ms). Date.now() only moves between
   * events in workerd, so frames handled back to back look 0 ms apart: exactly "busy".
   */
  offer(text: string, except: Socket | undefined, now: number): Offer {
    if (this.#ticking) return this.push(text, except) ? "full" : "queued";
    const busy = now - this.#sentAt < BUSY_GAP_MS;
    this.#sentAt = now;
    this.#ticking = busy;
    return busy ? "send-and-tick" : "send";
  }

  /**
   * The flush tick fired. True when frames are queued: send drain() and schedule the next tick,
   * since the room is still busy. False when it found nothing: the ticking ends.
   */
  tickFired(): boolean {
    this.#ticking = this.#queued.length > 0;
    return this.#ticking;
  }

  /** Queues an encoded frame for everyone but `except`. True when the queue is full: flush now. */
  push(text: string, except: Socket | undefined): boolean {
    this.#queued.push({ text, except });
    return this.#queued.length >= MAX_QUEUED_FRAMES;
  }

  /**
   * Empties the queue. The returned function gives one person's message: the frame alone, a
   * batch of several in order, or undefined when nothing queued is for them.
   */
  drain(): (recipient: Socket) => string | undefined {
    const queued = this.#queued;
    this.#queued = [];
    return (recipient) => {
      const texts: string[] = [];
      for (const item of queued) if (item.except !== recipient) texts.push(item.text);
      return texts.length > 1 ? encodeBatch(texts) : texts[0];
    };
  }
}
