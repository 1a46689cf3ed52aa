/**
 * `npm run cost`: will it stay free? The daily use of N rooms against the Workers Free plan.
 *
 *   npm run cost                                     100 rooms a day, 0.5 h each, 2 people
 *   npm run cost -- --rooms 40 --hours 1 --people 5  your own numbers (per day)
 *   npm run cost -- --json                           the same as JSON
 *
 * It generates realistic typing (seeded, so every run prints the same numbers), replays it
 * through the page's own send rule (SendPacer in src/client/outgoing.ts) to count frames, and
 * prices the result with the Free plan's published limits. docs/cost.md explains the model.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PING_EVERY_MS } from "../src/client/connection.ts";
import { chunkText, MIN_FRAME_GAP_MS, paceTyping, type Timed } from "../src/client/outgoing.ts";
import { BUSY_GAP_MS, COALESCE_MS, Outbox } from "../src/outbox.ts";

// ---------------------------------------------------------------------------------------------
// The platform: Workers Free plan, as published (sources in docs/cost.md).

export type LimitName = "workerRequests" | "doRequests" | "doGbSeconds";

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
const MESSAGES_PER_DO_REQUEST = 20;
/** GB billed per awake second: 128 MB, written as Cloudflare's own pricing examples do (128 MB / 1 GB). */
const DO_BILLED_GB = 128 / 1000;
/** An object stays active this long after its last client disconnects (pricing, footnote 4). */
const LAST_DISCONNECT_TAIL_S = 10;

// ---------------------------------------------------------------------------------------------
// The room: measured by `npm run bench`.

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
    v = JSON.parse(readFileSync(new URL("./results/latest.json", import.meta.url), "utf8"));
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

// ---------------------------------------------------------------------------------------------
// The people: assumptions, stated (docs/cost.md).

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

type Range = readonly [number, number];
interface LogNormal {
  medianMs: number;
  sigma: number;
}

export interface TypingModel {
  steady: LogNormal;
  burst: LogNormal;
  burstWordShare: number;
  rolloverShare: number;
  imeWordShare: number;
  imeKeysPerCodePoint: number;
  dictationPhraseShare: number;
  dictationCodePoints: Range;
  dictationCodePointsPerSecond: number;
  wordsPerPhrase: Range;
  phrasesPerTurn: Range;
  thinkingMs: Range;
  hesitationShare: number;
  hesitationMs: Range;
  enterShare: number;
  listenPerOtherMs: Range;
  reactionMs: Range;
}

/** How people type, per person. Times in ms. */
export const TYPING: Readonly<TypingModel> = {
  /** Steady typing: ~5 keys/s. Inter-key intervals are log-normal (median, sigma) with this jitter. */
  steady: { medianMs: 190, sigma: 0.35 },
  /** Fast bursts (common words typed from muscle memory): ~12 keys/s. */
  burst: { medianMs: 75, sigma: 0.45 },
  /** Share of words typed as a fast burst. */
  burstWordShare: 0.35,
  /** Share of keys in a burst that land 3–19 ms after the previous one (overlapping key presses). */
  rolloverShare: 0.06,
  /** Share of words that arrive as one IME commit (CJK, phone keyboards): 1–6 code points at once. */
  imeWordShare: 0.1,
  /** Keystrokes an IME needs per committed code point (romaji, pinyin, candidate choice). */
  imeKeysPerCodePoint: 2.5,
  /** Share of phrases dictated: one string of 65–200 code points, cut into frames of 64. */
  dictationPhraseShare: 0.03,
  dictationCodePoints: [65, 200],
  /** Dictation speed: code points per second of speech. */
  dictationCodePointsPerSecond: 14,
  wordsPerPhrase: [2, 12],
  phrasesPerTurn: [1, 3],
  /** Thinking pause between phrases of one turn. */
  thinkingMs: [1_000, 8_000],
  /** Share of word gaps with a short hesitation, and its length. */
  hesitationShare: 0.1,
  hesitationMs: [300, 1_200],
  /** Share of turns that end with Enter. */
  enterShare: 0.5,
  /** Between one's turns: reading the others, about one turn each, then reacting. */
  listenPerOtherMs: [8_000, 30_000],
  reactionMs: [500, 3_000],
};

