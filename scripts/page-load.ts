/**
 * The load a full room puts on one page: the others type at the flood guard's sustained rate
 * over plain `ws` sockets while the page notes when each timing token appears in its DOM, how
 * long its main thread is busy and how far apart its animation frames are. Used by
 * `npm run bench:page` (bench/page.ts) and by the browser test of a full room.
 */
import type { Page } from "playwright-core";
import { WebSocket } from "ws";
import { type Percentiles, percentiles } from "../bench/measure.ts";
import { RATE_PER_SECOND } from "../src/flood-guard.ts";
import { parseServerMessage } from "../src/protocol.ts";
import { linkKeyOf, roomKeys, sealKeys } from "../src/room-crypto.ts";
import { personalAddress } from "./people.ts";

/** What typists type between tokens: letters and spaces, as in text. */
const LETTERS = [..."the quick brown fox jumps over a lazy dog "];
/** One frame in this many carries a timing token ("t3n42 ") instead of a letter. */
const TOKEN_EVERY = 10;

export interface PageLoadResult {
  typists: number;
  framesPerSecond: number;
  seconds: number;
  framesReceived: number;
  /** Main-thread busy time per keys frame received, in ms. */
  mainThreadMsPerFrame: number;
  /** Share of wall time the page's main thread was busy. */
  mainThreadBusy: number;
  animationFrameGapMs: Percentiles;
  displayLatencyMs: Percentiles;
  /** Display latency in the last second against the first: above 1 means falling behind. */
  latencyGrowth: number;
  /** Median display latency of each second of the run. */
  latencyBySecondMs: number[];
  tokensShown: number;
  tokensSent: number;
}

/** The page's side of the measurement, installed before the load starts. */
function instrument(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen = new Map<string, number>();
    const gaps: number[] = [];
    let last = performance.now();
    const tick = (t: number) => {
      gaps.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new MutationObserver((records) => {
      const now = performance.timeOrigin + performance.now();
      for (const record of records) {
        const texts =
          record.type === "characterData"
            ? [record.target.textContent ?? ""]
            : [...record.addedNodes].map((n) => n.textContent ?? "");
        for (const text of texts)
          for (const token of text.match(/t\d+n\d+/g) ?? []) if (!seen.has(token)) seen.set(token, now);
      }
    }).observe(document.getElementById("lanes") ?? document.body, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    Object.assign(window, { benchSeen: seen, benchGaps: gaps });
  });
}

/** Runs the load against a page already in `roomUrl`; the room must hold `typists` more people. */
export async function loadPage(
  page: Page,
  roomUrl: string,
  options: { typists: number; seconds: number; framesPerSecond?: number },
): Promise<PageLoadResult> {
  const { typists, seconds } = options;
  const framesPerSecond = options.framesPerSecond ?? RATE_PER_SECOND;
  // The typists hold the link's key, as anyone with the link does, and seal what they type.
  const { hash, pathname } = new URL(roomUrl);
  const linkKey = linkKeyOf(hash);
  if (!linkKey) throw new Error(`${roomUrl} carries no key`);
  const keys = await roomKeys(linkKey, pathname.slice(1));
  const sockets: { ws: WebSocket; id: string; n: number; sending: Promise<void> }[] = [];
  for (let i = 0; i < typists; i++) {
    const ws = new WebSocket(`${roomUrl.replace(/^http/, "ws").split("#")[0]}`, { headers: personalAddress() });
    const id = await new Promise<string>((ok, fail) => {
      ws.once("message", (data) => {
        const [welcome] = parseServerMessage(String(data));
        ok(welcome?.type === "welcome" ? welcome.you.id : "");
      });
      ws.once("error", fail);
    });
    sockets.push({ ws, id, n: 0, sending: Promise.resolve() });
  }
  await page.waitForFunction((n) => document.querySelectorAll(".lane").length === n, typists + 1);
  await instrument(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const taskSeconds = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    return metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
  };
  const sent = new Map<string, number>();
  let frames = 0;
  if (process.env.PROFILE) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  const taskBefore = await taskSeconds();
  const started = Date.now();
  let n = 0;
  // Each typist sends one frame every 1/rate s, staggered, each frame a token the page will show.
  await new Promise<void>((done) => {
    const interval = 1_000 / framesPerSecond;
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed >= seconds * 1_000) {
        clearInterval(timer);
        done();
        return;
      }
      n++;
      for (const [i, typist] of sockets.entries()) {
        // Mostly a letter per frame, as people type; every TOKEN_EVERY-th frame a token to time.
        let text = LETTERS[(n + i) % LETTERS.length] ?? "e";
        if (n % TOKEN_EVERY === i % TOKEN_EVERY) {
          text = `t${i}n${n} `;
          sent.set(`t${i}n${n}`, Date.now());
        }
        const number = ++typist.n;
        const at = Date.now();
        typist.sending = typist.sending.then(async () => {
          const c = await sealKeys(keys, typist.id, number, text);
          typist.ws.send(JSON.stringify({ type: "keys", c, n: number, at }));
        });
        frames++;
      }
    }, interval);
  });
  const wallSeconds = (Date.now() - started) / 1_000;
  if (process.env.PROFILE) {
    const { profile } = await cdp.send("Profiler.stop");
    const self = new Map<string, number>();
    const total = profile.samples?.length ?? 1;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const id of profile.samples ?? []) {
      const node = byId.get(id);
      const key = `${node?.callFrame.functionName || "(anon)"} ${node?.callFrame.url.split("/").pop()}:${node?.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + 1);
    }
    for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(((v / total) * 100).toFixed(1).padStart(5), k);
  }
  // Let what is in flight land, then read the page's notes.
  await page.waitForTimeout(1_000);
  const busySeconds = (await taskSeconds()) - taskBefore;
  const { seen, gaps } = await page.evaluate(() => {
    const w = window as unknown as { benchSeen: Map<string, number>; benchGaps: number[] };
    return { seen: [...w.benchSeen.entries()], gaps: w.benchGaps };
  });
  for (const { ws } of sockets) ws.close();
  const latencies: { at: number; ms: number }[] = [];
  for (const [token, shownAt] of seen) {
    const sentAt = sent.get(token);
    if (sentAt !== undefined) latencies.push({ at: sentAt - started, ms: shownAt - sentAt });
  }
  const window = (from: number, to: number) =>
    percentiles(latencies.filter((l) => l.at >= from && l.at < to).map((l) => l.ms)).p50;
  const framesReceived = frames;
  const perSecond = Array.from({ length: Math.ceil(seconds) }, (_, i) => window(i * 1_000, (i + 1) * 1_000));
  return {
    typists,
    framesPerSecond,
    seconds: wallSeconds,
    framesReceived,
    mainThreadMsPerFrame: (busySeconds * 1_000) / Math.max(1, framesReceived),
    mainThreadBusy: busySeconds / (wallSeconds + 1),
    animationFrameGapMs: percentiles(gaps),
    displayLatencyMs: percentiles(latencies.map((l) => l.ms)),
    latencyGrowth: window((seconds - 1) * 1_000, seconds * 1_000) / Math.max(1, window(0, 1_000)),
    latencyBySecondMs: perSecond,
    tokensShown: latencies.length,
    tokensSent: sent.size,
  };
}
