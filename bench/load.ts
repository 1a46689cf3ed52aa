/**
 * The load generator: R rooms × C people typing K keys/s with human jitter, over real WebSockets
 * with the real protocol. Every `keys` frame says who sent it, its number and when it was sent
 * (inside `text`), so each receiver measures one-way fan-out latency on the sender's clock (one
 * process, one clock) and checks that nothing was lost, duplicated or reordered.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { WebSocket } from "ws";
import { isRecord, ProtocolError, parseClientFrame, parseServerMessage } from "../src/protocol.ts";
import { type RoomKeys, roomKeys, sealKeys } from "../src/room-crypto.ts";
import { type Percentiles, percentiles, treeUsage } from "./measure.ts";

export interface LoadSpec {
  url: string;
  rooms: number;
  /** People per room. */
  people: number;
  /** Keys per second per person (each key is its own frame, as a page sends at ≤ 50 keys/s). */
  keysPerSecond: number;
  warmupMs: number;
  measureMs: number;
  /** The server's process tree, for CPU time per delivered frame. */
  serverPid: number;
  /** How long to wait, at most, for frames still in flight when typing stops. */
  drainMs?: number;
}

export interface LoadResult {
  latency: Percentiles;
  /** Latency samples of the measured window (ms), for charts. */
  samples: Float64Array;
  sent: number;
  delivered: number;
  deliveredPerSecond: number;
  /** WebSocket messages received: fewer than frames when the server batches. */
  messages: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /**
   * Breaks in the app's `seq` (a gap or a step back): frames the server relayed that went
   * missing. `lost` also counts frames the app shed on purpose (stale under overload); with
   * seqErrors at 0, every lost frame was shed, none dropped in transit.
   */
  seqErrors: number;
  welcome: Percentiles;
  /** Sockets the server refused or closed, and error frames, by code. */
  problems: Record<string, number>;
  serverCpuUsPerFrame: number;
  serverCpuPercent: number;
  loadCpuPercent: number;
  loopLagP99Ms: number;
  loopLagMaxMs: number;
  /** From the end of typing to the last frame delivered. */
  drainMs: number;
  /** True when the load generator itself was the bottleneck: the run says nothing about the server. */
  saturated: boolean;
}

const LAG_RESOLUTION_MS = 10;
const REFERENCE_WELCOME = '{"type":"welcome"}';
const CONNECT_TIMEOUT_MS = 15_000;

interface Track {
  next: number;
  missing: Set<number>;
  /** The last `seq` the app gave this sender's frames, to check that it never skips. */
  seq: number;
}

class Person {
  ws: WebSocket | undefined;
  sent = 0;
  readonly tracks = new Map<number, Track>();
  welcomedAt = Number.NaN;
  readonly index: number;
  readonly roomPath: string;
  /** The room's key, as the link would carry it: every frame goes out sealed, as the page's do. */
  readonly keys: Promise<RoomKeys>;
  /** The id the app gave this person (keystrokes are sealed for it); references give none. */
  id = "";
  /** When each of this person's frames was typed, by its `n`: receivers time it by `from` and `n`. */
  readonly sentAt = new Map<number, number>();
  /** Frames go out in order, whatever sealing them takes. */
  sending: Promise<void> = Promise.resolve();

  constructor(index: number, roomPath: string, keys: Promise<RoomKeys>) {
    this.index = index;
    this.roomPath = roomPath;
    this.keys = keys;
  }
}

/** Everything a run counts, shared by all receivers. */
class Tally {
  measureFrom = Number.POSITIVE_INFINITY;
  measureTo = Number.POSITIVE_INFINITY;
  samples: number[] = [];
  delivered = 0;
  deliveredInWindow = 0;
  messages = 0;
  duplicated = 0;
  outOfOrder = 0;
  seqErrors = 0;
  lastDeliveryAt = 0;
  readonly problems: Record<string, number> = {};

  /** Everyone in the run, by the id the app gave them. */
  readonly byId = new Map<string, Person>();

  problem(code: string): void {
    this.problems[code] = (this.problems[code] ?? 0) + 1;
  }

  receive(to: Person, raw: unknown, now: number): void {
    this.messages++;
    const text = String(raw);
    const frames = parseServerMessage(text);
    for (const frame of frames) {
      if (frame.type === "keys") {
        // Sealed words are never opened here: who sent it and its number are in the clear.
        const from = this.byId.get(frame.from);
        if (from) this.#keys(to, from.index, frame.n, frame.seq, from.sentAt.get(frame.n), now);
        else this.problem("unknown_sender");
      } else if (frame.type === "error") this.problem(frame.code);
      else if (frame.type === "welcome") {
        to.welcomedAt = now;
        to.id = frame.you.id;
        this.byId.set(to.id, to);
      }
    }
    if (frames.length > 0) return;
    // The reference relays welcome with a bare {"type":"welcome"} and forward client frames as
    // they are, with the sender's index and send time the load generator adds for them.
    if (text === REFERENCE_WELCOME) {
      to.welcomedAt = now;
      return;
    }
    const relayed = parseClientFrame(text);
    const extra: unknown = JSON.parse(text);
    const i = isRecord(extra) ? extra.i : undefined;
    const t = isRecord(extra) ? extra.t : undefined;
    if (
      !(relayed instanceof ProtocolError) &&
      relayed.type === "keys" &&
      typeof i === "number" &&
      typeof t === "number"
    ) {
      this.#keys(to, i, relayed.n, undefined, t, now);
    } else this.problem("outside_the_protocol");
  }

