/**
 * The modes of `npm run bench` besides the scenarios: a 10 s smoke test that fails on any loss
 * (CI), a long soak that watches memory for a leak, and a CPU profile of the app. Each runs the
 * app alone in bare workerd.
 */
import { runLoad } from "./load.ts";
import { MemorySampler, slope } from "./measure.ts";
import { log, mb, ms } from "./print.ts";
import { profileApp } from "./profile.ts";
import { clean } from "./recorder.ts";
import { saveResults } from "./results.ts";
import { FULL } from "./scenarios.ts";
import { startServer } from "./servers.ts";

/** `rooms` full rooms for `seconds`: loss, and the RSS slope after warm-up. Saved as soak-<time>.json. */
export async function soak(seconds: number, rooms: number): Promise<void> {
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

/** Where the app's CPU goes under `rooms` full rooms for 10 s. Saved as profile-<time>.json. */
export async function profile(rooms: number): Promise<void> {
  const lines = await profileApp(rooms, 10);
  const ours = lines.filter((l) => l.where.startsWith("worker.js"));
  const share = (ls: typeof lines) => ls.reduce((a, l) => a + l.percent, 0).toFixed(1);
  log(`CPU profile of the app, ${rooms} full rooms for 10 s (V8 samples every 0.2 ms)`);
  log(`our code (functions of the bundle): ${share(ours)}% of samples; the rest is the runtime and idle`);
  for (const l of lines.slice(0, 25)) log(`${l.percent.toFixed(1).padStart(6)}%  ${l.name.padEnd(32)} ${l.where}`);
  saveResults("profile", { rooms, lines });
}

/** 10 s of load on the app; throws unless every frame arrived once, in order, with no problems. */
export async function smoke(): Promise<void> {
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
    if (!clean(r) || r.delivered !== expected || Object.keys(r.problems).length > 0) {
      throw new Error(`bench smoke failed: expected ${expected} deliveries with no loss and no problems`);
    }
  } finally {
    await server.stop();
  }
}
