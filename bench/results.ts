/**
 * The files `npm run bench` leaves in bench/results/: a timestamped JSON per run (bench-, soak-,
 * profile-<time>.json) and latest.json, the latest run of the whole default set, which the
 * README's Performance table is copied from and the cost model reads
 * (bench/cost/message-processing.ts). One writer and one reader here, so what is written and what
 * is read back cannot drift apart.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRecord } from "../src/protocol.ts";
import type { LoadResult, StormResult } from "./load.ts";
import type { Runtime, TargetName } from "./servers.ts";

/** One load run's numbers, without its latency samples, plus the server's peak memory. */
export interface Measured extends Omit<LoadResult, "samples"> {
  peakRssBytes: number;
}

/** One load run: a scenario against one target, one repetition. */
export interface Row {
  scenario: string;
  target: TargetName;
  runtime: Runtime;
  rep: number;
  rooms: number;
  people: number;
  keysPerSecond: number;
  result: Measured;
}

/** A scenario's medians over its repetitions against one target; `lost` and `saturatedRuns` are sums. */
export interface TargetSummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  framesPerSecond: number;
  cpuUsPerFrame: number;
  peakRssMb: number;
  welcomeP50: number;
  welcomeP99: number;
  /** Frames lost, duplicated, out of order or with a broken seq, over all repetitions. */
  lost: number;
  loadCpuPercent: number;
  loopLagP99: number;
  saturatedRuns: number;
}

/** A scenario's medians, for the targets it ran against. */
export type Summary = Partial<Record<TargetName, TargetSummary>>;

/** Pair typing under wrangler dev, and the same pair in bare workerd. */
export interface PairReport {
  summary: Summary;
  ratioP50: number;
  workerd: { summary: Summary; ratioP50: number };
}

/** Full rooms at the bare relay's capacity, or one big room. */
export interface LoadReport {
  summary: Summary;
  ratioP99: number;
  ratioCpu: number;
}

/** One target at twice the app's capacity, and a fresh pair right after. */
export interface OverloadResult {
  target: TargetName;
  rooms: number;
  result: Measured;
  rssSeries: { atMs: number; rssBytes: number }[];
  /** A fresh pair's p99 right after the overload stopped: has the room recovered? */
  afterP99Ms: number;
}

/** One target's reconnect storm. */
export type StormReport = StormResult & { target: TargetName };

/** Where and when the run ran. */
export interface Machine {
  node: string;
  /** What `nproc` printed. */
  cpus: string;
  taskset: boolean;
  /** When the run started, ISO 8601. */
  date: string;
}

/**
 * What one `npm run bench` (without --smoke, --soak or --profile) writes. A scenario that did not
 * run is undefined here and absent from the JSON; a ratio or median with nothing to divide or sort
 * is NaN here and null in the JSON.
 */
export interface BenchReport {
  machine: Machine;
  reps: number;
  pair: PairReport | undefined;
  /** Most full rooms each target carried with p99 ≤ 50 ms and nothing lost (ramped for full and overload). */
  capacity: Partial<Record<TargetName, number>> | undefined;
  ramp: Row[] | undefined;
  full: (LoadReport & { rooms: number }) | undefined;
  big: LoadReport | undefined;
  overload: OverloadResult[] | undefined;
  storm: StormReport[] | undefined;
  /** Every load run but the ramp's. */
  rows: Row[];
  seconds: number;
  /** The README's Performance table, built from this run's numbers only. */
  markdown: string;
}

/** The parts of a saved bench report that are read back, each one checked. */
export interface SavedReport {
  machine: Machine;
  reps: number;
  seconds: number;
  markdown: string;
  /** The app's server CPU per relayed keystroke in the bare-workerd pair; undefined if no pair ran. */
  pair: { workerd: { summary: { app: Pick<TargetSummary, "cpuUsPerFrame"> } } } | undefined;
}

const LATEST = new URL("./results/latest.json", import.meta.url);

/** Writes `data` as bench/results/<kind>-<time>.json and returns that file's path. */
export function saveResults(kind: string, data: unknown): string {
  // import.meta.dirname is read here, not at load: workerd (the cost model's tests) has none.
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${kind}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/**
 * Saves a bench report as bench/results/bench-<time>.json, and as latest.json too when `latest`
 * (a run of the whole default set: a partial run must not replace the full picture). Returns the
 * timestamped file's path.
 */
export function saveBenchReport(report: BenchReport, { latest }: { latest: boolean }): string {
  const file = saveResults("bench", report);
  if (latest) writeFileSync(LATEST, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/**
 * bench/results/latest.json, checked field by field; undefined if there is none, it cannot be
 * read, or it is not a bench report.
 */
export function readLatestReport(): SavedReport | undefined {
  let text: string;
  try {
    text = readFileSync(LATEST, "utf8");
  } catch {
    // No bench run yet, or no file system at all (the cost model's tests run in workerd).
    return undefined;
  }
  try {
    return parseBenchReport(JSON.parse(text));
  } catch {
    // Not JSON: a run cut off while writing, or a file edited by hand.
    return undefined;
  }
}

/** A parsed bench report's parts that are read back, or undefined if any of them is missing or mistyped. */
export function parseBenchReport(v: unknown): SavedReport | undefined {
  if (!isRecord(v)) return undefined;
  const machine = parseMachine(v.machine);
  const { reps, seconds, markdown } = v;
  if (machine === undefined || !isCount(reps) || !isCount(seconds) || typeof markdown !== "string") return undefined;
  return { machine, reps, seconds, markdown, pair: parsePair(v.pair) };
}

function parseMachine(v: unknown): Machine | undefined {
  if (!isRecord(v)) return undefined;
  const { node, cpus, taskset, date } = v;
  if (typeof node !== "string" || typeof cpus !== "string" || typeof taskset !== "boolean") return undefined;
  return typeof date === "string" ? { node, cpus, taskset, date } : undefined;
}

/** The pair's part, or undefined when the run had no pair (or its app median is null: no frames). */
function parsePair(v: unknown): SavedReport["pair"] {
  const workerd = isRecord(v) ? v.workerd : undefined;
  const summary = isRecord(workerd) ? workerd.summary : undefined;
  const app = isRecord(summary) ? summary.app : undefined;
  const cpuUsPerFrame = isRecord(app) ? app.cpuUsPerFrame : undefined;
  return typeof cpuUsPerFrame === "number" ? { workerd: { summary: { app: { cpuUsPerFrame } } } } : undefined;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
