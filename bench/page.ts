/**
 * `npm run bench:page`: can the page keep up with a full room? One page in real Chromium, in a
 * room of MAX_PEERS (16) where the 15 others type at the flood guard's sustained rate (40 frames/s
 * each, 600 frames/s in all), for 10 s, under `wrangler dev`. It measures:
 * - the page's main-thread time per received keys frame (CDP TaskDuration ÷ frames);
 * - the gaps between animation frames (p50/p95/max): 16.7 ms is a page that keeps up;
 * - display latency: from a typist sending a token to the page's DOM showing it, on one clock.
 *   A page that falls behind shows it here first, growing for as long as the load lasts.
 * The load itself is scripts/page-load.ts, which the browser test of a full room runs too.
 */
import type { Browser } from "playwright-core";
import { launchBrowser } from "../scripts/browser.ts";
import { startDevServer } from "../scripts/dev-server.ts";
import { loadPage } from "../scripts/page-load.ts";
import { newRoomUrl, personalAddress, waitConnected } from "../scripts/people.ts";

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const server = await startDevServer({ MAX_PEERS: "16", FADE_MS: "5000", ROOM_SECRET: "bench-page-secret-0123" });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const url = await newRoomUrl(server.url);
    const context = await browser.newContext({
      extraHTTPHeaders: personalAddress(),
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    if (process.env.REDUCED_MOTION) await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(url);
    await waitConnected(page);
    const r = await loadPage(page, url, { typists: 15, seconds });
    const f = (v: number) => v.toFixed(1);
    console.log(
      [
        `page under a full room: ${r.typists} typists × ${r.framesPerSecond} frames/s for ${f(r.seconds)} s (${r.framesReceived} frames)`,
        `main thread: ${r.mainThreadMsPerFrame.toFixed(2)} ms per frame, busy ${(r.mainThreadBusy * 100).toFixed(0)}% of the time`,
        `animation frame gaps: p50 ${f(r.animationFrameGapMs.p50)} ms, p95 ${f(r.animationFrameGapMs.p95)} ms, max ${f(r.animationFrameGapMs.max)} ms`,
        `display latency (typist → page DOM): p50 ${f(r.displayLatencyMs.p50)} ms, p95 ${f(r.displayLatencyMs.p95)} ms, p99 ${f(r.displayLatencyMs.p99)} ms; last second ÷ first ${r.latencyGrowth.toFixed(2)}×`,
        `display latency by second (p50, ms): ${r.latencyBySecondMs.map((v) => v.toFixed(0)).join(" ")}`,
        `tokens shown ${r.tokensShown} of ${r.tokensSent}`,
      ].join("\n"),
    );
  } finally {
    await browser?.close();
    await server.stop();
  }
}

if (import.meta.main) await main();
