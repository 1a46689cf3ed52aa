/**
 * `npm run bench`: the app against two references, on this machine, in one run.
 *
 *   npm run bench                         the default set (about 7 minutes)
 *   npm run bench -- --scenario big       one scenario: pair, full, big, overload, storm
 *   npm run bench -- --reps 5             repetitions per comparison (default 3, medians quoted)
 *   npm run bench -- --soak 600           full-rooms load for 600 s: RSS slope and loss
 *   npm run bench -- --smoke              10 s of load on the app; fails on any loss (CI)
 *   npm run bench -- --profile            where the app's CPU goes under full-rooms load
 *   npm run bench -- --flood              what one flooder costs, and what it does to a pair next door
 *
 * Latency is measured under `wrangler dev` (what people run) and capacity with the deploy bundle
 * in bare `workerd serve`. The server is pinned to CPU 0 and this process to CPU 1. Every run is
 * saved in bench/results/; only one of the whole default set replaces latest.json and the chart.
 * This file picks what runs and assembles the report: the scenarios are in scenarios.ts, the
 * smoke, soak and profile modes in modes.ts.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { latencyChart } from "./chart.ts";
import { flood } from "./flood.ts";
import { profile, smoke, soak } from "./modes.ts";
import { log, MARKDOWN_HEAD } from "./print.ts";
import { Recorder } from "./recorder.ts";
import { type BenchReport, type Machine, saveBenchReport } from "./results.ts";
import { runBig, runCapacity, runFull, runOverload, runPair, runStorm } from "./scenarios.ts";
import { hasTaskset, LOAD_CPU, ROOT } from "./servers.ts";

const SCENARIOS = ["pair", "full", "big", "overload", "storm"] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: flags } = parseArgs({
  options: {
    scenario: { type: "string", multiple: true },
    reps: { type: "string", default: "3" },
    soak: { type: "string" },
    rooms: { type: "string" },
    smoke: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    flood: { type: "boolean", default: false },
  },
  strict: true,
});

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

// This process is the load generator: keep it off the server's core.
if (hasTaskset) execFileSync("taskset", ["-cp", String(LOAD_CPU), String(process.pid)], { stdio: "ignore" });

async function main(): Promise<void> {
  if (!hasTaskset) log("note: taskset not found; server and load generator share CPUs, so numbers are noisier");
  if (flags.smoke) return smoke();
  if (flags.flood) return flood();
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
  const recorder = new Recorder();

  // In this order, which is also the order of the README's table and the chart's panels.
  const pair = chosen.has("pair") ? await runPair(recorder, reps) : undefined;
  // Full rooms are compared at the DO relay's capacity and overload is twice the app's: both ramp first.
  const capacity = chosen.has("full") || chosen.has("overload") ? await runCapacity(recorder) : undefined;
  const full = capacity && chosen.has("full") ? await runFull(recorder, reps, capacity.report) : undefined;
  const big = chosen.has("big") ? await runBig(recorder, reps) : undefined;
  const overload = capacity && chosen.has("overload") ? await runOverload(capacity.report, roomsFlag) : undefined;
  const storm = chosen.has("storm") ? await runStorm() : undefined;

  const outcomes = [pair, capacity, full, big, overload, storm];
  const markdown = [...MARKDOWN_HEAD, ...outcomes.flatMap((o) => o?.markdown ?? [])].join("\n");
  const panels = outcomes.flatMap((o) => (o?.panel ? [o.panel] : []));
  const report: BenchReport = {
    machine: machineInfo,
    reps,
    pair: pair?.report,
    capacity: capacity && Object.fromEntries(capacity.report.rooms),
    ramp: capacity?.report.ramp,
    full: full?.report,
    big: big?.report,
    overload: overload?.report,
    storm: storm?.report,
    rows: recorder.rows.filter((r) => r.scenario !== "ramp"),
    seconds: Math.round((performance.now() - started) / 1000),
    markdown,
  };
  log(`\n${markdown}`);
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