/** Length of the simulated conversation per group size: long enough for stable rates. */
const SIMULATED_HOURS = 10;
const PING_FRAMES_PER_PERSON_HOUR = 3_600 / USAGE.pingEverySeconds;
/** Group sizes the capacity answer is given for. */
const CAPACITY_PEOPLE = [2, 5];

// ---------------------------------------------------------------------------------------------
// Typing traces.

/** Seeded PRNG (mulberry32): the same seed gives the same conversation. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Dice {
  readonly #next: () => number;
  #spare: number | undefined;
  constructor(seed: number) {
    this.#next = prng(seed);
  }
  unit(): number {
    return this.#next();
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
  between(range: Range): number {
    return range[0] + (range[1] - range[0]) * this.#next();
  }
  int(range: Range): number {
    return Math.floor(this.between([range[0], range[1] + 1]));
  }
  normal(): number {
    if (this.#spare !== undefined) {
      const z = this.#spare;
      this.#spare = undefined;
      return z;
    }
    const u = 1 - this.#next();
    const v = this.#next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  logNormal(medianMs: number, sigma: number): number {
    return medianMs * Math.exp(sigma * this.normal());
  }
}

/** Word lengths in letters, weighted roughly as in English text. */
const WORD_LENGTHS: readonly (readonly [number, number])[] = [
  [1, 3],
  [2, 17],
  [3, 20],
  [4, 16],
  [5, 11],
  [6, 9],
  [7, 8],
  [8, 6],
  [9, 4],
  [10, 3],
  [11, 2],
  [12, 1],
];
const WORD_WEIGHT = WORD_LENGTHS.reduce((sum, [, w]) => sum + w, 0);

function wordLength(dice: Dice): number {
  let roll = dice.unit() * WORD_WEIGHT;
  for (const [length, weight] of WORD_LENGTHS) {
    roll -= weight;
    if (roll < 0) return length;
  }
  return 4;
}

const LETTERS = [..."etaoinshrdlucmfwypvbgkjqxz"];
const CJK = [..."日本語中文한국어話言葉今何時好是的了我你他"];

function letters(dice: Dice, n: number, alphabet: readonly string[]): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(dice.unit() * alphabet.length)] ?? "?";
  return out;
}

export type InputKind = "key" | "ime" | "dictation";

/** One `onText` of the page: a key, an IME commit or a dictated string, at a time in ms. */
export interface Input extends Timed {
  kind: InputKind;
}

/** One person's typing in a conversation of `people`, for `durationMs`. */
export function typingTrace(dice: Dice, people: number, durationMs: number): Input[] {
  const inputs: Input[] = [];
  const listen = () => dice.between(TYPING.reactionMs) + (people - 1) * dice.between(TYPING.listenPerOtherMs);
  // People do not all start typing at the same moment.
  let t = dice.unit() * listen();
  const key = (text: string, gap: number) => {
    t += gap;
    inputs.push({ at: t, text, kind: "key" });
  };
  while (t < durationMs) {
    const phrases = dice.int(TYPING.phrasesPerTurn);
    for (let p = 0; p < phrases; p++) {
      if (p > 0) t += dice.between(TYPING.thinkingMs);
      if (dice.chance(TYPING.dictationPhraseShare)) {
        const n = dice.int(TYPING.dictationCodePoints);
        t += (n / TYPING.dictationCodePointsPerSecond) * 1_000;
        inputs.push({ at: t, text: `${letters(dice, n - 1, LETTERS)} `, kind: "dictation" });
        continue;
      }
      const words = dice.int(TYPING.wordsPerPhrase);
      for (let w = 0; w < words; w++) {
        if (w > 0 && dice.chance(TYPING.hesitationShare)) t += dice.between(TYPING.hesitationMs);
        if (dice.chance(TYPING.imeWordShare)) {
          // Composing sends nothing; the commit arrives as one string.
          const n = dice.int([1, 6]);
          for (let k = 0; k < Math.round(n * TYPING.imeKeysPerCodePoint); k++) {
            t += dice.logNormal(TYPING.steady.medianMs, TYPING.steady.sigma);
          }
          inputs.push({ at: t, text: letters(dice, n, CJK), kind: "ime" });
          continue;
        }
        const burst = dice.chance(TYPING.burstWordShare);
        const gap = () => {
          if (burst && dice.chance(TYPING.rolloverShare)) return dice.between([3, 19]);
          const { medianMs, sigma } = burst ? TYPING.burst : TYPING.steady;
          return dice.logNormal(medianMs, sigma);
        };
        for (const ch of letters(dice, wordLength(dice), LETTERS)) key(ch, gap());
        key(" ", gap());
      }
    }
    if (dice.chance(TYPING.enterShare)) key("\n", dice.logNormal(TYPING.steady.medianMs, TYPING.steady.sigma));
    t += listen();
  }
  return inputs.filter((input) => input.at < durationMs);
}

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

