/**
 * `npm run bench:crypto`: what end-to-end encryption costs a keystroke, in real Chromium, with
 * the very module the page uses (src/room-crypto.ts, bundled by esbuild). Per keystroke, one at
 * a time and awaited, as the page does them:
 * - seal: the sender's side (AES-GCM encrypt, base64url, the frame's JSON);
 * - open: a receiver's side (JSON, base64url, AES-GCM decrypt and authenticate, replay guard);
 * both at full speed and under 4× CPU throttling (a mid-range phone), p50 and p99, beside the
 * floor: one WebCrypto call that does next to nothing (the async round trip alone). And the bytes
 * a keystroke frame takes on the wire, before encryption (protocol 1) and after (protocol 2).
 *
 * The page is served cross-origin isolated so that performance.now() has 5 µs resolution rather
 * than 100 µs; it is served by Playwright itself (no server), from localhost: a secure context.
 */
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { launchBrowser } from "../scripts/browser.ts";

/** What the bundle leaves on the benchmark page's window. */
type Bundle = typeof import("../src/room-crypto.ts") &
  Pick<typeof import("../src/protocol.ts"), "encodeClientFrame" | "parseServerMessage">;
declare global {
  interface Window {
    rc: Bundle;
  }
}

const ORIGIN = "http://localhost:8799";
const KEYSTROKES = 2_000;
const WARMUP = 300;

/** What a benchmark page runs: timings in ms for `count` keystrokes sealed and opened in turn. */
interface Timings {
  seal: number[];
  open: number[];
  /** The floor: one WebCrypto call that does next to nothing (SHA-256 of one byte). */
  floor: number[];
  isolated: boolean;
}

async function bundle(): Promise<string> {
  const out = await build({
    stdin: {
      contents: `export * from "./src/room-crypto.ts"; export { encodeClientFrame, parseServerMessage } from "./src/protocol.ts";`,
      resolveDir: process.cwd(),
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    globalName: "rc",
    target: "es2022",
    write: false,
    logLevel: "warning",
  });
  return out.outputFiles[0]?.text ?? "";
}

/** Runs in the page: `count` keystrokes of `text`, each sealed into a frame, then opened from the room's copy. */
async function keystrokes(args: { count: number; warmup: number; text: string }): Promise<Timings> {
  const rc = window.rc;
  const keys = await rc.roomKeys(rc.fromBase64url(rc.newLinkKey()) ?? new Uint8Array(16), "bench");
  const guard = new rc.KeysReplayGuard();
  const seal: number[] = [];
  const open: number[] = [];
  const floor: number[] = [];
  const oneByte = new Uint8Array(1);
  for (let n = 1; n <= args.count + args.warmup; n++) {
    const t0 = performance.now();
    const c = await rc.sealKeys(keys, "sender", n, args.text);
    const sent = rc.encodeClientFrame({ type: "keys", c, n, at: Date.now(), ack: true });
    const t1 = performance.now();
    // What the room relays for it: the same sealed text, with the sender and a seq.
    const relayed = sent.replace('"type":"keys",', '"type":"keys","from":"sender","seq":1,');
    const t2 = performance.now();
    const [frame] = rc.parseServerMessage(relayed);
    if (frame?.type !== "keys") throw new Error(`not a keys frame: ${relayed}`);
    const said = await rc.openKeys(keys, frame.from, frame.c);
    if (!said || said.text !== args.text || !guard.accept(frame.from, said.n)) throw new Error("did not open");
    const t3 = performance.now();
    await crypto.subtle.digest("SHA-256", oneByte);
    const t4 = performance.now();
    if (n > args.warmup) {
      seal.push(t1 - t0);
      open.push(t3 - t2);
      floor.push(t4 - t3);
    }
  }
  return { seal, open, floor, isolated: crossOriginIsolated };
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

async function measure(page: Page, label: string): Promise<void> {
  const t = await page.evaluate(keystrokes, { count: KEYSTROKES, warmup: WARMUP, text: "h" });
  if (!t.isolated) throw new Error("the page is not cross-origin isolated: timings would be 100 µs coarse");
  const both = t.seal.map((s, i) => s + (t.open[i] ?? 0));
  const line = (name: string, v: number[]) =>
    `  ${name.padEnd(14)} p50 ${us(quantile(v, 0.5)).padStart(7)}   p99 ${us(quantile(v, 0.99)).padStart(7)}`;
  console.log(`${label} (${KEYSTROKES} keystrokes, one at a time):`);
  console.log(
    [line("seal", t.seal), line("open", t.open), line("seal + open", both), line("(floor)", t.floor)].join("\n"),
  );
}

/** Bytes of a keystroke frame of `text`, client → room and room → others, in protocol 1 and 2. */
async function frameSizes(page: Page, text: string): Promise<string> {
  return page.evaluate(async (typed) => {
    const rc = window.rc;
    const keys = await rc.roomKeys(rc.fromBase64url(rc.newLinkKey()) ?? new Uint8Array(16), "bench");
    const from = "k3J9xQ2bLm";
    const at = Date.now();
    const c = await rc.sealKeys(keys, from, 1234, typed);
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;
    const v1Up = bytes({ type: "keys", text: typed, n: 1234, at, ack: true });
    const v2Up = bytes({ type: "keys", c, n: 1234, at, ack: true });
    const v1Down = bytes({ type: "keys", from, text: typed, seq: 5678, n: 1234 });
    const v2Down = bytes({ type: "keys", from, c, seq: 5678, n: 1234 });
    const what = typed.length > 10 ? `${typed.length} letters` : JSON.stringify(typed);
    return `  ${what.padEnd(12)} to the room ${v1Up} B → ${v2Up} B; to each other ${v1Down} B → ${v2Down} B`;
  }, text);
}

async function main(): Promise<void> {
  const script = await bundle();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) =>
      route.fulfill({
        contentType: "text/html",
        headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" },
        body: "<!doctype html><title>crypto bench</title>",
      }),
    );
    await page.goto(`${ORIGIN}/`);
    await page.addScriptTag({ content: script });
    console.log(`end-to-end encryption per keystroke in Chromium (${await browser.version()})`);
    await measure(page, "full speed");
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await measure(page, "4× CPU throttling");
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    console.log("keystroke frame size, protocol 1 (clear) → protocol 2 (sealed):");
    for (const text of ["h", "hello wo", "x".repeat(64)]) console.log(await frameSizes(page, text));
  } finally {
    await browser.close();
  }
}

if (import.meta.main) await main();
