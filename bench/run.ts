/**
 * `npm run bench`: the app against two references, on this machine, in one run.
 *
 *   npm run bench                         the default set (about 7 minutes)
 *   npm run bench -- --scenario big       one scenario: pair, full, big, overload, storm
 *   npm run bench -- --reps 5             repetitions per comparison (default 3, medians quoted)
 *   npm run bench -- --soak 600           full-rooms load for 600 s: RSS slope and loss
 *   npm run bench -- --smoke              10 s of load on the app; fails on any loss (CI)
 *   npm run bench -- --profile            where the app's CPU goes under full-rooms load
 *
 * Latency is measured under `wrangler dev` (what people run) and capacity with the deploy bundle
 * in bare `workerd serve`. The server is pinned to CPU 0 and this process to CPU 1. Every run is
 * saved in bench/results/; only one of the whole default set replaces latest.json and the chart.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { latencyChart, type Panel } from "./chart.ts";
import { type LoadSpec, reconnectStorm, runLoad } from "./load.ts";
import { MemorySampler, median, slope } from "./measure.ts";
import { profileApp } from "./profile.ts";
import {
  type BenchReport,
  type LoadReport,
  type Machine,
  type Measured,
  type OverloadResult,
  type PairReport,
  type Row,
  type StormReport,
  type Summary,
  saveBenchReport,
  saveResults,
  type TargetSummary,
} from "./results.ts";
import {
  appVars,
  hasTaskset,
  LOAD_CPU,
  ROOT,
  type Runtime,
  type Server,
  startServer,
  type TargetName,
} from "./servers.ts";

const SCENARIOS = ["pair", "full", "big", "overload", "storm"] as const;
type Scenario = (typeof SCENARIOS)[number];
const TARGETS: TargetName[] = ["app", "do-relay", "node-relay"];
/** Full rooms: MAX_PEERS people typing 10 keys/s; capacity is the most rooms with p99 ≤ 50 ms and no loss. */
const FULL = { people: 16, keysPerSecond: 10, p99LimitMs: 50 };

const { values: flags } = parseArgs({
  options: {
    scenario: { type: "string", multiple: true },
    reps: { type: "string", default: "3" },
    soak: { type: "string" },
    rooms: { type: "string" },
    smoke: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
  },
  strict: true,
});

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

const rows: Row[] = [];
const samples = new Map<string, number[]>();
const log = (line: string) => process.stdout.write(`${line}\n`);

// This process is the load generator: keep it off the server's core.
if (hasTaskset) execFileSync("taskset", ["-cp", String(LOAD_CPU), String(process.pid)], { stdio: "ignore" });

async function measure(
  scenario: string,
  server: Server,
  rep: number,
  spec: Omit<LoadSpec, "url" | "serverPid">,
): Promise<Row> {
  const memory = new MemorySampler(server.pid);
  const { samples: latencies, ...result } = await runLoad({ ...spec, url: server.url, serverPid: server.pid });
  const row: Row = {
    scenario,
    target: server.target,
    runtime: server.runtime,
    rep,
    rooms: spec.rooms,
    people: spec.people,
    keysPerSecond: spec.keysPerSecond,
    result: { ...result, peakRssBytes: memory.stop().peakBytes },
  };
  rows.push(row);
  const key = `${scenario}/${server.target}`;
  const kept = samples.get(key) ?? [];
  // Enough for a smooth curve without keeping every sample of a 100-person room.
  const stride = Math.max(1, Math.floor(latencies.length / 20_000));
  for (let i = 0; i < latencies.length; i += stride) kept.push(latencies[i] ?? 0);
  samples.set(key, kept);
  const r = row.result;
  log(
    `  ${scenario.padEnd(8)} ${server.target.padEnd(10)} rep ${rep} rooms ${String(spec.rooms).padStart(3)}: p50 ${ms(r.latency.p50)} p99 ${ms(r.latency.p99)} ${Math.round(r.deliveredPerSecond)} frames/s, ${r.serverCpuUsPerFrame.toFixed(1)} µs/frame, lost ${r.lost}${r.saturated ? "  LOAD GENERATOR SATURATED" : ""}`,
  );
  return row;
}

