/**
 * What `npm run bench` prints: number formats, the terminal table of a scenario's medians, and the
 * rows of the README's Performance table (markdown). "–" stands for a number a run did not give.
 */
import type { Summary, TargetSummary } from "./results.ts";
import type { TargetName } from "./servers.ts";

/** One line to stdout, as the run goes. */
export const log = (line: string) => process.stdout.write(`${line}\n`);

export const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");
export const ms = (v: number) => (Number.isNaN(v) ? "–" : v < 10 ? `${v.toFixed(2)} ms` : `${Math.round(v)} ms`);
export const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
export const us = (v: number) => (Number.isNaN(v) ? "–" : `${Math.round(v)} µs`);
export const count = (v: number) => (Number.isNaN(v) ? "–" : Math.round(v).toLocaleString("en-US"));

/** The app's median over a reference's (the bare DO relay unless `over` says otherwise). */
export function ratio(s: Summary, key: keyof TargetSummary, over: TargetName = "do-relay"): number {
  return (s.app?.[key] ?? Number.NaN) / (s[over]?.[key] ?? Number.NaN);
}

/** Prints a scenario's medians, one line per target. */
export function printTable(title: string, s: Summary): void {
  log(`\n${title}`);
  log(
    "target      p50       p95       p99       max       frames/s  µs/frame  peak RSS  welcome p50/p99   bad  loadgen CPU/lag p99",
  );
  for (const [target, v] of Object.entries(s)) {
    const cells = [
      target.padEnd(10),
      ms(v.p50).padEnd(9),
      ms(v.p95).padEnd(9),
      ms(v.p99).padEnd(9),
      ms(v.max).padEnd(9),
      String(Math.round(v.framesPerSecond)).padEnd(9),
      v.cpuUsPerFrame.toFixed(1).padEnd(9),
      `${Math.round(v.peakRssMb)} MB`.padEnd(9),
      `${ms(v.welcomeP50)} / ${ms(v.welcomeP99)}`.padEnd(17),
      String(v.lost).padEnd(4),
      `${Math.round(v.loadCpuPercent)}% / ${ms(v.loopLagP99)}${v.saturatedRuns ? " SATURATED" : ""}`,
    ];
    log(cells.join(" "));
  }
}

/** The head of the README's Performance table. */
export const MARKDOWN_HEAD = [
  "| scenario | measure | app | bare DO relay | Node `ws` relay | app ÷ DO relay | target |",
  "| --- | --- | --- | --- | --- | --- | --- |",
];

/** A row of the Performance table: one median of each target, and the app's ratio to the DO relay. */
export function markdownRow(
  scenario: string,
  measure: string,
  s: Summary,
  key: keyof TargetSummary,
  fmt: (v: number) => string,
  target = "",
): string {
  return `| ${scenario} | ${measure} | ${fmt(s.app?.[key] ?? Number.NaN)} | ${fmt(s["do-relay"]?.[key] ?? Number.NaN)} | ${fmt(s["node-relay"]?.[key] ?? Number.NaN)} | ${times(ratio(s, key))} | ${target} |`;
}
