/**
 * The price model: a day of conversations counted against the Workers Free plan's published
 * limits (sources in docs/cost.md), given the typing a conversation sends (typing.ts) and how long
 * each message keeps the room awake (message-processing.ts).
 */
import { PING_EVERY_MS } from "../../src/client/connection.ts";
import { DEFAULTS } from "../../src/config.ts";
import { MESSAGE_PROCESSING_MS } from "./message-processing.ts";
import type { TypingMeasurement } from "./typing.ts";

export type LimitName = "workerRequests" | "doRequests" | "doGbSeconds";
/** Every limit, in the order the report lists them. */
export const LIMITS: readonly LimitName[] = ["workerRequests", "doRequests", "doGbSeconds"];

/** Daily limits of the Workers Free plan; each resets at 00:00 UTC. */
export const FREE_PLAN: Readonly<Record<LimitName, number>> = {
  /** Requests that run a Worker, account-wide (developers.cloudflare.com/workers/platform/limits/). */
  workerRequests: 100_000,
  /** Durable Object requests; incoming WebSocket messages count 20:1 (…/durable-objects/platform/pricing/). */
  doRequests: 100_000,
  /** Durable Object duration, billed at 128 MB while the object is awake (same page). */
  doGbSeconds: 13_000,
};
/** Incoming WebSocket messages billed as one DO request (pricing, footnote 2). */
export const MESSAGES_PER_DO_REQUEST = 20;
/** GB billed per awake second: 128 MB, written as Cloudflare's own pricing examples do (128 MB / 1 GB). */
const DO_BILLED_GB = 128 / 1000;
/** An object stays active this long after its last client disconnects (pricing, footnote 4). */
export const LAST_DISCONNECT_TAIL_S = 10;

/** How the people in a conversation use it, besides typing: assumptions, stated (docs/cost.md). */
export interface UsageModel {
  reconnectsPerPersonHour: number;
  awayFramesPerPersonHour: number;
  pingEverySeconds: number;
  pingsBilled: boolean;
  nameFramesPerConnect: number;
}

export const USAGE: Readonly<UsageModel> = {
  /** Reconnects per person per hour (a network blip, a laptop lid, a deploy): each is a HEAD + a connect. */
  reconnectsPerPersonHour: 1,
  /** `away` frames per person per hour: looking at another tab and coming back, three times. */
  awayFramesPerPersonHour: 6,
  /** The page pings every PING_EVERY_MS while connected (src/client/connection.ts). */
  pingEverySeconds: PING_EVERY_MS / 1_000,
  /**
   * Whether the "ping" auto-responses count as incoming messages (20:1). The pricing page exempts
   * protocol-level pings and says auto-responses add no duration, but is silent on whether an
   * application-level "ping" is a billed message: counted, to be safe.
   */
  pingsBilled: true,
  /** Each connect sends a `name` (the kept name differs from the room's default): counted, to be safe. */
  nameFramesPerConnect: 1,
};

const PING_FRAMES_PER_PERSON_HOUR = 3_600 / USAGE.pingEverySeconds;
/**
 * The room's sweep alarm, while anyone is connected (src/room.ts): each one fired is a request
 * and a moment awake. It is set a second past the earliest socket's deadline, its last ping plus
 * HEARTBEAT_TIMEOUT_MS; when it fires, that ping was on average half a ping interval ago, so it
 * fires every timeout − ping interval / 2 + 1 s (81 s by default). The last one out deletes it.
 */
const SWEEP_ALARMS_PER_ROOM_HOUR = 3_600_000 / (DEFAULTS.HEARTBEAT_TIMEOUT_MS - PING_EVERY_MS / 2 + 1_000);

/** What a day of conversations uses, by what uses it. */
export interface Usage {
  rooms: number;
  hours: number;
  people: number;
  worker: { pageLoads: number; mints: number; connects: number; reconnectChecks: number; total: number };
  incomingMessages: {
    keys: number;
    pings: number;
    confirmPings: number;
    away: number;
    name: number;
    total: number;
  };
  doRequests: { connects: number; messages: number; alarms: number; total: number };
  awakeSeconds: { messages: number; connectsAndCloses: number; lastDisconnect: number; total: number };
  doGbSeconds: number;
}

export interface Variant {
  /** Client-side coalescing of keystrokes (SendPacer); false sends one frame per keystroke. */
  coalesced: boolean;
  /** The room hibernates between messages; false prices a room kept awake all the time (a timer). */
  hibernates: boolean;
}
const AS_BUILT: Variant = { coalesced: true, hibernates: true };

