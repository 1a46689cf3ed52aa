/**
 * How long one incoming message keeps a room awake (billed): the one number of the cost model
 * that is measured, not assumed. Read once, when the model loads.
 */
import { readLatestReport } from "../results.ts";

/**
 * The time a room is awake (billed) for one incoming message. Taken from the latest
 * `npm run bench`: the server CPU per relayed keystroke of a pair in bare workerd, the whole
 * runtime's work for one message in a nearly idle room (CPU stands in for the wall time, since
 * the room never waits on I/O). Without a bench result, a conservative 1 ms: the top of what was
 * measured on the development machine by hand (0.49–0.74 ms). Connects and closes are priced as
 * one message each.
 */
export const MESSAGE_PROCESSING = measuredProcessing();
export const MESSAGE_PROCESSING_MS = MESSAGE_PROCESSING.ms;

function measuredProcessing(): { ms: number; source: string } {
  const fallback = { ms: 1, source: "no bench result; conservative default" };
  const latest = readLatestReport();
  const us = latest?.pair?.workerd.summary.app.cpuUsPerFrame;
  if (latest === undefined || us === undefined || !(us > 0)) return fallback;
  return { ms: us / 1_000, source: `measured by npm run bench on ${latest.machine.date.slice(0, 10)}` };
}
