/**
 * How long a room is awake, and so billed, for a stream of incoming messages: the room's own
 * flush rule (src/outbox.ts) run on a virtual clock. Between messages with no tick pending the
 * room is hibernation-eligible and costs nothing.
 */
import { COALESCE_MS, Outbox } from "../../src/outbox.ts";

/**
 * Wall time (ms) a room is awake for messages arriving at `times` (sorted), handled one at a time,
 * `perMessageMs` each. Whether a message arms the flush tick, and whether a tick re-arms, is
 * decided by the room's own Outbox (src/outbox.ts) on this virtual clock; a tick fires
 * `lingerMs` after the message that armed it was handled. A pending tick keeps the room awake;
 * with none, the room is hibernation-eligible and not billed.
 */
export function awakeMs(
  times: readonly number[],
  perMessageMs: number,
  lingerMs: number = COALESCE_MS,
): { ms: number; ticksArmed: number } {
  const outbox = new Outbox<never>();
  let total = 0;
  let ticksArmed = 0;
  let start = Number.NEGATIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let busyUntil = Number.NEGATIVE_INFINITY;
  let tickAt: number | undefined;
  const fireTicks = (upTo: number) => {
    while (tickAt !== undefined && tickAt <= upTo) {
      // Awake without a break from the message that armed it until it fires.
      end = Math.max(end, tickAt);
      if (outbox.tickFired()) {
        outbox.drain();
        tickAt += lingerMs;
      } else tickAt = undefined;
    }
  };
  for (const t of times) {
    fireTicks(t);
    // A tick still pending has kept the room awake until now.
    if (tickAt !== undefined) end = Math.max(end, t);
    if (t > end) {
      if (end > start) total += end - start;
      start = t;
    }
    const handledAt = Math.max(t, busyUntil);
    busyUntil = handledAt + perMessageMs;
    end = Math.max(end, busyUntil);
    const offer = outbox.offer("keys", undefined, handledAt);
    if (offer === "full") outbox.drain();
    if (offer === "send-and-tick") {
      tickAt = busyUntil + lingerMs;
      ticksArmed++;
    }
  }
  fireTicks(Number.POSITIVE_INFINITY);
  if (end > start) total += end - start;
  return { ms: total, ticksArmed };
}
