/**
 * How long a keystroke waited before the room got to it, without trusting anyone's clock.
 * A sender stamps each `keys` frame with its own clock (`at`); the room notes `now - at` for
 * every frame. The smallest such offset seen on a socket is its clock difference plus the
 * fastest trip, so each frame's excess over that minimum is how long it was held up (in the
 * network or, under overload, in the room's own backlog). Clock skew cancels out; a client that
 * lies about `at` can only make its own frames look stale.
 */

export interface LagState {
  /** Smallest `now - at` seen so far on this socket, or null before the first stamped frame. */
  minOffset: number | null;
}

/** The frame's delay in ms beyond the fastest one seen on this socket (0 for a new fastest). */
export function observeLag(state: LagState, now: number, at: number): number {
  const offset = now - at;
  if (state.minOffset === null || offset < state.minOffset) {
    state.minOffset = offset;
    return 0;
  }
  return offset - state.minOffset;
}
