/**
 * Measuring without touching the server: CPU time and memory of a process tree from /proc
 * (Linux), and percentiles of latency samples.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface TreeUsage {
  /** User + system CPU time of the whole tree so far, in ms. */
  cpuMs: number;
  rssBytes: number;
}

/** CPU and resident memory of `root` and all its descendants (wrangler dev runs workerd as a child). */
export function treeUsage(root: number): TreeUsage {
  const stats = new Map<number, { ppid: number; cpuTicks: number; rssPages: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may contain spaces and parentheses: fields start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        cpuTicks: Number(fields[11]) + Number(fields[12]),
        rssPages: Number(fields[21]),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!inTree.has(pid) && inTree.has(s.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let cpuTicks = 0;
  let rssPages = 0;
  for (const pid of inTree) {
    const s = stats.get(pid);
    if (!s) continue;
    cpuTicks += s.cpuTicks;
    rssPages += s.rssPages;
  }
  return { cpuMs: (cpuTicks * 1000) / TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES };
}

/** Samples a tree's memory every `everyMs` until stopped: peak RSS and the series for slopes. */
export class MemorySampler {
  readonly series: { atMs: number; rssBytes: number }[] = [];
  #timer: ReturnType<typeof setInterval>;
  readonly #start = performance.now();
  readonly pid: number;

  constructor(pid: number, everyMs = 250) {
    this.pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  #sample(): void {
    this.series.push({ atMs: performance.now() - this.#start, rssBytes: treeUsage(this.pid).rssBytes });
  }

  stop(): { peakBytes: number; series: { atMs: number; rssBytes: number }[] } {
    clearInterval(this.#timer);
    this.#sample();
    return { peakBytes: Math.max(...this.series.map((s) => s.rssBytes)), series: this.series };
  }
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; NaN everywhere when there are no samples. */
export function percentiles(samples: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length === 0 ? Number.NaN : (sorted[Math.ceil(q * sorted.length) - 1] ?? Number.NaN);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