/** A day of `rooms` conversations of `hours` each, with `people` in each. */
export function estimate(
  rooms: number,
  hours: number,
  people: number,
  typing: TypingMeasurement,
  variant: Variant = AS_BUILT,
): Usage {
  const conversationHours = rooms * hours;
  const personHours = conversationHours * people;
  const reconnects = personHours * USAGE.reconnectsPerPersonHour;
  const connects = rooms * people + reconnects;
  const pick = (v: { coalesced: number; uncoalesced: number }) => (variant.coalesced ? v.coalesced : v.uncoalesced);

  const keys = pick(typing.framesPerMinute) * 60 * conversationHours;
  const pings = USAGE.pingsBilled ? PING_FRAMES_PER_PERSON_HOUR * personHours : 0;
  // Pings after bursts of typing, so a page knows within seconds that the room hears it.
  const confirmPings = USAGE.pingsBilled ? typing.confirmPingsPerMinute * 60 * conversationHours : 0;
  const away = USAGE.awayFramesPerPersonHour * personHours;
  const name = USAGE.nameFramesPerConnect * connects;
  const incoming = keys + pings + confirmPings + away + name;

  // The creator's GET / mints the room; everyone's GET /<room> runs the Worker (static files do not).
  // Each reconnect first asks HEAD /<room> (is the room still there?), then opens the socket.
  const worker = { pageLoads: rooms * people, mints: rooms, connects, reconnectChecks: reconnects, total: 0 };
  worker.total = worker.pageLoads + worker.mints + worker.connects + worker.reconnectChecks;

  const alarms = SWEEP_ALARMS_PER_ROOM_HOUR * conversationHours;
  const doRequests = { connects, messages: incoming / MESSAGES_PER_DO_REQUEST, alarms, total: 0 };
  doRequests.total = doRequests.connects + doRequests.messages + doRequests.alarms;

  // Rare and spread out: the room handles each at once and arms no flush tick for it.
  const perMessageS = MESSAGE_PROCESSING_MS / 1_000;
  const awake = {
    // Pings are answered by the runtime without waking the room, and add no duration.
    messages: pick(typing.awakeSecondsPerHour) * conversationHours + (away + name + alarms) * perMessageS,
    connectsAndCloses: 2 * connects * perMessageS,
    lastDisconnect: rooms * LAST_DISCONNECT_TAIL_S,
    total: 0,
  };
  if (!variant.hibernates) {
    awake.messages = conversationHours * 3_600;
    awake.connectsAndCloses = 0;
  }
  awake.total = awake.messages + awake.connectsAndCloses + awake.lastDisconnect;

  return {
    rooms,
    hours,
    people,
    worker,
    incomingMessages: { keys, pings, confirmPings, away, name, total: incoming },
    doRequests,
    awakeSeconds: awake,
    doGbSeconds: awake.total * DO_BILLED_GB,
  };
}

/** The part of `usage` that counts against `limit`. */
export function used(usage: Usage, limit: LimitName): number {
  if (limit === "workerRequests") return usage.worker.total;
  if (limit === "doRequests") return usage.doRequests.total;
  return usage.doGbSeconds;
}

export interface Capacity {
  people: number;
  hoursPerConversation: number;
  /** Most conversation-hours a day, per limit, and overall. */
  byLimit: Record<LimitName, number>;
  conversationHours: number;
  binding: LimitName;
}

/** The most conversation-hours a day that fit, for conversations of `hours` with `people`. */
export function capacity(hours: number, people: number, typing: TypingMeasurement, variant = AS_BUILT): Capacity {
  // Everything grows in proportion to the number of rooms, so one room says it all.
  const one = estimate(1, hours, people, typing, variant);
  const byLimit: Record<LimitName, number> = { workerRequests: 0, doRequests: 0, doGbSeconds: 0 };
  let binding: LimitName = "doRequests";
  for (const limit of LIMITS) {
    byLimit[limit] = (FREE_PLAN[limit] / used(one, limit)) * hours;
    if (byLimit[limit] < byLimit[binding]) binding = limit;
  }
  return { people, hoursPerConversation: hours, byLimit, conversationHours: byLimit[binding], binding };
}

/**
 * How long each message would have to keep the room awake (ms) before duration, not requests,
 * became the binding limit.
 */
export function breakEvenAwakeMs(hours: number, people: number, typing: TypingMeasurement): number {
  const cap = capacity(hours, people, typing);
  const rooms = cap.byLimit.doRequests / hours;
  const u = estimate(rooms, hours, people, typing);
  // Every message that wakes the room: all but the pings, plus each connect and close.
  const { keys, away, name } = u.incomingMessages;
  const messages = keys + away + name + 2 * u.doRequests.connects;
  const secondsLeft = FREE_PLAN.doGbSeconds / DO_BILLED_GB - u.awakeSeconds.lastDisconnect;
  return (secondsLeft / messages) * 1_000;
}
