/**
 * The scenarios of `npm run bench`, one function each: the app against the references under the
 * same load (pair, full rooms after a capacity ramp, one big room), past what a core can carry
 * (overload), and every socket reconnecting at once (storm). Each prints as it goes and returns
 * its part of the bench report, its rows of the README's Performance table and its chart panel.
 */
import type { Panel } from "./chart.ts";
import { reconnectStorm, runLoad } from "./load.ts";
import { MemorySampler } from "./measure.ts";
import { count, log, markdownRow, mb, ms, printTable, ratio, times, us } from "./print.ts";
import { clean, type Recorder, TARGETS } from "./recorder.ts";
import type { BenchReport, LoadReport, Measured, OverloadResult, PairReport, Row, StormReport } from "./results.ts";
import { appVars, startServer, type TargetName } from "./servers.ts";

/** Full rooms: MAX_PEERS people typing 10 keys/s; capacity is the most rooms with p99 ≤ 50 ms and no loss. */
export const FULL = { people: 16, keysPerSecond: 10, p99LimitMs: 50 };

/** What a scenario adds to the run: its part of the report, table rows and chart panel. */
export interface Outcome<Report> {
  report: Report;
  /** Rows of the README's Performance table (its head is MARKDOWN_HEAD). */
  markdown: string[];
  panel?: Panel;
}

/** Two people typing under wrangler dev (the latency floor), then the same pair in bare workerd. */
export async function runPair(recorder: Recorder, reps: number): Promise<Outcome<PairReport>> {
  log("pair: 2 people × 8 keys/s under wrangler dev (the latency floor)");
  await recorder.compare("pair", TARGETS, "wrangler-dev", appVars(), reps, {
    rooms: 1,
    people: 2,
    keysPerSecond: 8,
    warmupMs: 1_500,
    measureMs: 6_000,
  });
  const s = recorder.summary("pair");
  printTable("pair typing, wrangler dev (medians)", s);
  log(`app/do-relay p50 ${ratio(s, "p50").toFixed(2)}× (target ≤ 1.1×)`);
  // The same pair in bare workerd: the runtime's own floor, and the server CPU one relayed
  // keystroke costs when a room is nearly idle (what the cost model bills per message).
  await recorder.compare("pair-workerd", ["app", "do-relay"], "workerd", appVars(), reps, {
    rooms: 1,
    people: 2,
    keysPerSecond: 8,
    warmupMs: 1_000,
    measureMs: 5_000,
  });
  const w = recorder.summary("pair-workerd");
  printTable("pair typing, bare workerd (medians)", w);
  log(
    `app/do-relay p50 ${ratio(w, "p50").toFixed(2)}×; server CPU per relayed keystroke: app ${ms((w.app?.cpuUsPerFrame ?? 0) / 1000)}, do-relay ${ms((w["do-relay"]?.cpuUsPerFrame ?? 0) / 1000)}`,
  );
  return {
    report: { summary: s, ratioP50: ratio(s, "p50"), workerd: { summary: w, ratioP50: ratio(w, "p50") } },
    markdown: [
      markdownRow("pair, 2 × 8 keys/s, wrangler dev", "p50", s, "p50", ms, "≤ 1.1×"),
      `| | p99 | ${ms(s.app?.p99 ?? Number.NaN)} | ${ms(s["do-relay"]?.p99 ?? Number.NaN)} | ${ms(s["node-relay"]?.p99 ?? Number.NaN)} | ${times(ratio(s, "p99"))} | |`,
      markdownRow("same pair, bare workerd", "p50", w, "p50", ms),
      markdownRow("", "server CPU per keystroke", w, "cpuUsPerFrame", us),
    ],
    panel: { title: "pair typing (wrangler dev)", curves: recorder.curves("pair") },
  };
}

/** Full-room capacity as found by the ramp, which the full and overload scenarios build on. */
export interface Ramped {
  /** Most full rooms each of the app and the DO relay carried well. */
  rooms: Map<TargetName, number>;
  /** Every step of the ramp. */
  ramp: Row[];
}

