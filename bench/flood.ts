/**
 * `npm run bench -- --flood`: what one hostile client costs. The app's deploy bundle in bare
 * workerd (pinned to one core); a pair types in one room while, in another, a flooder writes
 * frames as fast as TCP takes them. Two kinds of flooder, one after the other:
 * - naive: a `ws` client that answers the room's close like any WebSocket library;
 * - hostile: a raw socket that never reads, so it never answers the close.
 * For each: how long until the room closes it and until its TCP connection is gone, how many
 * frames it wrote meanwhile (an upper bound on what reached the room and was billed), how many
 * were relayed to a witness in its room, and the pair's latency next door, against the same pair
 * with no flood.
 */
import { connect } from "node:net";
import { WebSocket } from "ws";
import { mintRoom, runLoad } from "./load.ts";
import { log, ms } from "./print.ts";
import { saveResults } from "./results.ts";
import { startServer } from "./servers.ts";

interface FloodResult {
  kind: "naive" | "hostile";
  /** From the first frame until the room's close reached the flooder (naive) or its TCP died. */
  closedAfterMs: number;
  /** From the first frame until its TCP connection was gone. */
  cutAfterMs: number;
  framesWritten: number;
  framesRelayed: number;
  pairP50Ms: number;
  pairP99Ms: number;
}

const PAIR = { rooms: 1, people: 2, keysPerSecond: 8, warmupMs: 500 };
/** How long a flooder may go on before the run gives up on it being cut off. */
const GIVE_UP_MS = 20_000;

/** A witness in the flooder's room: counts the keys frames relayed to it. */
async function witness(url: string, room: string): Promise<{ relayed: () => number; close: () => void }> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${room}`, { perMessageDeflate: false });
  let relayed = 0;
  ws.on("message", (data) => {
    relayed += (String(data).match(/"type":"keys"/g) ?? []).length;
  });
  await new Promise<void>((ok, fail) => {
    ws.once("message", () => ok());
    ws.once("error", fail);
  });
  return { relayed: () => relayed, close: () => ws.close() };
}

/**
 * The flooder's frame number `n`: well-formed and sealed-looking (the room cannot tell noise
 * from words it cannot read), with rising numbers, so the room relays every one it lets through.
 */
const NOISE = "x".repeat(42);
const floodFrame = (n: number) => JSON.stringify({ type: "keys", c: NOISE, n });

/** A masked client text frame holding `text` (under 126 bytes). */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

async function naiveFlood(
  url: string,
  room: string,
): Promise<Omit<FloodResult, "kind" | "pairP50Ms" | "pairP99Ms" | "framesRelayed">> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${room}`, { perMessageDeflate: false });
  await new Promise<void>((ok, fail) => {
    ws.once("message", () => ok());
    ws.once("error", fail);
  });
  const started = performance.now();
  let written = 0;
  let closedAt = Number.NaN;
  ws.on("close", () => {
    closedAt = performance.now();
  });
  while (Number.isNaN(closedAt) && performance.now() - started < GIVE_UP_MS) {
    for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++) {
      ws.send(floodFrame(++written));
    }
    await new Promise((ok) => setImmediate(ok));
  }
  return { closedAfterMs: closedAt - started, cutAfterMs: closedAt - started, framesWritten: written };
}

async function hostileFlood(
  url: string,
  room: string,
): Promise<Omit<FloodResult, "kind" | "pairP50Ms" | "pairP99Ms" | "framesRelayed">> {
  const { hostname, port, host } = new URL(url);
  const socket = connect(Number(port), hostname);
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  socket.write(
    `GET ${room} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((ok) => socket.once("data", () => ok()));
  // From here on it never reads: the room's close frame goes unanswered.
  socket.pause();
  const batchFrom = (n: number) => Buffer.concat(Array.from({ length: 200 }, (_, i) => clientFrame(floodFrame(n + i))));
  const started = performance.now();
  let written = 0;
  let cutAt = Number.NaN;
  socket.on("error", () => undefined);
  socket.on("close", () => {
    cutAt = performance.now();
  });
  while (Number.isNaN(cutAt) && performance.now() - started < GIVE_UP_MS) {
    if (socket.write(batchFrom(written + 1))) written += 200;
    else {
      written += 200;
      await new Promise((ok) => setTimeout(ok, 2));
    }
    await new Promise((ok) => setImmediate(ok));
  }
  socket.destroy();
  return { closedAfterMs: Number.NaN, cutAfterMs: cutAt - started, framesWritten: written };
}

export async function flood(): Promise<void> {
  const server = await startServer("app", "workerd");
  try {
    const pair = (measureMs: number) => runLoad({ ...PAIR, url: server.url, serverPid: server.pid, measureMs });
    const calm = await pair(3_000);
    log(`pair with no flood: p50 ${ms(calm.latency.p50)}, p99 ${ms(calm.latency.p99)}`);
    const results: FloodResult[] = [];
    for (const kind of ["naive", "hostile"] as const) {
      const room = await mintRoom(server.url);
      const seen = await witness(server.url, room);
      const during = pair(4_000);
      await new Promise((ok) => setTimeout(ok, PAIR.warmupMs + 500));
      const r = await (kind === "naive" ? naiveFlood(server.url, room) : hostileFlood(server.url, room));
      const load = await during;
      await new Promise((ok) => setTimeout(ok, 500));
      const result: FloodResult = {
        kind,
        ...r,
        framesRelayed: seen.relayed(),
        pairP50Ms: load.latency.p50,
        pairP99Ms: load.latency.p99,
      };
      seen.close();
      results.push(result);
      log(
        `${kind} flooder: cut off after ${ms(result.cutAfterMs)}, having written ${result.framesWritten.toLocaleString("en-US")} frames; ${result.framesRelayed} relayed to its room; the pair next door meanwhile: p50 ${ms(result.pairP50Ms)}, p99 ${ms(result.pairP99Ms)}`,
      );
    }
    saveResults("flood", { calm: { p50: calm.latency.p50, p99: calm.latency.p99 }, results });
  } finally {
    await server.stop();
  }
}
