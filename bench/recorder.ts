/**
 * The load runs of one `npm run bench`: each run measured, printed and kept as a row, with a thinned
 * copy of its latency samples for the chart; medians per scenario and target from those rows.
 */
import type { Curve } from "./chart.ts";
import { type LoadSpec, runLoad } from "./load.ts";
import { MemorySampler, median } from "./measure.ts";
import { log, ms } from "./print.ts";
import type { Measured, Row, Summary } from "./results.ts";
import { type Runtime, type Server, startServer, type TargetName } from "./servers.ts";

/** Every target, in the order of tables and charts: the app, then the two references. */
export const TARGETS: TargetName[] = ["app", "do-relay", "node-relay"];

/** The load a run puts on a server; the server's address and process come from the server. */
export type RunSpec = Omit<LoadSpec, "url" | "serverPid">;

/** Nothing lost, duplicated or reordered, and no break in `seq`. */
export function clean(r: Pick<Measured, "lost" | "duplicated" | "outOfOrder" | "seqErrors">): boolean {
  return r.lost + r.duplicated + r.outOfOrder + r.seqErrors === 0;
}

/** Runs load and keeps what it measured, for one `npm run bench`. */
export class Recorder {
  readonly #rows: Row[] = [];
  readonly #samples = new Map<string, number[]>();

  /** Every run so far, in the order they ran. */
  get rows(): readonly Row[] {
    return this.#rows;
  }

  /** Runs `spec` against `server` as repetition `rep` of `scenario`, prints it and keeps it. */
  async measure(scenario: string, server: Server, rep: number, spec: RunSpec): Promise<Row> {
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
    this.#rows.push(row);
    const key = `${scenario}/${server.target}`;
    const kept = this.#samples.get(key) ?? [];
    // Enough for a smooth curve without keeping every sample of a 100-person room.
    const stride = Math.max(1, Math.floor(latencies.length / 20_000));
    for (let i = 0; i < latencies.length; i += stride) kept.push(latencies[i] ?? 0);
    this.#samples.set(key, kept);
    const r = row.result;
    log(
      `  ${scenario.padEnd(8)} ${server.target.padEnd(10)} rep ${rep} rooms ${String(spec.rooms).padStart(3)}: p50 ${ms(r.latency.p50)} p99 ${ms(r.latency.p99)} ${Math.round(r.deliveredPerSecond)} frames/s, ${r.serverCpuUsPerFrame.toFixed(1)} µs/frame, lost ${r.lost}${r.saturated ? "  LOAD GENERATOR SATURATED" : ""}`,
    );
    return row;
  }

  /**
   * Measures `spec` on every target in turn, `reps` times, alternating so drift hits all alike.
   * Starts the servers first and stops them all at the end, also on failure.
   */
  async compare(
    scenario: string,
    targets: TargetName[],
    runtime: Runtime,
    vars: Record<string, string>,
    reps: number,
    spec: RunSpec,
  ): Promise<void> {
    const servers: Server[] = [];
    try {
      for (const target of targets) servers.push(await startServer(target, runtime, vars));
      for (let rep = 1; rep <= reps; rep++)
        for (const server of servers) await this.measure(scenario, server, rep, spec);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }

  /** Medians over repetitions of one scenario, per target. */
  summary(scenario: string): Summary {
    const out: Summary = {};
    for (const target of TARGETS) {
      const mine = this.#rows.filter((r) => r.scenario === scenario && r.target === target).map((r) => r.result);
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

  /** One latency curve per target that ran `scenario`, for the chart. */
  curves(scenario: string): Curve[] {
    return TARGETS.flatMap((t) => {
      const s = this.#samples.get(`${scenario}/${t}`);
      return s ? [{ label: t, samples: s }] : [];
    });
  }
}