/** Ramps full rooms on the app and the DO relay in bare workerd until p99 passes 50 ms or a frame is lost. */
export async function runCapacity(recorder: Recorder): Promise<Outcome<Ramped>> {
  log(`full rooms: ${FULL.people} people × ${FULL.keysPerSecond} keys/s, ramping rooms in bare workerd`);
  const capacity = await ramp(recorder);
  log(`capacity (p99 ≤ 50 ms, no loss): app ${capacity.get("app")} rooms, do-relay ${capacity.get("do-relay")} rooms`);
  const ramped = recorder.rows.filter((r) => r.scenario === "ramp");
  const rampBest = (t: TargetName) =>
    ramped.find((r) => r.target === t && r.rooms === capacity.get(t))?.result.deliveredPerSecond ?? Number.NaN;
  return {
    report: { rooms: capacity, ramp: ramped },
    markdown: [
      `| capacity: full rooms (16 × 10 keys/s), bare workerd, one core | most rooms with p99 ≤ 50 ms, nothing lost | ${capacity.get("app")} rooms, ${count(rampBest("app"))} frames/s | ${capacity.get("do-relay")} rooms, ${count(rampBest("do-relay"))} frames/s | not ramped | ${(rampBest("app") / rampBest("do-relay")).toFixed(2)}× | |`,
    ],
  };
}

/** Highest room count each target carries with p99 ≤ 50 ms and nothing lost. */
async function ramp(recorder: Recorder): Promise<Map<TargetName, number>> {
  const capacity = new Map<TargetName, number>();
  const steps = [1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48];
  for (const target of ["app", "do-relay"] as const) {
    const server = await startServer(target, "workerd");
    try {
      let best = 0;
      for (const rooms of steps) {
        const row = await recorder.measure("ramp", server, 1, { rooms, ...FULL, warmupMs: 1_000, measureMs: 2_500 });
        if (!healthy(row.result)) break;
        best = rooms;
      }
      capacity.set(target, best);
    } finally {
      await server.stop();
    }
  }
  return capacity;
}

function healthy(r: Measured): boolean {
  return r.latency.p99 <= FULL.p99LimitMs && clean(r) && !r.saturated;
}

/** Full rooms on every target, as many as the DO relay carries well (its capacity from the ramp). */
export async function runFull(
  recorder: Recorder,
  reps: number,
  capacity: Ramped,
): Promise<Outcome<NonNullable<BenchReport["full"]>>> {
  // Compared at the reference's own capacity: the most load the platform floor carries well.
  const rooms = Math.max(1, capacity.rooms.get("do-relay") ?? 1);
  await recorder.compare("full", TARGETS, "workerd", appVars(), reps, {
    rooms,
    ...FULL,
    warmupMs: 1_000,
    measureMs: 3_000,
  });
  const s = recorder.summary("full");
  printTable(`full rooms × ${rooms}, bare workerd (medians)`, s);
  log(
    `app/do-relay p99 ${ratio(s, "p99").toFixed(2)}× (target ≤ 1.2×), CPU per frame ${ratio(s, "cpuUsPerFrame").toFixed(2)}× (target ≤ 1.2×)`,
  );
  return {
    report: { rooms, summary: s, ratioP99: ratio(s, "p99"), ratioCpu: ratio(s, "cpuUsPerFrame") },
    markdown: [
      markdownRow(`${rooms} full rooms, bare workerd`, "p99", s, "p99", ms, "≤ 1.2×"),
      markdownRow("", "server CPU per delivered frame", s, "cpuUsPerFrame", (v) => `${v.toFixed(1)} µs`, "≤ 1.2×"),
      markdownRow("", "delivered frames/s", s, "framesPerSecond", count),
      markdownRow("", "connect to welcome, p50", s, "welcomeP50", ms),
    ],
    panel: { title: `${rooms} full rooms (workerd)`, curves: recorder.curves("full") },
  };
}

/** One room of 100 people on every target, with MAX_PEERS raised to let them in. */
export async function runBig(recorder: Recorder, reps: number): Promise<Outcome<LoadReport>> {
  log("one big room: 100 people × 2 keys/s in bare workerd (MAX_PEERS raised to 128)");
  await recorder.compare("big", TARGETS, "workerd", appVars({ MAX_PEERS: "128" }), reps, {
    rooms: 1,
    people: 100,
    keysPerSecond: 2,
    warmupMs: 1_500,
    measureMs: 4_000,
  });
  const s = recorder.summary("big");
  printTable("one room of 100, bare workerd (medians)", s);
  log(`app p99 ${ms(s.app?.p99 ?? Number.NaN)} (target ≤ 50 ms, zero loss: ${s.app?.lost === 0 ? "yes" : "NO"})`);
  return {
    report: { summary: s, ratioP99: ratio(s, "p99"), ratioCpu: ratio(s, "cpuUsPerFrame") },
    markdown: [
      markdownRow("one room of 100 × 2 keys/s, bare workerd", "p99", s, "p99", ms, "≤ 50 ms"),
      markdownRow("", "frames lost, duplicated or reordered", s, "lost", count, "0"),
    ],
    panel: { title: "one room of 100 (workerd)", curves: recorder.curves("big") },
  };
}