/** What one simulated conversation of `people` measures, per conversation-hour where it says so. */
export interface TypingMeasurement {
  people: number;
  /** The send rule's gap: MIN_FRAME_GAP_MS as built. */
  gapMs: number;
  simulatedHours: number;
  keystrokes: number;
  codePoints: number;
  keystrokesByKind: Record<InputKind, number>;
  /** Typing speed while typing words key by key, in keys/s (steady and burst mixed). */
  keysPerSecondWhileTyping: number;
  framesPerKeystroke: { coalesced: number; uncoalesced: number };
  framesPerCodePoint: { coalesced: number; uncoalesced: number };
  /** Incoming `keys` frames of the whole room per conversation-minute. */
  framesPerMinute: { coalesced: number; uncoalesced: number };
  keystrokesPerMinute: number;
  /** Seconds the room is billed for its `keys` frames per conversation-hour. */
  awakeSecondsPerHour: { coalesced: number; uncoalesced: number };
  /** Share of `keys` frames (as built) that arm the room's flush tick (within BUSY_GAP_MS of the last). */
  flushTickShare: number;
}

export function measureTyping(
  people: number,
  seed: number,
  gapMs = MIN_FRAME_GAP_MS,
  hours = SIMULATED_HOURS,
): TypingMeasurement {
  const dice = new Dice(seed * 7_919 + people);
  const durationMs = hours * 3_600_000;
  const coalesced: number[] = [];
  const uncoalesced: number[] = [];
  const byKind: Record<InputKind, number> = { key: 0, ime: 0, dictation: 0 };
  let keystrokes = 0;
  let codePoints = 0;
  let wordKeys = 0;
  let wordKeyMs = 0;
  for (let person = 0; person < people; person++) {
    const trace = typingTrace(dice, people, durationMs);
    for (const [i, input] of trace.entries()) {
      keystrokes++;
      byKind[input.kind]++;
      codePoints += [...input.text].length;
      // Without coalescing every input is its own send, still cut into frames the server accepts.
      for (let k = chunkText(input.text).length; k > 0; k--) uncoalesced.push(input.at);
      const previous = trace[i - 1];
      if (input.kind === "key" && previous?.kind === "key" && input.at - previous.at < 2_000) {
        wordKeys++;
        wordKeyMs += input.at - previous.at;
      }
    }
    for (const frame of paceTyping(trace, gapMs)) coalesced.push(frame.at);
  }
  coalesced.sort((a, b) => a - b);
  uncoalesced.sort((a, b) => a - b);
  const minutes = hours * 60;
  const awake = awakeMs(coalesced, MESSAGE_PROCESSING_MS);
  const awakeUncoalesced = awakeMs(uncoalesced, MESSAGE_PROCESSING_MS);
  return {
    people,
    gapMs,
    simulatedHours: hours,
    keystrokes,
    codePoints,
    keystrokesByKind: byKind,
    keysPerSecondWhileTyping: wordKeyMs > 0 ? (wordKeys * 1_000) / wordKeyMs : 0,
    framesPerKeystroke: { coalesced: coalesced.length / keystrokes, uncoalesced: uncoalesced.length / keystrokes },
    framesPerCodePoint: { coalesced: coalesced.length / codePoints, uncoalesced: uncoalesced.length / codePoints },
    framesPerMinute: { coalesced: coalesced.length / minutes, uncoalesced: uncoalesced.length / minutes },
    keystrokesPerMinute: keystrokes / minutes,
    awakeSecondsPerHour: {
      coalesced: awake.ms / 1_000 / hours,
      uncoalesced: awakeUncoalesced.ms / 1_000 / hours,
    },
    flushTickShare: awake.ticksArmed / Math.max(1, coalesced.length),
  };
}

