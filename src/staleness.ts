/**
 * Which keystrokes waited so long in a backlog that they would reach the others already faded,
 * without trusting anyone's clock. A sender stamps each `keys` frame with its own clock (`at`);
 * the room notes `now - at` for every frame. The smallest such offset seen on a socket is its
 * clock difference plus the fastest trip, so each frame's excess over that minimum is how long
 * it was held up. Clock skew cancels out; a client that lies about `at` can only make its own
 * frames look stale.
 *
 * A socket's offset also jumps when its clock moves: a device that slept with a clock that stops
 * in sleep, or a clock set by hand or by NTP. That is not a backlog, and shedding must only ever
 * drop frames that really waited in one. A room's backlog is one queue, so it delays every
 * socket's frames alike: a late frame counts as stale only when the room's previous stamped
 * frame, from another socket and handled just before, was late too. A late frame that stands
 * alone means its socket's clock moved, and its offset becomes the new baseline.
 */

export interface LagState {
  /** Smallest `now - at` seen so far on this socket, or null before the first stamped frame. */
  minOffset: number | null;
}

/** A stamped frame the room handled: who sent it, when it was handled and how late it was. */
export interface Handled {
  sender: unknown;
  handledAt: number;
  lag: number;
}

/**
 * The room's last stamped frame, and the last one before it from someone else: a backlog shows
 * in another sender's frame, and a room of sixteen often handles two frames of one sender in a row.
 */
export interface RoomLag {
  last: Handled | null;
  other?: Handled | null;
}

/** A late frame corroborates another only if the room handled it within this many ms before. */
export const CORROBORATION_MS = 1_000;

/** The frame's delay in ms beyond the fastest one seen on this socket (0 for a new fastest). */
export function observeLag(state: LagState, now: number, at: number): number {
  const offset = now - at;
  if (state.minOffset === null || offset < state.minOffset) {
    state.minOffset = offset;
    return 0;
  }
  return offset - state.minOffset;
}

/**
 * True when a frame stamped `at` from `sender` (whose baseline is `state`), handled at `now`,
 * waited in a backlog for longer than `fadeMs` and should be shed. Updates both states.
 */
export function isStale(
  state: LagState,
  room: RoomLag,
  sender: unknown,
  now: number,
  at: number,
  fadeMs: number,
): boolean {
  let lag = observeLag(state, now, at);
  const previous = room.last?.sender !== sender ? room.last : (room.other ?? null);
  const backlogged =
    previous !== null &&
    previous.sender !== sender &&
    now - previous.handledAt <= CORROBORATION_MS &&
    previous.lag > fadeMs / 2;
  if (lag > fadeMs && !backlogged) {
    // Late on its own: this sender's clock moved (a sleep, a clock step). Start over from it.
    state.minOffset = now - at;
    lag = 0;
  }
  if (room.last && room.last.sender !== sender) room.other = room.last;
  room.last = { sender, handledAt: now, lag };
  return lag > fadeMs;
}