/**
 * Full rooms at twice the app's capacity (or `roomsOverride`, from --rooms), on the app and the DO
 * relay for 20 s: whether a room falls behind without bound, and whether it recovers.
 */
export async function runOverload(
  capacity: Ramped,
  roomsOverride: number | undefined,
): Promise<Outcome<OverloadResult[]>> {
  // Twice what the app itself carries, the same load for both: the harder of the two tests.
  const base = Math.max(1, capacity.rooms.get("app") ?? 1);
  const rooms = roomsOverride ?? 2 * base;
  log(`2× overload: ${rooms} full rooms (twice the app's capacity) for 20 s`);
  const [app, relay] = [await overload("app", rooms), await overload("do-relay", rooms)];
  const pair = (f: (o: OverloadResult) => string) => `| ${f(app)} | ${f(relay)} | – | | |`;
  return {
    report: [app, relay],
    markdown: [
      `| 2× overload: ${rooms} full rooms for 20 s | p99 ${pair((o) => ms(o.result.latency.p99))}`,
      `| | peak RSS ${pair((o) => mb(o.result.peakRssBytes))}`,
      `| | backlog drained after typing stopped ${pair((o) => ms(o.result.drainMs))}`,
      `| | missing: shed, or still queued 30 s later (seq breaks) ${pair((o) => `${count(o.result.lost)} (${o.result.seqErrors})`)}`,
      `| | a new pair's p99 right after ${pair((o) => ms(o.afterP99Ms))}`,
    ],
  };
}

async function overload(target: TargetName, rooms: number): Promise<OverloadResult> {
  const server = await startServer(target, "workerd");
  try {
    const memory = new MemorySampler(server.pid, 500);
    const { samples: _, ...result } = await runLoad({
      url: server.url,
      serverPid: server.pid,
      rooms,
      ...FULL,
      warmupMs: 1_000,
      measureMs: 20_000,
      // A backlog still draining after 30 s is reported as such; waiting longer proves nothing.
      drainMs: 30_000,
    });
    const { peakBytes, series } = memory.stop();
    const after = await runLoad({
      url: server.url,
      serverPid: server.pid,
      rooms: 1,
      people: 2,
      keysPerSecond: 5,
      warmupMs: 500,
      measureMs: 3_000,
    });
    const r = { ...result, peakRssBytes: peakBytes };
    log(
      `  overload ${target.padEnd(10)} rooms ${rooms}: p99 ${ms(r.latency.p99)}, max ${ms(r.latency.max)}, peak RSS ${mb(peakBytes)}, drained ${ms(r.drainMs)} after typing stopped, then a pair: p99 ${ms(after.latency.p99)}`,
    );
    return { target, rooms, result: r, rssSeries: series, afterP99Ms: after.latency.p99 };
  } finally {
    await server.stop();
  }
}

/** 1,000 sockets in rooms of 10 on every target drop and reconnect at once: how long until all are back. */
export async function runStorm(): Promise<Outcome<StormReport[]>> {
  log("reconnect storm: 1,000 sockets in rooms of 10 drop and reconnect at once");
  const storms = [await storm("app"), await storm("do-relay"), await storm("node-relay")];
  const back = storms.map((r) => ms(r.allBackMs));
  return {
    report: storms,
    markdown: [
      `| reconnect storm: 1,000 sockets at once, bare workerd | until all welcomed again | ${back.join(" | ")} | | |`,
    ],
  };
}

async function storm(target: TargetName): Promise<StormReport> {
  const server = await startServer(target, "workerd");
  try {
    const result = await reconnectStorm(server.url, 1_000, 10);
    log(
      `  storm    ${target.padEnd(10)} 1000 sockets: all back in ${ms(result.allBackMs)} (p50 ${ms(result.welcome.p50)}), ${result.retries} retries`,
    );
    return { target, ...result };
  } finally {
    await server.stop();
  }
}