// ---------------------------------------------------------------------------------------------
// The estimate.

export interface Usage {
  rooms: number;
  hours: number;
  people: number;
  worker: { pageLoads: number; mints: number; connects: number; reconnectChecks: number; total: number };
  incomingMessages: { keys: number; pings: number; away: number; name: number; total: number };
  doRequests: { connects: number; messages: number; total: number };
  awakeSeconds: { messages: number; connectsAndCloses: number; lastDisconnect: number; total: number };
  doGbSeconds: number;
}

const LIMIT_LABELS: Record<LimitName, string> = {
  workerRequests: "Worker requests",
  doRequests: "Durable Object requests",
  doGbSeconds: "Durable Object duration (GB-s)",
};
const LIMITS: readonly LimitName[] = ["workerRequests", "doRequests", "doGbSeconds"];

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
  const away = USAGE.awayFramesPerPersonHour * personHours;
  const name = USAGE.nameFramesPerConnect * connects;
  const incoming = keys + pings + away + name;

  // The creator's GET / mints the room; everyone's GET /<room> runs the Worker (static files do not).
  // Each reconnect first asks HEAD /<room> (is the room still there?), then opens the socket.
  const worker = { pageLoads: rooms * people, mints: rooms, connects, reconnectChecks: reconnects, total: 0 };
  worker.total = worker.pageLoads + worker.mints + worker.connects + worker.reconnectChecks;

  const doRequests = { connects, messages: incoming / MESSAGES_PER_DO_REQUEST, total: 0 };
  doRequests.total = doRequests.connects + doRequests.messages;

  // Rare and spread out: the room handles each at once and arms no flush tick for it.
  const perMessageS = MESSAGE_PROCESSING_MS / 1_000;
  const awake = {
    // Pings are answered by the runtime without waking the room, and add no duration.
    messages: pick(typing.awakeSecondsPerHour) * conversationHours + (away + name) * perMessageS,
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
    incomingMessages: { keys, pings, away, name, total: incoming },
    doRequests,
    awakeSeconds: awake,
    doGbSeconds: awake.total * DO_BILLED_GB,
  };
}

