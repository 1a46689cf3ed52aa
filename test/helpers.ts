/**
 * Test helpers: real WebSockets through the real Worker, inside workerd. Every wait rejects on a
 * timeout instead of hanging, and every frame the server sends is checked against the protocol.
 */
import { exports } from "cloudflare:workers";
import {
  type ClientFrame,
  encodeClientFrame,
  PING,
  PONG,
  type ServerFrame,
  splitServerMessage,
  toServerFrame,
} from "../src/protocol.ts";

export const ORIGIN = "https://phantachat.test";

/** Asks the Worker for a new room the way a browser does (GET /), and returns its id. */
export async function mintRoom(): Promise<string> {
  const res = await exports.default.fetch(`${ORIGIN}/`, { redirect: "manual" });
  const location = res.headers.get("Location");
  if (res.status !== 303 || !location?.startsWith("/")) throw new Error(`GET / gave ${res.status} ${location}`);
  return location.slice(1);
}

/** The headers of a real WebSocket handshake (RFC 6455 §4.1), with a fresh key. */
export function handshakeHeaders(): Record<string, string> {
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  return { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13" };
}

/** Opens a WebSocket to `/<room>` through the Worker; resolves with the HTTP response. */
export function upgrade(room: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}/${room}`, { headers: { ...handshakeHeaders(), ...headers } });
}

/** A person in a room, as seen from their socket. */
export class Peer {
  readonly #inbox: (string | ArrayBuffer)[] = [];
  /** Frames of a batch message not yet read. */
  readonly #unread: ServerFrame[] = [];
  /** How many batch messages arrived (a busy room coalesces frames per recipient). */
  batches = 0;
  #waiter: (() => void) | undefined;
  #closed: { code: number; reason: string } | undefined;
  #closeWaiter: (() => void) | undefined;

  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (event) => {
      this.#inbox.push(event.data);
      this.#waiter?.();
    });
    ws.addEventListener("close", (event) => {
      this.#closed = { code: event.code, reason: event.reason };
      this.#closeWaiter?.();
      this.#waiter?.();
    });
    ws.accept();
  }

  /** Sends a protocol frame, or raw text/bytes for the bad-input tests. */
  send(frame: ClientFrame | string | ArrayBuffer): void {
    this.ws.send(typeof frame === "string" || frame instanceof ArrayBuffer ? frame : encodeClientFrame(frame));
  }

  /** The next raw message, in order. */
  async nextRaw(timeoutMs = 2_000): Promise<string | ArrayBuffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inbox.length === 0) {
      if (this.#closed) throw new Error(`socket closed (${this.#closed.code}) while waiting for a message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
    const message = this.#inbox.shift();
    if (message === undefined) throw new Error("inbox emptied under us");
    return message;
  }

  /** The next frame, which must be a well-formed server frame. */
  async next(timeoutMs?: number): Promise<ServerFrame> {
    const unread = this.#unread.shift();
    if (unread) return unread;
    let raw = await this.nextRaw(timeoutMs);
    // Heartbeat replies are not frames (heartbeat() sends pings without reading them).
    while (raw === PONG) raw = await this.nextRaw(timeoutMs);
    // Every frame must be well-formed, and a batch must hold more than one.
    const split = splitServerMessage(raw);
    const frames = split?.items.map(toServerFrame) ?? [];
    const [first, ...rest] = frames;
    if (!split || !first || frames.some((f) => f === null) || (split.batch && frames.length < 2)) {
      throw new Error(`server sent a message outside the protocol: ${String(raw)}`);
    }
    if (split.batch) this.batches++;
    for (const frame of rest) if (frame) this.#unread.push(frame);
    return first;
  }

  /** The next frame, which must be of type `type`. */
  async expect<T extends ServerFrame["type"]>(type: T, timeoutMs?: number): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next(timeoutMs);
    if (!isOfType(frame, type)) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Skips frames of other types until one of type `type` arrives. */
  async until<T extends ServerFrame["type"]>(type: T, timeoutMs = 2_000): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (isOfType(frame, type)) return frame;
    }
  }

  /** Resolves if nothing arrives for `ms`; rejects with what arrived otherwise. */
  async expectSilence(ms = 200): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const unread = this.#unread[0] ? JSON.stringify(this.#unread[0]) : this.#inbox.find((m) => m !== PONG);
    if (unread !== undefined) throw new Error(`expected silence, got ${String(unread)}`);
  }

  /** Messages and batched frames already received and not yet read. */
  pending(): number {
    return this.#inbox.length + this.#unread.length;
  }

  /** Waits for the server to close this socket and returns its code and reason. */
  async closed(timeoutMs = 2_000): Promise<{ code: number; reason: string }> {
    if (!this.#closed) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`socket not closed within ${timeoutMs} ms`)), timeoutMs);
        this.#closeWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (!this.#closed) throw new Error("close event without a code");
    return this.#closed;
  }

  close(code = 1000): void {
    this.ws.close(code, "test done");
  }
}

/** Joins `room` and reads the welcome; returns the peer and its welcome frame. */
export async function join(room: string, headers?: Record<string, string>) {
  const res = await upgrade(room, headers);
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade gave ${res.status}`);
  const peer = new Peer(res.webSocket);
  const welcome = await peer.expect("welcome");
  return { peer, welcome };
}

/** Joins `n` people one after another, each reading the joins of those who come later. */
export async function joinMany(room: string, n: number) {
  const people: Awaited<ReturnType<typeof join>>[] = [];
  for (let i = 0; i < n; i++) {
    const person = await join(room);
    for (const earlier of people) await earlier.peer.expect("join");
    people.push(person);
  }
  return people;
}

function isOfType<T extends ServerFrame["type"]>(
  frame: ServerFrame,
  type: T,
): frame is Extract<ServerFrame, { type: T }> {
  return frame.type === type;
}

/**
 * Pings every 300 ms until stopped, like the page's heartbeat. The pongs stay in the inbox for
 * nextRaw(); next() and expectSilence() pass over them.
 */
export function heartbeat(peer: Peer): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      peer.send(PING);
      await sleep(300);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
