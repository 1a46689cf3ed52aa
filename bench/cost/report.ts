/**
 * The numbers `npm run cost` reports: the typing measurement, a day's use against each limit, and
 * the capacity per group size with its variants. Printed as JSON by --json, as tables by render.ts.
 */
import { MIN_FRAME_GAP_MS } from "../../src/client/outgoing.ts";
import { BUSY_GAP_MS, COALESCE_MS } from "../../src/outbox.ts";
import { MESSAGE_PROCESSING, MESSAGE_PROCESSING_MS } from "./message-processing.ts";
import {
  breakEvenAwakeMs,
  type Capacity,
  capacity,
  estimate,
  FREE_PLAN,
  LIMITS,
  type LimitName,
  USAGE,
  type Usage,
  type UsageModel,
  used,
} from "./price.ts";
import { measureTyping, TYPING, type TypingMeasurement, type TypingModel } from "./typing.ts";

/** Group sizes the capacity answer is given for. */
const CAPACITY_PEOPLE = [2, 5];

/** What to report on: a day of `rooms` conversations of `hours` with `people`, typing from `seed`. */
export interface ReportInput {
  rooms: number;
  hours: number;
  people: number;
  seed: number;
}

/** The send rule with wider gaps than MIN_FRAME_GAP_MS: what trading latency for requests would buy. */
export const WIDER_GAPS_MS = [50, 100, 250];

/** The capacity of one group size: as built, without each design choice, and with wider gaps. */
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

/** Everything `npm run cost` reports, in the order --json prints it. */
export interface Report {
  input: ReportInput;
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

/** Everything `npm run cost` says about `options`: the JSON of --json, the tables of render(). */
export function report(options: ReportInput): Report {
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