function used(usage: Usage, limit: LimitName): number {
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
function breakEvenAwakeMs(hours: number, people: number, typing: TypingMeasurement): number {
  const cap = capacity(hours, people, typing);
  const rooms = cap.byLimit.doRequests / hours;
  const u = estimate(rooms, hours, people, typing);
  // Every message that wakes the room: all but the pings, plus each connect and close.
  const { keys, away, name } = u.incomingMessages;
  const messages = keys + away + name + 2 * u.doRequests.connects;
  const secondsLeft = FREE_PLAN.doGbSeconds / DO_BILLED_GB - u.awakeSeconds.lastDisconnect;
  return (secondsLeft / messages) * 1_000;
}

// ---------------------------------------------------------------------------------------------
// The command line.

const HELP = `Usage: npm run cost -- [--rooms N] [--hours H] [--people P] [--seed S] [--json]

  --rooms N    conversations (rooms) per day                      default 100
  --hours H    hours each conversation lasts                      default 0.5
  --people P   people in each conversation, 1 to 16               default 2
  --seed S     seed of the generated typing (a whole number)      default 1
  --json       print JSON instead of tables
  --help       this text`;

class UsageError extends Error {}

function number(name: string, raw: string | undefined, fallback: number, whole = false): number {
  if (raw === undefined) return fallback;
  const n = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${raw}"`);
  if (whole && !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return n;
}

interface Options {
  rooms: number;
  hours: number;
  people: number;
  seed: number;
  json: boolean;
  help: boolean;
}

export function parseOptions(args: string[]): Options {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const people = number("people", values.people, 2, true);
  if (people < 1 || people > 16) throw new UsageError(`--people must be from 1 to 16 (MAX_PEERS), got ${people}`);
  return {
    rooms: number("rooms", values.rooms, 100),
    hours: number("hours", values.hours, 0.5),
    people,
    seed: number("seed", values.seed, 1, true),
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      rooms: { type: "string" },
      hours: { type: "string" },
      people: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** The send rule with wider gaps than MIN_FRAME_GAP_MS: what trading latency for requests would buy. */
const WIDER_GAPS_MS = [50, 100, 250];

export interface GroupCapacity {
  people: number;
  asBuilt: Capacity;
  withoutCoalescing: Capacity;
  withoutHibernation: Capacity;
  /** Per-message awake time (ms) above which duration would bind before requests. */
  breakEvenAwakeMs: number;
  /** One conversation of `hoursPerConversation`, as built. */
  perConversation: {
    incomingMessagesPerMinute: number;
    workerRequests: number;
    doRequests: number;
    billedSeconds: number;
  };
  /** The same send rule with a wider gap. */
  widerGaps: { gapMs: number; framesPerKeystroke: number; conversationHours: number }[];
}

export interface Report {
  input: { rooms: number; hours: number; people: number; seed: number };
  model: {
    minFrameGapMs: number;
    coalesceMs: number;
    busyGapMs: number;
    messageProcessingMs: number;
    messageProcessingSource: string;
    usage: UsageModel;
    typing: TypingModel;
  };
  freePlan: Readonly<Record<LimitName, number>>;
  typing: TypingMeasurement[];
  usage: Usage;
  limits: { limit: LimitName; used: number; max: number; percent: number }[];
  binding: LimitName;
  capacity: GroupCapacity[];
}

function groupCapacity(hours: number, typing: TypingMeasurement, seed: number): GroupCapacity {
  const { people } = typing;
  const one = estimate(1, hours, people, typing);
  return {
    people,
    asBuilt: capacity(hours, people, typing),
    withoutCoalescing: capacity(hours, people, typing, { coalesced: false, hibernates: true }),
    withoutHibernation: capacity(hours, people, typing, { coalesced: true, hibernates: false }),
    breakEvenAwakeMs: breakEvenAwakeMs(hours, people, typing),
    perConversation: {
      incomingMessagesPerMinute: one.incomingMessages.total / (hours * 60),
      workerRequests: one.worker.total,
      doRequests: one.doRequests.total,
      billedSeconds: one.awakeSeconds.total,
    },
    widerGaps: WIDER_GAPS_MS.map((gapMs) => {
      const wider = measureTyping(people, seed, gapMs);
      return {
        gapMs,
        framesPerKeystroke: wider.framesPerKeystroke.coalesced,
        conversationHours: capacity(hours, people, wider).conversationHours,
      };
    }),
  };
}

export function report(options: Options): Report {
  const sizes = [...new Set([...CAPACITY_PEOPLE, options.people])].sort((a, b) => a - b);
  const typing = sizes.map((people) => measureTyping(people, options.seed));
  const mine = typing.find((t) => t.people === options.people) ?? measureTyping(options.people, options.seed);
  const usage = estimate(options.rooms, options.hours, options.people, mine);
  const limits = LIMITS.map((limit) => {
    const u = used(usage, limit);
    return { limit, used: u, max: FREE_PLAN[limit], percent: (u / FREE_PLAN[limit]) * 100 };
  });
  const binding = limits.reduce((a, b) => (b.percent > a.percent ? b : a));
  // Capacity needs conversations of some length; with --hours 0 it is given for 1-hour ones.
  const hours = options.hours > 0 ? options.hours : 1;
  return {
    input: { rooms: options.rooms, hours: options.hours, people: options.people, seed: options.seed },
    model: {
      minFrameGapMs: MIN_FRAME_GAP_MS,
      coalesceMs: COALESCE_MS,
      busyGapMs: BUSY_GAP_MS,
      messageProcessingMs: MESSAGE_PROCESSING_MS,
      messageProcessingSource: MESSAGE_PROCESSING.source,
      usage: USAGE,
      typing: TYPING,
    },
    freePlan: FREE_PLAN,
    typing,
    usage,
    limits,
    binding: binding.limit,
    capacity: typing.map((t) => groupCapacity(hours, t, options.seed)),
  };
}

function peopleLabel(n: number): string {
  return n === 1 ? "1 person" : `${n} people`;
}

const SHORT_LABELS: Record<LimitName, string> = {
  workerRequests: "Worker requests",
  doRequests: "DO requests",
  doGbSeconds: "DO duration",
};

export function render(r: Report): string {
  const { usage: u } = r;
  const out: string[] = [];
  const pct = (n: number, max: number) => `${fmt((n / max) * 100, 1)}%`;
  const percentOf = (part: number, whole: number) => `${fmt((part / whole) * 100, 2)}%`;
  out.push(
    `Phantachat on the Workers Free plan: ${fmt(u.rooms, 1)} rooms a day, ${fmt(u.hours, 2)} h each, ${peopleLabel(u.people)} in each`,
    "",
    `Typing: ${r.typing[0]?.simulatedHours ?? 0} h of generated conversation per group size (seed ${r.input.seed}),`,
    `replayed through the page's send rule (SendPacer, MIN_FRAME_GAP_MS = ${r.model.minFrameGapMs} ms).`,
    "A keystroke is one input the page gets: a key, an IME commit, a dictated string.",
  );
  out.push(
    table([
      ["", ...r.typing.map((t) => peopleLabel(t.people))],
      ["keystrokes per conversation-minute (room)", ...r.typing.map((t) => fmt(t.keystrokesPerMinute, 1))],
      ["  IME commits", ...r.typing.map((t) => percentOf(t.keystrokesByKind.ime, t.keystrokes))],
      [
        "  dictated strings (65-200 code points)",
        ...r.typing.map((t) => percentOf(t.keystrokesByKind.dictation, t.keystrokes)),
      ],
      ["typing speed within words (keys/s)", ...r.typing.map((t) => fmt(t.keysPerSecondWhileTyping, 1))],
      ["frames per keystroke, as built (coalesced)", ...r.typing.map((t) => fmt(t.framesPerKeystroke.coalesced, 4))],
      [
        "frames per keystroke, one send per keystroke",
        ...r.typing.map((t) => fmt(t.framesPerKeystroke.uncoalesced, 4)),
      ],
      ["frames per character, as built", ...r.typing.map((t) => fmt(t.framesPerCodePoint.coalesced, 4))],
      ["keys frames per conversation-minute, as built", ...r.typing.map((t) => fmt(t.framesPerMinute.coalesced, 1))],
      [
        "keys frames per conversation-minute, uncoalesced",
        ...r.typing.map((t) => fmt(t.framesPerMinute.uncoalesced, 1)),
      ],
      [
        "room billed for keys frames, s per conversation-hour",
        ...r.typing.map((t) => fmt(t.awakeSecondsPerHour.coalesced, 2)),
      ],
      [
        "  share of the conversation's wall time",
        ...r.typing.map((t) => percentOf(t.awakeSecondsPerHour.coalesced, 3_600)),
      ],
      ["keys frames that arm the room's flush tick", ...r.typing.map((t) => percentOf(t.flushTickShare, 1))],
    ]),
    `Each message keeps the room awake ${fmt(r.model.messageProcessingMs, 2)} ms (${r.model.messageProcessingSource});`,
    `one within BUSY_GAP_MS = ${r.model.busyGapMs} ms of the last also arms the flush tick (COALESCE_MS = ${r.model.coalesceMs} ms).`,
    "Between messages the room is hibernation-eligible and not billed.",
    "",
  );

  out.push("Per day:");
  out.push(
    table([
      ["", "used", "Free limit", "share"],
      [
        LIMIT_LABELS.workerRequests,
        fmt(u.worker.total),
        fmt(FREE_PLAN.workerRequests),
        pct(u.worker.total, FREE_PLAN.workerRequests),
      ],
      ["  page loads of /<room>", fmt(u.worker.pageLoads)],
      ["  GET / (mints a room)", fmt(u.worker.mints)],
      ["  WebSocket connects", fmt(u.worker.connects)],
      ["  HEAD /<room> before each reconnect", fmt(u.worker.reconnectChecks)],
      [
        LIMIT_LABELS.doRequests,
        fmt(u.doRequests.total),
        fmt(FREE_PLAN.doRequests),
        pct(u.doRequests.total, FREE_PLAN.doRequests),
      ],
      ["  WebSocket connects", fmt(u.doRequests.connects)],
      [`  keys frames / ${MESSAGES_PER_DO_REQUEST}`, fmt(u.incomingMessages.keys / MESSAGES_PER_DO_REQUEST)],
      [
        `  "ping" heartbeats / ${MESSAGES_PER_DO_REQUEST}${USAGE.pingsBilled ? " (counted, to be safe)" : ""}`,
        fmt(u.incomingMessages.pings / MESSAGES_PER_DO_REQUEST),
      ],
      [
        `  name and away frames / ${MESSAGES_PER_DO_REQUEST}`,
        fmt((u.incomingMessages.name + u.incomingMessages.away) / MESSAGES_PER_DO_REQUEST),
      ],
      [
        LIMIT_LABELS.doGbSeconds,
        fmt(u.doGbSeconds, 1),
        fmt(FREE_PLAN.doGbSeconds),
        pct(u.doGbSeconds, FREE_PLAN.doGbSeconds),
      ],
      ["  awake for frames (s)", fmt(u.awakeSeconds.messages, 1)],
      ["  awake for connects and closes (s)", fmt(u.awakeSeconds.connectsAndCloses, 1)],
      [`  ${LAST_DISCONNECT_TAIL_S} s after the last person leaves (s)`, fmt(u.awakeSeconds.lastDisconnect, 1)],
    ]),
  );
  const bound = r.limits.find((l) => l.limit === r.binding);
  const percent = bound?.percent ?? 0;
  out.push(
    "",
    percent > 100
      ? `Over the Free plan: ${LIMIT_LABELS[r.binding]} at ${fmt(percent, 1)}%. Past a limit, operations of that kind fail until 00:00 UTC.`
      : `Fits the Free plan. Closest limit: ${LIMIT_LABELS[r.binding]} at ${fmt(percent, 1)}%.`,
    "",
  );

  const hours = r.capacity[0]?.asBuilt.hoursPerConversation ?? 1;
  const caps = r.capacity;
  out.push(`Capacity: conversation-hours a day that fit the Free plan, in conversations of ${fmt(hours, 2)} h:`);
  out.push(
    table([
      ["", ...caps.map((c) => peopleLabel(c.people))],
      ["conversation-hours a day, as built", ...caps.map((c) => fmt(c.asBuilt.conversationHours))],
      [
        `  that is, conversations of ${fmt(hours, 2)} h a day`,
        ...caps.map((c) => fmt(c.asBuilt.conversationHours / hours)),
      ],
      ["  binding limit", ...caps.map((c) => SHORT_LABELS[c.asBuilt.binding])],
      ...LIMITS.map((limit) => [
        `  ${SHORT_LABELS[limit]} alone would allow`,
        ...caps.map((c) => fmt(c.asBuilt.byLimit[limit])),
      ]),
      [
        "incoming messages per conversation-minute, all kinds",
        ...caps.map((c) => fmt(c.perConversation.incomingMessagesPerMinute, 1)),
      ],
      ["DO requests per conversation", ...caps.map((c) => fmt(c.perConversation.doRequests, 1))],
      ["billed seconds per conversation", ...caps.map((c) => fmt(c.perConversation.billedSeconds, 1))],
      ["without client coalescing", ...caps.map((c) => fmt(c.withoutCoalescing.conversationHours))],
      ["if the room never hibernated (a timer)", ...caps.map((c) => fmt(c.withoutHibernation.conversationHours))],
      ["  binding limit", ...caps.map((c) => SHORT_LABELS[c.withoutHibernation.binding])],
      ["duration binds first above (ms awake per message)", ...caps.map((c) => fmt(c.breakEvenAwakeMs, 1))],
      ...WIDER_GAPS_MS.map((gapMs) => [
        `with a ${gapMs} ms gap: frames/keystroke, conversation-hours`,
        ...caps.map((c) => {
          const w = c.widerGaps.find((g) => g.gapMs === gapMs);
          return w ? `${fmt(w.framesPerKeystroke, 3)}, ${fmt(w.conversationHours)}` : "";
        }),
      ]),
    ]),
  );
  return out.join("\n");
}

function main(): void {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`cost: ${error.message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(HELP);
    return;
  }
  const r = report(options);
  console.log(options.json ? JSON.stringify(r, null, 2) : render(r));
}

if (import.meta.main) main();
