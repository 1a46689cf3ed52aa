/**
 * The report of `npm run cost` as the text tables it prints (without --json): numbers formatted
 * for en-US, one table per question.
 */
import { FREE_PLAN, LAST_DISCONNECT_TAIL_S, LIMITS, type LimitName, MESSAGES_PER_DO_REQUEST, USAGE } from "./price.ts";
import { type Report, WIDER_GAPS_MS } from "./report.ts";

const LIMIT_LABELS: Record<LimitName, string> = {
  workerRequests: "Worker requests",
  doRequests: "Durable Object requests",
  doGbSeconds: "Durable Object duration (GB-s)",
};

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

function peopleLabel(n: number): string {
  return n === 1 ? "1 person" : `${n} people`;
}

const SHORT_LABELS: Record<LimitName, string> = {
  workerRequests: "Worker requests",
  doRequests: "DO requests",
  doGbSeconds: "DO duration",
};

/** The report as the text tables `npm run cost` prints. */
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
      ["confirmation pings per conversation-minute", ...r.typing.map((t) => fmt(t.confirmPingsPerMinute, 1))],
      [
        "  added to the keys frames",
        ...r.typing.map((t) => percentOf(t.confirmPingsPerMinute, t.framesPerMinute.coalesced)),
      ],
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
      ["  sweep alarms, while anyone is connected", fmt(u.doRequests.alarms)],
      [`  keys frames / ${MESSAGES_PER_DO_REQUEST}`, fmt(u.incomingMessages.keys / MESSAGES_PER_DO_REQUEST)],
      [
        `  "ping" heartbeats / ${MESSAGES_PER_DO_REQUEST}${USAGE.pingsBilled ? " (counted, to be safe)" : ""}`,
        fmt(u.incomingMessages.pings / MESSAGES_PER_DO_REQUEST),
      ],
      [
        `  confirmation pings / ${MESSAGES_PER_DO_REQUEST}${USAGE.pingsBilled ? " (counted, to be safe)" : ""}`,
        fmt(u.incomingMessages.confirmPings / MESSAGES_PER_DO_REQUEST),
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
