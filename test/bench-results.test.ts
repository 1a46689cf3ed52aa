/**
 * The bench's results (bench/results.ts): the cost model reads latest.json back through
 * parseBenchReport, so what the bench writes must read back, and nothing else may. Typechecked
 * with the Node-side tools (tsconfig.node.json), since bench/results.ts uses node:fs; run in
 * workerd like every other test.
 */
import { describe, expect, it } from "vitest";
import latest from "../bench/results/latest.json";
import { type BenchReport, parseBenchReport, type TargetSummary } from "../bench/results.ts";

function medians(cpuUsPerFrame: number): TargetSummary {
  return {
    p50: 0.77,
    p95: 0.88,
    p99: 2.15,
    max: 2.15,
    framesPerSecond: 16.2,
    cpuUsPerFrame,
    peakRssMb: 59.8,
    welcomeP50: 1.99,
    welcomeP99: 3.35,
    lost: 0,
    loadCpuPercent: 2.1,
    loopLagP99: 0.92,
    saturatedRuns: 0,
  };
}

/** A run of the pair alone, as run.ts builds it. */
const written: BenchReport = {
  machine: { node: "v24.21.0", cpus: "2", taskset: true, date: "2026-11-22T15:29:12.913Z" },
  reps: 3,
  pair: {
    summary: { app: medians(1789), "do-relay": medians(2198) },
    ratioP50: 1.1,
    workerd: { summary: { app: medians(494), "do-relay": medians(494) }, ratioP50: 1.07 },
  },
  capacity: undefined,
  ramp: undefined,
  full: undefined,
  big: undefined,
  overload: undefined,
  storm: undefined,
  rows: [],
  seconds: 45,
  markdown: "| scenario | measure | app | bare DO relay | Node `ws` relay | app ÷ DO relay | target |",
};

/** What a value is once written to a file as JSON and parsed again. */
function onDisk(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

describe("bench results", () => {
  it("reads back what the bench writes", () => {
    expect(parseBenchReport(onDisk(written))).toEqual({
      machine: written.machine,
      reps: 3,
      seconds: 45,
      markdown: written.markdown,
      pair: { workerd: { summary: { app: { cpuUsPerFrame: 494 } } } },
    });
  });

  it("reads the latest.json in the repository, which an earlier bench wrote", () => {
    const saved = parseBenchReport(latest);
    expect(saved?.machine.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(saved?.markdown).toContain("| scenario |");
    expect(saved?.pair?.workerd.summary.app.cpuUsPerFrame).toBeGreaterThan(0);
  });

  it("reads a run without the pair scenario as having no pair", () => {
    expect(parseBenchReport(onDisk({ ...written, pair: undefined }))?.pair).toBeUndefined();
  });

  it("reads a pair whose app median is missing (NaN, written as null) as no pair", () => {
    const workerd = { summary: { app: { ...medians(Number.NaN) } }, ratioP50: Number.NaN };
    const saved = parseBenchReport(onDisk({ ...written, pair: { ...written.pair, workerd } }));
    expect(saved).toBeDefined();
    expect(saved?.pair).toBeUndefined();
  });

  it("refuses what is not a bench report", () => {
    const bad: unknown[] = [
      null,
      [],
      "latest",
      {},
      { ...written, markdown: 1 },
      { ...written, seconds: -1 },
      { ...written, reps: "3" },
      { ...written, machine: undefined },
      { ...written, machine: { ...written.machine, date: 1_700_000_000_000 } },
      { ...written, machine: { ...written.machine, taskset: "yes" } },
    ];
    for (const v of bad) expect(parseBenchReport(onDisk(v))).toBeUndefined();
  });
});
