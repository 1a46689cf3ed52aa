/**
 * Test helpers: real WebSockets through the real Worker, inside workerd, and a small encrypting
 * client, so every room test talks in real ciphertext like the page (src/room-crypto.ts). Tests
 * write and read plain words; what crosses the wire is sealed. Every wait rejects on a timeout
 * instead of hanging, and every frame the server sends is checked against the protocol.
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
  type User,
} from "../src/protocol.ts";
import { openKeys, openName, type RoomKeys, roomKeys, sealKeys, sealName } from "../src/room-crypto.ts";

export const ORIGIN = "https://phantachat.test";

/** Asks the Worker for a new room the way a browser does (GET /), and returns its id. */
export async function mintRoom(): Promise<string> {
  const res = await exports.default.fetch(`${ORIGIN}/`, { redirect: "manual" });
  const location = res.headers.get("Location");
  if (res.status !== 303 || !location?.startsWith("/") || !location.endsWith("#new")) {
    throw new Error(`GET / gave ${res.status} ${location}`);
  }
  return location.slice(1, -"#new".length);
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

/** Every room's link key, shared by everyone the tests put in it (as a shared link would). */
const linkKeys = new Map<string, Promise<RoomKeys>>();

/** The keys of `room` (a room id, maybe followed by a query). */
export function keysOf(room: string): Promise<RoomKeys> {
  const id = room.split("?")[0] ?? room;
  let keys = linkKeys.get(id);
  if (!keys) {
    keys = roomKeys(crypto.getRandomValues(new Uint8Array(16)), id);
    linkKeys.set(id, keys);
  }
  return keys;
}

/** What a test sends: the page's frames with words and names in the clear, sealed on their way out. */
export type PlainClientFrame =
  | { type: "keys"; text: string; n?: number; at?: number; ack?: true }
  | { type: "name"; name: string }
  | Extract<ClientFrame, { type: "away" }>;

/** What a test reads: the server's frames, with words opened and names opened (or "" for none). */
export type PlainFrame = ServerFrame extends infer F
  ? F extends { type: "keys" }
    ? { type: "keys"; from: string; text: string; seq: number; n: number }
    : F
  : never;

/** A person in a room, as seen from their socket. */
export class Peer {
  readonly #inbox: (string | ArrayBuffer)[] = [];
  /** Frames of a batch message not yet read. */
  readonly #unread: ServerFrame[] = [];
  readonly #keys: RoomKeys;
  /** This person's id, once welcomed: keystrokes are sealed for it. */
  id = "";
  #n = 0;
  /** Sends go out in order, whatever sealing them takes. */
  #sending: Promise<void> = Promise.resolve();
  /** How many batch messages arrived (a busy room coalesces frames per recipient). */
  batches = 0;
  #waiter: (() => void) | undefined;
  #closed: { code: number; reason: string } | undefined;
  #closeWaiter: (() => void) | undefined;

  readonly ws: WebSocket;

  constructor(ws: WebSocket, keys: RoomKeys) {
    this.ws = ws;
    this.#keys = keys;
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

  /**
   * Sends a frame, sealing its words or name as the page does (keystrokes numbered 1, 2, 3…
   * unless `n` is given), or raw text/bytes for the bad-input tests. In order, always.
   */
  send(frame: PlainClientFrame | string | ArrayBuffer): void {
    this.#sending = this.#sending.then(async () => {
      this.ws.send(typeof frame === "string" || frame instanceof ArrayBuffer ? frame : await this.#seal(frame));
    });
  }

  /** Resolves once everything sent so far is on the wire. */
  sent(): Promise<void> {
    return this.#sending;
  }

  async #seal(frame: PlainClientFrame): Promise<string> {
    switch (frame.type) {
      case "keys": {
        const n = frame.n ?? ++this.#n;
        this.#n = Math.max(this.#n, n);
        const c = await sealKeys(this.#keys, this.id, n, frame.text);
        const { at, ack } = frame;
        return encodeClientFrame({ type: "keys", c, n, ...(at === undefined ? {} : { at }), ...(ack ? { ack } : {}) });
      }
      case "name":
        return encodeClientFrame({ type: "name", c: await sealName(this.#keys, frame.name) });
      default:
        return encodeClientFrame(frame);
    }
  }

  /** A sealed name, for URLs (`?name=`). */
  sealName(name: string): Promise<string> {
    return sealName(this.#keys, name);
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

  /** The next frame, which must be a well-formed server frame, with its words and names opened. */
  async next(timeoutMs?: number): Promise<PlainFrame> {
    return this.#open(await this.#nextSealed(timeoutMs));
  }

  async #nextSealed(timeoutMs?: number): Promise<ServerFrame> {
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

  /** Opens what the room relayed sealed; anything that does not open is a test failure. */
  async #open(frame: ServerFrame): Promise<PlainFrame> {
    const user = async (u: User): Promise<User> => ({
      id: u.id,
      name: u.name === "" ? "" : await this.#openName(u.name),
    });
    switch (frame.type) {
      case "keys": {
        const opened = await openKeys(this.#keys, frame.from, frame.c);
        if (!opened || opened.n !== frame.n) throw new Error(`keys frame did not open: ${JSON.stringify(frame)}`);
        return { type: "keys", from: frame.from, text: opened.text, seq: frame.seq, n: frame.n };
      }
      case "welcome": {
        const peers = await Promise.all(frame.peers.map(async (p) => ({ ...(await user(p)), away: p.away })));
        const you = await user(frame.you);
        this.id = you.id;
        return { ...frame, you, peers };
      }
      case "join":
      case "leave":
      case "name":
      case "away":
        return { ...frame, user: await user(frame.user) };
      default:
        return frame;
    }
  }

  async #openName(sealed: string): Promise<string> {
    const name = await openName(this.#keys, sealed);
    if (name === null) throw new Error(`name did not open: ${sealed}`);
    return name;
  }

  /** The next frame, which must be of type `type`. */
  async expect<T extends PlainFrame["type"]>(type: T, timeoutMs?: number): Promise<Extract<PlainFrame, { type: T }>> {
    const frame = await this.next(timeoutMs);
    if (!isOfType(frame, type)) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame;
  }

  /** The next frame as the room sent it, sealed: what the room (or anyone on the wire) sees. */
  async nextSealed(timeoutMs?: number): Promise<ServerFrame> {
    return this.#nextSealed(timeoutMs);
  }

  /** Skips frames of other types until one of type `type` arrives. */
  async until<T extends PlainFrame["type"]>(type: T, timeoutMs = 2_000): Promise<Extract<PlainFrame, { type: T }>> {
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

/** Joins `room` and reads the welcome; returns the peer and its welcome frame (names opened). */
export async function join(room: string, headers?: Record<string, string>) {
  const res = await upgrade(room, headers);
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade gave ${res.status}`);
  const peer = new Peer(res.webSocket, await keysOf(room));
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

function isOfType<T extends PlainFrame["type"]>(frame: PlainFrame, type: T): frame is Extract<PlainFrame, { type: T }> {
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
