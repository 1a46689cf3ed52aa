/**
 * The page's link to its room: a WebSocket that reconnects by itself, with a heartbeat.
 *
 * It reconnects after any close it did not choose: a dead network (1006), a restart or deploy,
 * a clean close from the server. It uses capped exponential backoff with jitter, and it gives up
 * only on final answers: the room is full, unknown (404) or vanished (410). Keystrokes typed
 * while it is down wait at most as long as they would stay on screen. Anything older would
 * arrive after it had already vanished, so it is never sent.
 */
import { type ClientFrame, encodeClientFrame, PING, PONG, parseServerMessage, type ServerFrame } from "../protocol.ts";

export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "open" }
  | { kind: "retrying"; inMs: number }
  | { kind: "full" }
  | { kind: "unknown" }
  | { kind: "vanished" };

export interface ConnectionOptions {
  url: string;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
}

/** Reconnect timing: capped exponential backoff with jitter, so a deploy causes no stampede. */
export const RECONNECT = {
  /** First retry after 0.25–0.5 s: a blip should barely show. */
  baseMs: 500,
  factor: 2,
  maxMs: 10_000,
  /** A connection that lived this long was healthy: the next failure starts from the base again. */
  healthyAfterMs: 5_000,
} as const;

/** Delay before reconnect attempt `attempt` (0-based); `random` is in [0, 1). */
export function reconnectDelay(attempt: number, random: number): number {
  const ceiling = Math.min(RECONNECT.maxMs, RECONNECT.baseMs * RECONNECT.factor ** attempt);
  // "Equal jitter": never sooner than half the ceiling, so retries still back off.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * How often the page pings. The server drops sockets silent for HEARTBEAT_TIMEOUT_MS (90 s), and
 * a ping still unanswered when the next is due means the socket is dead, whatever the browser says.
 */
export const PING_EVERY_MS = 20_000;
/** Most keystroke frames held back while disconnected. */
const MAX_HELD = 256;

export class Connection {
  #ws: WebSocket | undefined;
  #attempt = 0;
  #openedAt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #awaitingPong = false;
  #final = false;
  #held: { frame: ClientFrame; at: number }[] = [];
  /** How long held keystrokes stay worth sending: the room's fadeMs once known. */
  maxHoldMs = 5_000;

  readonly options: ConnectionOptions;

  constructor(options: ConnectionOptions) {
    this.options = options;
    addEventListener("online", () => this.#retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.#retryNow();
    });
  }

  start(): void {
    this.#connect();
  }

  /** Closes for good: no reconnects, nothing held. */
  stop(): void {
    this.#final = true;
    this.#held = [];
    clearTimeout(this.#retryTimer);
    this.#stopHeartbeat();
    this.#ws?.close(1000, "Bye");
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /**
   * Sends a frame now if the socket is open. Returns true if it was sent, and false if it was
   * held for the next connection (keystrokes only, and only while they would still be visible)
   * or dropped.
   */
  send(frame: ClientFrame): boolean {
    if (this.#ws && this.isOpen) {
      this.#ws.send(encodeClientFrame(frame));
      return true;
    }
    if (frame.type === "keys" && !this.#final) {
      this.#held.push({ frame, at: Date.now() });
      if (this.#held.length > MAX_HELD) this.#held.shift();
    }
    return false;
  }

  /** Sends held keystrokes that would still be on screen; called once the room has welcomed us. */
  flushHeld(): void {
    const now = Date.now();
    const fresh = this.#held.filter((h) => now - h.at < this.maxHoldMs);
    this.#held = [];
    for (const { frame } of fresh) this.send(frame);
  }

  #connect(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.options.onState({ kind: "connecting" });
    const ws = new WebSocket(this.options.url);
    this.#ws = ws;
    let refusedAsFull = false;

    ws.addEventListener("open", () => {
      this.#openedAt = Date.now();
      this.#startHeartbeat(ws);
      this.options.onState({ kind: "open" });
    });
    ws.addEventListener("message", (event) => {
      if (event.data === PONG) {
        this.#awaitingPong = false;
        return;
      }
      // Frames this version does not understand may come from a newer server: they are skipped.
      for (const frame of parseServerMessage(event.data)) {
        if (frame.type === "error" && frame.code === "room_full") refusedAsFull = true;
        this.options.onFrame(frame);
      }
    });
    ws.addEventListener("close", () => {
      if (this.#ws !== ws) return;
      this.#stopHeartbeat();
      if (refusedAsFull) this.#finish({ kind: "full" });
      else void this.#afterClose(this.#openedAt > 0 && Date.now() - this.#openedAt >= RECONNECT.healthyAfterMs);
      this.#openedAt = 0;
    });
  }

  async #afterClose(wasHealthy: boolean): Promise<void> {
    if (this.#final) return;
    if (wasHealthy) this.#attempt = 0;
    // A refused handshake shows no status to the page, so ask the Worker directly.
    try {
      const res = await fetch(location.pathname, { method: "HEAD", cache: "no-store" });
      if (res.status === 404) return this.#finish({ kind: "unknown" });
      if (res.status === 410) return this.#finish({ kind: "vanished" });
    } catch {
      // Offline: the status is unknowable for now, so keep retrying.
    }
    const inMs = reconnectDelay(this.#attempt++, Math.random());
    this.options.onState({ kind: "retrying", inMs });
    this.#retryTimer = setTimeout(() => this.#connect(), inMs);
  }

  /** The network came back or the page became visible: skip the rest of the wait. */
  #retryNow(): void {
    if (this.#retryTimer !== undefined) this.#connect();
  }

  #finish(state: ConnectionState): void {
    this.#final = true;
    this.#held = [];
    this.options.onState(state);
  }

  #startHeartbeat(ws: WebSocket): void {
    this.#awaitingPong = false;
    this.#pingTimer = setInterval(() => {
      if (this.#awaitingPong) {
        // Dead but not closed (a laptop lid, a NAT timeout). Closing it may take the browser a
        // long while, so stop listening to it and start over at once.
        this.#stopHeartbeat();
        this.#ws = undefined;
        ws.close();
        void this.#afterClose(false);
        return;
      }
      this.#awaitingPong = true;
      ws.send(PING);
    }, PING_EVERY_MS);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }
}