/** Runs `run` on every target in turn, `reps` times, alternating so drift hits all alike. */
async function alternate(
  targets: TargetName[],
  runtime: Runtime,
  vars: Record<string, string>,
  reps: number,
  run: (server: Server, rep: number) => Promise<unknown>,
): Promise<void> {
  const servers: Server[] = [];
  try {
    for (const target of targets) servers.push(await startServer(target, runtime, vars));
    for (let rep = 1; rep <= reps; rep++) for (const server of servers) await run(server, rep);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function healthy(r: Measured): boolean {
  return r.latency.p99 <= FULL.p99LimitMs && clean(r) && !r.saturated;
}

function clean(r: Measured): boolean {
  return r.lost + r.duplicated + r.outOfOrder + r.seqErrors === 0;
}

/** Highest room count each target carries with p99 ≤ 50 ms and nothing lost. */
async function ramp(): Promise<Map<TargetName, number>> {
  const capacity = new Map<TargetName, number>();
  const steps = [1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48];
  for (const target of ["app", "do-relay"] as const) {
    const server = await startServer(target, "workerd");
    try {
      let best = 0;
      for (const rooms of steps) {
        const row = await measure("ramp", server, 1, { rooms, ...FULL, warmupMs: 1_000, measureMs: 2_500 });
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

async function soak(seconds: number, rooms: number): Promise<void> {
  const server = await startServer("app", "workerd");
  try {
    const memory = new MemorySampler(server.pid, 1_000);
    const { samples: _, ...result } = await runLoad({
      url: server.url,
      serverPid: server.pid,
      rooms,
      ...FULL,
      warmupMs: 5_000,
      measureMs: seconds * 1000,
    });
    const { peakBytes, series } = memory.stop();
    // The slope after warm-up (second half) is what a leak would show.
    const lastAt = series.at(-1)?.atMs ?? 0;
    const half = series.filter((s) => s.atMs > lastAt / 2);
    const mbPerMin = slope(half.map((s) => ({ x: s.atMs / 60_000, y: s.rssBytes / 2 ** 20 })));
    const out = { seconds, rooms, result: { ...result, peakRssBytes: peakBytes }, rssSlopeMbPerMin: mbPerMin, series };
    const file = saveResults("soak", out);
    log(
      `soak ${seconds} s, ${rooms} full rooms: ${Math.round(result.deliveredPerSecond)} frames/s, p99 ${ms(result.latency.p99)}, lost ${result.lost}, RSS ${mb(series[0]?.rssBytes ?? 0)} → ${mb(series.at(-1)?.rssBytes ?? 0)} (peak ${mb(peakBytes)}), slope of the second half ${mbPerMin.toFixed(3)} MB/min\n→ ${file}`,
    );
  } finally {
    await server.stop();
  }
}

async function profile(rooms: number): Promise<void> {
  const lines = await profileApp(rooms, 10);
  const ours = lines.filter((l) => l.where.startsWith("worker.js"));
  const share = (ls: typeof lines) => ls.reduce((a, l) => a + l.percent, 0).toFixed(1);
  log(`CPU profile of the app, ${rooms} full rooms for 10 s (V8 samples every 0.2 ms)`);
  log(`our code (functions of the bundle): ${share(ours)}% of samples; the rest is the runtime and idle`);
  for (const l of lines.slice(0, 25)) log(`${l.percent.toFixed(1).padStart(6)}%  ${l.name.padEnd(32)} ${l.where}`);
  saveResults("profile", { rooms, lines });
}

async function smoke(): Promise<void> {
  const server = await startServer("app", "workerd");
  try {
    const { samples: _, ...r } = await runLoad({
      url: server.url,
      serverPid: server.pid,
      rooms: 4,
      people: 4,
      keysPerSecond: 10,
      warmupMs: 2_000,
      measureMs: 8_000,
    });
    log(
      `bench smoke: ${r.sent} frames sent, ${r.delivered} delivered, lost ${r.lost}, duplicated ${r.duplicated}, out of order ${r.outOfOrder}, seq errors ${r.seqErrors}, problems ${JSON.stringify(r.problems)}, p99 ${ms(r.latency.p99)}`,
    );
    const expected = r.sent * 3;
    if (!clean({ ...r, peakRssBytes: 0 }) || r.delivered !== expected || Object.keys(r.problems).length > 0) {
      throw new Error(`bench smoke failed: expected ${expected} deliveries with no loss and no problems`);
    }
  } finally {
    await server.stop();
  }
}

const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");
const ms = (v: number) => (Number.isNaN(v) ? "–" : v < 10 ? `${v.toFixed(2)} ms` : `${Math.round(v)} ms`);
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

/** Medians over repetitions of one scenario, per target. */
function summary(scenario: string): Summary {
  const out: Summary = {};
  for (const target of TARGETS) {
    const mine = rows.filter((r) => r.scenario === scenario && r.target === target).map((r) => r.result);
    if (mine.length === 0) continue;
    const m = (f: (r: Measured) => number) => median(mine.map(f));
    out[target] = {
      p50: m((r) => r.latency.p50),
      p95: m((r) => r.latency.p95),
      p99: m((r) => r.latency.p99),
      max: m((r) => r.latency.max),
      framesPerSecond: m((r) => r.deliveredPerSecond),
      cpuUsPerFrame: m((r) => r.serverCpuUsPerFrame),
      peakRssMb: m((r) => r.peakRssBytes / 2 ** 20),
      welcomeP50: m((r) => r.welcome.p50),
      welcomeP99: m((r) => r.welcome.p99),
      lost: mine.reduce((a, r) => a + r.lost + r.duplicated + r.outOfOrder + r.seqErrors, 0),
      loadCpuPercent: m((r) => r.loadCpuPercent),
      loopLagP99: m((r) => r.loopLagP99Ms),
      saturatedRuns: mine.filter((r) => r.saturated).length,
    };
  }
  return out;
}

function printTable(title: string, s: Summary): void {
  log(`\n${title}`);
  log(
    "target      p50       p95       p99       max       frames/s  µs/frame  peak RSS  welcome p50/p99   bad  loadgen CPU/lag p99",
  );
  for (const [target, v] of Object.entries(s)) {
    const cells = [
      target.padEnd(10),
      ms(v.p50 ?? Number.NaN).padEnd(9),
      ms(v.p95 ?? Number.NaN).padEnd(9),
      ms(v.p99 ?? Number.NaN).padEnd(9),
      ms(v.max ?? Number.NaN).padEnd(9),
      String(Math.round(v.framesPerSecond ?? 0)).padEnd(9),
      (v.cpuUsPerFrame ?? 0).toFixed(1).padEnd(9),
      `${Math.round(v.peakRssMb ?? 0)} MB`.padEnd(9),
      `${ms(v.welcomeP50 ?? Number.NaN)} / ${ms(v.welcomeP99 ?? Number.NaN)}`.padEnd(17),
      String(v.lost).padEnd(4),
      `${Math.round(v.loadCpuPercent ?? 0)}% / ${ms(v.loopLagP99 ?? Number.NaN)}${v.saturatedRuns ? " SATURATED" : ""}`,
    ];
    log(cells.join(" "));
  }
}

function ratio(s: Summary, key: keyof TargetSummary, over: TargetName = "do-relay"): number {
  return (s.app?.[key] ?? Number.NaN) / (s[over]?.[key] ?? Number.NaN);
}

async function main(): Promise<void> {
  if (!hasTaskset) log("note: taskset not found; server and load generator share CPUs, so numbers are noisier");
  if (flags.smoke) return smoke();
  const soakSeconds = positiveInt("soak", flags.soak);
  const roomsFlag = positiveInt("rooms", flags.rooms);
  if (soakSeconds) return soak(soakSeconds, roomsFlag ?? 8);
  if (flags.profile) return profile(roomsFlag ?? 8);
  const reps = positiveInt("reps", flags.reps) ?? 3;
  const unknown = (flags.scenario ?? []).filter((s) => !SCENARIOS.some((k) => k === s));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}; pick from ${SCENARIOS.join(", ")}`);
  const chosen = new Set<Scenario>(SCENARIOS.filter((s) => !flags.scenario || flags.scenario.includes(s)));
  const started = performance.now();
  const machineInfo = machine();
  let pairReport: PairReport | undefined;
  let capacityReport: BenchReport["capacity"];
  let ramped: Row[] | undefined;
  let fullReport: BenchReport["full"];
  let bigReport: LoadReport | undefined;
  let overloaded: OverloadResult[] | undefined;
  let storms: StormReport[] | undefined;
  // The README's Performance table, built from this run's numbers only.
  const md = [
    "| scenario | measure | app | bare DO relay | Node `ws` relay | app ÷ DO relay | target |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const row = (
    scenario: string,
    measure: string,
    s: Summary,
    key: keyof TargetSummary,
    fmt: (v: number) => string,
    target = "",
  ) =>
    md.push(
      `| ${scenario} | ${measure} | ${fmt(s.app?.[key] ?? Number.NaN)} | ${fmt(s["do-relay"]?.[key] ?? Number.NaN)} | ${fmt(s["node-relay"]?.[key] ?? Number.NaN)} | ${times(ratio(s, key))} | ${target} |`,
    );
  const us = (v: number) => (Number.isNaN(v) ? "–" : `${Math.round(v)} µs`);
  const count = (v: number) => (Number.isNaN(v) ? "–" : Math.round(v).toLocaleString("en-US"));
  const panels: Panel[] = [];
  const curves = (scenario: string) =>
    TARGETS.flatMap((t) => {
      const s = samples.get(`${scenario}/${t}`);
      return s ? [{ label: t, samples: s }] : [];
    });

  if (chosen.has("pair")) {
    log("pair: 2 people × 8 keys/s under wrangler dev (the latency floor)");
    await alternate(TARGETS, "wrangler-dev", appVars(), reps, (server, rep) =>
      measure("pair", server, rep, { rooms: 1, people: 2, keysPerSecond: 8, warmupMs: 1_500, measureMs: 6_000 }),
    );
    const s = summary("pair");
    printTable("pair typing, wrangler dev (medians)", s);
    log(`app/do-relay p50 ${ratio(s, "p50").toFixed(2)}× (target ≤ 1.1×)`);
    // The same pair in bare workerd: the runtime's own floor, and the server CPU one relayed
    // keystroke costs when a room is nearly idle (what the cost model bills per message).
    await alternate(["app", "do-relay"], "workerd", appVars(), reps, (server, rep) =>
      measure("pair-workerd", server, rep, {
        rooms: 1,
        people: 2,
        keysPerSecond: 8,
        warmupMs: 1_000,
        measureMs: 5_000,
      }),
    );
    const w = summary("pair-workerd");
    printTable("pair typing, bare workerd (medians)", w);
    log(
      `app/do-relay p50 ${ratio(w, "p50").toFixed(2)}×; server CPU per relayed keystroke: app ${ms((w.app?.cpuUsPerFrame ?? 0) / 1000)}, do-relay ${ms((w["do-relay"]?.cpuUsPerFrame ?? 0) / 1000)}`,
    );
    pairReport = { summary: s, ratioP50: ratio(s, "p50"), workerd: { summary: w, ratioP50: ratio(w, "p50") } };
    row("pair, 2 × 8 keys/s, wrangler dev", "p50", s, "p50", ms, "≤ 1.1×");
    md.push(
      `| | p99 | ${ms(s.app?.p99 ?? Number.NaN)} | ${ms(s["do-relay"]?.p99 ?? Number.NaN)} | ${ms(s["node-relay"]?.p99 ?? Number.NaN)} | ${times(ratio(s, "p99"))} | |`,
    );
    row("same pair, bare workerd", "p50", w, "p50", ms);
    row("", "server CPU per keystroke", w, "cpuUsPerFrame", us);
    panels.push({ title: "pair typing (wrangler dev)", curves: curves("pair") });
  }

  let capacity = new Map<TargetName, number>();
  if (chosen.has("full") || chosen.has("overload")) {
    log(`full rooms: ${FULL.people} people × ${FULL.keysPerSecond} keys/s, ramping rooms in bare workerd`);
    capacity = await ramp();
    log(
      `capacity (p99 ≤ 50 ms, no loss): app ${capacity.get("app")} rooms, do-relay ${capacity.get("do-relay")} rooms`,
    );
    capacityReport = Object.fromEntries(capacity);
    const rampBest = (t: TargetName) =>
      rows.find((r) => r.scenario === "ramp" && r.target === t && r.rooms === capacity.get(t))?.result
        .deliveredPerSecond ?? Number.NaN;
    md.push(
      `| capacity: full rooms (16 × 10 keys/s), bare workerd, one core | most rooms with p99 ≤ 50 ms, nothing lost | ${capacity.get("app")} rooms, ${count(rampBest("app"))} frames/s | ${capacity.get("do-relay")} rooms, ${count(rampBest("do-relay"))} frames/s | not ramped | ${(rampBest("app") / rampBest("do-relay")).toFixed(2)}× | |`,
    );
    ramped = rows.filter((r) => r.scenario === "ramp");
  }
  if (chosen.has("full")) {
    // Compared at the reference's own capacity: the most load the platform floor carries well.
    const rooms = Math.max(1, capacity.get("do-relay") ?? 1);
    await alternate(TARGETS, "workerd", appVars(), reps, (server, rep) =>
      measure("full", server, rep, { rooms, ...FULL, warmupMs: 1_000, measureMs: 3_000 }),
    );
    const s = summary("full");
    printTable(`full rooms × ${rooms}, bare workerd (medians)`, s);
    log(
      `app/do-relay p99 ${ratio(s, "p99").toFixed(2)}× (target ≤ 1.2×), CPU per frame ${ratio(s, "cpuUsPerFrame").toFixed(2)}× (target ≤ 1.2×)`,
    );
    fullReport = { rooms, summary: s, ratioP99: ratio(s, "p99"), ratioCpu: ratio(s, "cpuUsPerFrame") };
    row(`${rooms} full rooms, bare workerd`, "p99", s, "p99", ms, "≤ 1.2×");
    row("", "server CPU per delivered frame", s, "cpuUsPerFrame", (v) => `${v.toFixed(1)} µs`, "≤ 1.2×");
    row("", "delivered frames/s", s, "framesPerSecond", count);
    row("", "connect to welcome, p50", s, "welcomeP50", ms);
    panels.push({ title: `${rooms} full rooms (workerd)`, curves: curves("full") });
  }
  if (chosen.has("big")) {
    log("one big room: 100 people × 2 keys/s in bare workerd (MAX_PEERS raised to 128)");
    await alternate(TARGETS, "workerd", appVars({ MAX_PEERS: "128" }), reps, (server, rep) =>
      measure("big", server, rep, { rooms: 1, people: 100, keysPerSecond: 2, warmupMs: 1_500, measureMs: 4_000 }),
    );
    const s = summary("big");
    printTable("one room of 100, bare workerd (medians)", s);
    log(`app p99 ${ms(s.app?.p99 ?? Number.NaN)} (target ≤ 50 ms, zero loss: ${s.app?.lost === 0 ? "yes" : "NO"})`);
    bigReport = { summary: s, ratioP99: ratio(s, "p99"), ratioCpu: ratio(s, "cpuUsPerFrame") };
    row("one room of 100 × 2 keys/s, bare workerd", "p99", s, "p99", ms, "≤ 50 ms");
    row("", "frames lost, duplicated or reordered", s, "lost", count, "0");
    panels.push({ title: "one room of 100 (workerd)", curves: curves("big") });
  }
  if (chosen.has("overload")) {
    // Twice what the app itself carries, the same load for both: the harder of the two tests.
    const base = Math.max(1, capacity.get("app") ?? 1);
    const rooms = roomsFlag ?? 2 * base;
    log(`2× overload: ${rooms} full rooms (twice the app's capacity) for 20 s`);
    const [app, relay] = [await overload("app", rooms), await overload("do-relay", rooms)];
    overloaded = [app, relay];
    const pair = (f: (o: OverloadResult) => string) => `| ${f(app)} | ${f(relay)} | – | | |`;
    md.push(`| 2× overload: ${rooms} full rooms for 20 s | p99 ${pair((o) => ms(o.result.latency.p99))}`);
    md.push(`| | peak RSS ${pair((o) => mb(o.result.peakRssBytes))}`);
    md.push(`| | backlog drained after typing stopped ${pair((o) => ms(o.result.drainMs))}`);
    md.push(
      `| | missing: shed, or still queued 30 s later (seq breaks) ${pair((o) => `${count(o.result.lost)} (${o.result.seqErrors})`)}`,
    );
    md.push(`| | a new pair's p99 right after ${pair((o) => ms(o.afterP99Ms))}`);
  }
  if (chosen.has("storm")) {
    log("reconnect storm: 1,000 sockets in rooms of 10 drop and reconnect at once");
    storms = [await storm("app"), await storm("do-relay"), await storm("node-relay")];
    const back = storms.map((r) => ms(r.allBackMs));
    md.push(
      `| reconnect storm: 1,000 sockets at once, bare workerd | until all welcomed again | ${back.join(" | ")} | | |`,
    );
  }

  const report: BenchReport = {
    machine: machineInfo,
    reps,
    pair: pairReport,
    capacity: capacityReport,
    ramp: ramped,
    full: fullReport,
    big: bigReport,
    overload: overloaded,
    storm: storms,
    rows: rows.filter((r) => r.scenario !== "ramp"),
    seconds: Math.round((performance.now() - started) / 1000),
    markdown: md.join("\n"),
  };
  log(`\n${md.join("\n")}`);
  // A partial run would replace the README's source and chart with fewer scenarios than they show.
  const complete = SCENARIOS.every((s) => chosen.has(s));
  const file = saveBenchReport(report, { latest: complete });
  const chart = complete && panels.length > 0;
  if (chart) writeFileSync(join(ROOT, "docs/bench-latency.svg"), latencyChart(panels));
  log(
    `\n${report.seconds} s. Results: ${file}${chart ? "; chart: docs/bench-latency.svg" : ""}${complete ? "" : " (not the whole default set: latest.json and the chart are left as they were)"}`,
  );
}

function machine(): Machine {
  return {
    node: process.version,
    cpus: execFileSync("nproc", { encoding: "utf8" }).trim(),
    taskset: hasTaskset,
    date: new Date().toISOString(),
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