  /** One keys frame from sender `from` (an index), numbered `n`; `seq` is the app's number, absent from references. */
  #keys(to: Person, from: number, n: number, seq: number | undefined, sentAt: number | undefined, now: number): void {
    if (sentAt === undefined) {
      this.problem("bad_keys");
      return;
    }
    let track = to.tracks.get(from);
    if (!track) {
      track = { next: 1, missing: new Set(), seq: 0 };
      to.tracks.set(from, track);
    }
    // The app numbers each sender's relayed frames 1, 2, 3…: anything else is a relayed frame lost.
    if (seq !== undefined) {
      if (seq !== track.seq + 1) this.seqErrors++;
      track.seq = seq;
    }
    if (n === track.next) track.next++;
    else if (n > track.next) {
      for (let k = track.next; k < n; k++) track.missing.add(k);
      track.next = n + 1;
    } else if (track.missing.delete(n)) this.outOfOrder++;
    else this.duplicated++;
    this.delivered++;
    this.lastDeliveryAt = now;
    if (sentAt >= this.measureFrom && sentAt < this.measureTo) this.samples.push(now - sentAt);
    if (now >= this.measureFrom && now < this.measureTo) this.deliveredInWindow++;
  }
}

export async function mintRoom(url: string): Promise<string> {
  const res = await fetch(`${url}/`, { redirect: "manual" });
  const location = res.headers.get("Location");
  if (res.status !== 303 || !location) throw new Error(`GET / answered ${res.status}, not a 303 to a room`);
  return new URL(location, url).pathname;
}

/** Opens one person's socket; resolves at `welcome`, rejects if the server refuses or closes it. */
function connect(url: string, person: Person, tally: Tally): Promise<number> {
  const started = performance.now();
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}${person.roomPath}`, { perMessageDeflate: false });
  person.ws = ws;
  person.welcomedAt = Number.NaN;
  return new Promise((ok, fail) => {
    // Bounded: a handshake that neither completes nor fails must not stall the run.
    const timer = setTimeout(() => {
      ws.terminate();
      fail(new Error(`no welcome within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    ws.on("message", (data) => {
      const now = performance.now();
      const wasWelcomed = !Number.isNaN(person.welcomedAt);
      tally.receive(person, data, now);
      if (!wasWelcomed && !Number.isNaN(person.welcomedAt)) {
        clearTimeout(timer);
        ok(person.welcomedAt - started);
      }
    });
    ws.on("close", (code) => {
      clearTimeout(timer);
      if (Number.isNaN(person.welcomedAt)) fail(new Error(`closed with ${code} before welcome`));
    });
    ws.on("error", (error) => {
      clearTimeout(timer);
      tally.problem("socket_error");
      fail(error);
    });
  });
}

/** Connects many at once, at most `concurrency` handshakes in flight; returns connect-to-welcome times. */
async function connectAll(url: string, people: Person[], tally: Tally, concurrency = 64): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < people.length) {
      const person = people[next++];
      if (person) times.push(await connect(url, person, tally));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, people.length) }, worker));
  return times;
}

