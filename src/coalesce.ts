/**
 * How long a busy room waits before sending what it queued, in ms. Zero means "after the events
 * already queued": a quiet room sends each frame at once (no added latency), a busy one batches
 * exactly as much as it fell behind. Measured in bench/ (README, Performance): at 38,400
 * delivered frames/s the bare relay fell a second behind while the app's p99 stayed near 33 ms.
 * Shared with the cost model (bench/cost.ts): the flush timer is the only thing that keeps a
 * room awake between messages, for this long after the last one.
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
