/**
 * How long one incoming message keeps a room awake (billed): the one number of the cost model
 * that is measured, not assumed. Read once, when the model loads.
 */
import { readFileSync } from "node:fs";

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
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(new URL("../results/latest.json", import.meta.url), "utf8"));
  } catch {
    return fallback;
  }
  const us = dig(v, "pair", "workerd", "summary", "app", "cpuUsPerFrame");
  const date = dig(v, "machine", "date");
  if (typeof us !== "number" || !(us > 0)) return fallback;
  return {
    ms: us / 1_000,
    source: `measured by npm run bench on ${typeof date === "string" ? date.slice(0, 10) : "?"}`,
  };
}

/** Follows `keys` into parsed JSON, or undefined where the path does not exist. */
function dig(v: unknown, ...keys: string[]): unknown {
  let at = v;
  for (const key of keys) {
    if (typeof at !== "object" || at === null || !(key in at)) return undefined;
    at = Object.entries(at).find(([k]) => k === key)?.[1];
  }
  return at;
}