async function closeAll(people: Person[]): Promise<void> {
  await Promise.all(
    people.map(
      (p) =>
        new Promise<void>((ok) => {
          const ws = p.ws;
          if (!ws || ws.readyState === WebSocket.CLOSED) return ok();
          const timer = setTimeout(() => {
            ws.terminate();
            ok();
          }, 3_000);
          ws.once("close", () => {
            clearTimeout(timer);
            ok();
          });
          ws.close(1000);
        }),
    ),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const tally = new Tally();
  const people: Person[] = [];
  for (let r = 0; r < spec.rooms; r++) {
    const roomPath = await mintRoom(spec.url);
    const keys = roomKeys(crypto.getRandomValues(new Uint8Array(16)), roomPath.slice(1));
    for (let c = 0; c < spec.people; c++) people.push(new Person(people.length, roomPath, keys));
  }
  try {
    const welcome = percentiles(await connectAll(spec.url, people, tally));

    // Typing: each person keeps their own rhythm, ±50% around the mean gap, from a random phase.
    const start = performance.now();
    const stopAt = start + spec.warmupMs + spec.measureMs;
    tally.measureFrom = start + spec.warmupMs;
    tally.measureTo = stopAt;
    const meanGap = 1000 / spec.keysPerSecond;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const type = (person: Person) => {
      const now = performance.now();
      if (now >= stopAt) return;
      const n = ++person.sent;
      // `at` as the page sends it, so the app can shed what a backlog made stale. Sealed as the
      // page seals it; `i` and `t` only for the references, which relay frames as they are.
      const at = Math.round(performance.timeOrigin + now);
      person.sending = person.sending.then(async () => {
        const c = await sealKeys(await person.keys, person.id, n, "x");
        // Latency counts from here: what the room and the network add. Sealing is the page's
        // cost, measured where the page runs (npm run bench:crypto), not Node's here.
        const sentAt = performance.now();
        person.sentAt.set(n, sentAt);
        person.ws?.send(JSON.stringify({ type: "keys", c, n, at, i: person.index, t: sentAt }));
      });
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          type(person);
        },
        meanGap * (0.5 + Math.random()),
      );
      timers.add(timer);
    };
    for (const person of people) {
      const timer = setTimeout(() => type(person), Math.random() * meanGap);
      timers.add(timer);
    }

    await sleep(spec.warmupMs);
    const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    lag.enable();
    const cpuBefore = process.cpuUsage();
    const serverBefore = treeUsage(spec.serverPid);
    const deliveredBefore = tally.delivered;
    await sleep(spec.measureMs);
    const serverAfter = treeUsage(spec.serverPid);
    const deliveredInWindow = tally.delivered - deliveredBefore;
    const cpu = process.cpuUsage(cpuBefore);
    lag.disable();
    for (const timer of timers) clearTimeout(timer);

    // Drain: wait for frames still in flight, until none has arrived for 500 ms.
    const typingEnded = performance.now();
    const drainLimit = typingEnded + (spec.drainMs ?? 10_000);
    let lastSeen = tally.delivered;
    let quietSince = performance.now();
    while (performance.now() < drainLimit && performance.now() - quietSince < 500) {
      await sleep(50);
      if (tally.delivered !== lastSeen) {
        lastSeen = tally.delivered;
        quietSince = performance.now();
      }
    }

    let lost = 0;
    for (const receiver of people) {
      for (const sender of people) {
        if (sender === receiver || sender.roomPath !== receiver.roomPath) continue;
        const track = receiver.tracks.get(sender.index);
        lost += track ? track.missing.size + (sender.sent + 1 - track.next) : sender.sent;
      }
    }
    const measureSeconds = spec.measureMs / 1000;
    const loadCpuPercent = ((cpu.user + cpu.system) / 1000 / spec.measureMs) * 100;
    // The histogram holds whole timer periods: what exceeds the period is the lag.
    const loopLagP99Ms = Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
    return {
      latency: percentiles(tally.samples),
      samples: Float64Array.from(tally.samples),
      sent: people.reduce((a, p) => a + p.sent, 0),
      delivered: tally.delivered,
      deliveredPerSecond: deliveredInWindow / measureSeconds,
      messages: tally.messages,
      lost,
      duplicated: tally.duplicated,
      outOfOrder: tally.outOfOrder,
      seqErrors: tally.seqErrors,
      welcome,
      problems: tally.problems,
      serverCpuUsPerFrame: ((serverAfter.cpuMs - serverBefore.cpuMs) * 1000) / Math.max(1, deliveredInWindow),
      serverCpuPercent: ((serverAfter.cpuMs - serverBefore.cpuMs) / spec.measureMs) * 100,
      loadCpuPercent,
      loopLagP99Ms,
      loopLagMaxMs: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
      drainMs: Math.max(0, tally.lastDeliveryAt - typingEnded),
      // A load generator over ~90% of its core, or late by >20 ms, measures itself.
      saturated: loadCpuPercent > 90 || loopLagP99Ms > 20,
    };
  } finally {
    await closeAll(people);
  }
}

export interface StormResult {
  sockets: number;
  /** From the moment every socket dropped until the last one was welcomed again. */
  allBackMs: number;
  welcome: Percentiles;
  /** Reconnect attempts the server refused (room still full of the dropped sockets, errors). */
  retries: number;
}

/**
 * A reconnect storm, as after a deploy: `sockets` people in rooms of `people` all lose their
 * connection at once and reconnect at once, retrying refusals after 250–500 ms as the page does.
 */
export async function reconnectStorm(url: string, sockets: number, people: number): Promise<StormResult> {
  const tally = new Tally();
  const all: Person[] = [];
  while (all.length < sockets) {
    const roomPath = await mintRoom(url);
    const keys = roomKeys(crypto.getRandomValues(new Uint8Array(16)), roomPath.slice(1));
    for (let c = 0; c < people && all.length < sockets; c++) all.push(new Person(all.length, roomPath, keys));
  }
  try {
    await connectAll(url, all, tally);
    const dropped = performance.now();
    for (const p of all) p.ws?.terminate();
    let retries = 0;
    const times = await Promise.all(
      all.map(async (p) => {
        for (;;) {
          try {
            await connect(url, p, tally);
            return performance.now() - dropped;
          } catch {
            retries++;
            if (performance.now() - dropped > 60_000) throw new Error("reconnect storm: not back within 60 s");
            await sleep(250 + Math.random() * 250);
          }
        }
      }),
    );
    return { sockets, allBackMs: Math.max(...times), welcome: percentiles(times), retries };
  } finally {
    await closeAll(all);
  }
}
