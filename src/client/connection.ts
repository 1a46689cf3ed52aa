/**
 * The page's link to its room: a WebSocket that reconnects by itself, knows within seconds
 * whether the room still hears it, and loses nothing that is still fresh.
 *
 * It reconnects after any close it did not choose: a dead network (1006), a restart or deploy,
 * a clean close from the server. It uses capped exponential backoff with jitter, and it gives up
 * only on final answers: the room is full, unknown (404) or vanished (410). Keys frames are
 * confirmed by pings (src/client/confirmations.ts); a connection that stops confirming them is
 * given up at once, before the browser notices. Frames not confirmed are sent again on the next
 * connection while they would still be on screen, with the same `n`, so nobody shows them twice.
 */
import { type ClientFrame, encodeClientFrame, PING, PONG, parseServerMessage, type ServerFrame } from "../protocol.ts";
import { Confirmations, type SentFrame } from "./confirmations.ts";

export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "open" }
  /** Open, but what was sent has not been confirmed for a while: the room may not hear us. */
  | { kind: "unheard" }
  /** The browser says the device is offline. */
  | { kind: "offline" }
  | { kind: "retrying"; inMs: number }
  | { kind: "full" }
  | { kind: "unknown" }
  | { kind: "vanished" }
  /** The same person carries on in another window (the room replaced this connection). */
  | { kind: "replaced" };

export interface ConnectionOptions {
  /** Where to connect, asked afresh each time (the name and resume token can change). */
  url(): string;
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState): void;
  /** Frames the room has confirmed it got. */
  onConfirmed(frames: readonly SentFrame[]): void;
  /** Frames that faded before they could be sent: never said. */
  onUnsaid(frames: readonly SentFrame[]): void;
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
 * How often the page pings while nothing else is said. The server drops sockets silent for
 * HEARTBEAT_TIMEOUT_MS (90 s), and a ping still unanswered when the next is due means the socket
 * is dead, whatever the browser says.
 */
export const PING_EVERY_MS = 20_000;
/**
 * A connection not welcomed within this long is given up and tried again: on a network that
 * died, a handshake can hang for minutes. (Unconfirmed frames stay bounded without a cap of
 * their own: a frame is kept at most fadeMs, and no more than 50 go out a second.)
 */
const CONNECT_TIMEOUT_MS = 8_000;

export class Connection {
  readonly options: ConnectionOptions;
  /** How long frames stay worth sending: the room's fadeMs once known. */
  fadeMs = 5_000;
  readonly #confirmations = new Confirmations();
  #ws: WebSocket | undefined;
  #welcomed = false;
  #attempt = 0;
  #openedAt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #checkTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #expiry: ReturnType<typeof setInterval> | undefined;
  #lastPingAt = Number.NEGATIVE_INFINITY;
  #pongSince = true;
  #final = false;

  constructor(options: ConnectionOptions) {
    this.options = options;
    addEventListener("offline", () => this.#report({ kind: "offline" }));
    addEventListener("online", () => {
      // A socket that stayed open may or may not have survived: a ping finds out (its pong
      // reports the connection open again, or the confirmations give it up).
      if (this.isOpen) this.#ping(performance.now());
      this.#retryNow();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.#retryNow();
    });
  }

  start(): void {
    this.#connect();
  }

  /** Closes for good: no reconnects, nothing kept. */
  stop(): void {
    this.#final = true;
    this.#stopTimers();
    clearTimeout(this.#retryTimer);
    this.#ws?.close(1000, "Bye");
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN && this.#welcomed;
  }

  /** Frames sent (or waiting to be) that the room has not confirmed yet. */
  get unconfirmed(): readonly SentFrame[] {
    return this.#confirmations.unconfirmed;
  }

  /**
   * Sends a keys frame now if the room is there, else keeps it for the next connection. Either
   * way it counts as unconfirmed until a pong says the room has it.
   */
  sendKeys(frame: Omit<SentFrame, "sentAt">): void {
    if (this.#final) return;
    const open = this.isOpen;
    const now = performance.now();
    const ask = open && this.#confirmations.shouldAsk(now);
    if (open) this.#ws?.send(encodeClientFrame(keysOf(frame, ask)));
    this.#confirmations.sent(frame, open ? now : null);
    if (ask) this.#confirmations.asked(frame.n);
    this.#check();
  }

  /** Sends another kind of frame if the room is there (names and attention are sent again on welcome). */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen || !this.#ws) return false;
    this.#ws.send(encodeClientFrame(frame));
    return true;
  }

  /**
   * Seals every frame not yet confirmed again (`seal` gives the new ciphertext): the room gave us
   * a new id, and what was sealed for the old one would not open for the others.
   */
  async reseal(seal: (frame: SentFrame) => Promise<string>): Promise<void> {
    for (const frame of this.#confirmations.unconfirmed) frame.c = await seal(frame);
  }

  /** The room welcomed us: what was not confirmed and is still fresh goes out again, in order. */
  welcomed(): void {
    this.#welcomed = true;
    this.#expire();
    const ws = this.#ws;
    if (!ws) return;
    for (const frame of this.#confirmations.unconfirmed) ws.send(encodeClientFrame(keysOf(frame)));
    this.#confirmations.resent(performance.now());
    this.#report({ kind: "open" });
    this.#check();
  }

  #connect(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#report({ kind: "connecting" });
    const ws = new WebSocket(this.options.url());
    this.#ws = ws;
    this.#welcomed = false;
    let ending: ConnectionState | undefined;
    const timeout = setTimeout(() => {
      if (this.#ws === ws && !this.#welcomed) this.#giveUp(false);
    }, CONNECT_TIMEOUT_MS);

    ws.addEventListener("open", () => {
      this.#openedAt = Date.now();
      this.#startHeartbeat(ws);
    });
    ws.addEventListener("message", (event) => {
      if (this.#ws !== ws) return;
      if (event.data === PONG) {
        this.#pongSince = true;
        this.#confirmed(this.#confirmations.ponged());
        return;
      }
      // Frames this version does not understand may come from a newer server: they are skipped.
      for (const frame of parseServerMessage(event.data)) {
        if (frame.type === "ack") {
          this.#confirmed(this.#confirmations.acked(frame.n));
          continue;
        }
        if (frame.type === "error" && frame.code === "room_full") ending = { kind: "full" };
        this.options.onFrame(frame);
      }
    });
    ws.addEventListener("close", (event) => {
      clearTimeout(timeout);
      if (this.#ws !== ws) return;
      if (event.code === 4001) ending = { kind: "replaced" };
      this.#lost();
      if (ending) this.#finish(ending);
      else void this.#afterClose(this.#openedAt > 0 && Date.now() - this.#openedAt >= RECONNECT.healthyAfterMs);
      this.#openedAt = 0;
    });
  }

  /** Whatever the reason, this socket is over: stop listening to it and keep what was unconfirmed. */
  #lost(): void {
    this.#stopTimers();
    this.#welcomed = false;
    this.#confirmations.lostConnection();
    // While down, frames that fade before the next connection are given up as they fade.
    this.#expiry = setInterval(() => this.#expire(), 500);
  }

  /**
   * The socket is open but the room stopped confirming (a dead network): start over at once. Or
   * a handshake that never finished (`now` false): try again after the usual backoff.
   */
  #giveUp(now = true): void {
    const ws = this.#ws;
    this.#ws = undefined;
    this.#lost();
    if (now) this.#report({ kind: "unheard" });
    ws?.close();
    void this.#afterClose(false, now);
  }

  async #afterClose(wasHealthy: boolean, now = false): Promise<void> {
    if (this.#final) return;
    if (wasHealthy) this.#attempt = 0;
    // A refused handshake shows no status to the page, so ask the Worker directly.
    try {
      // Bounded: on a network that died silently, a request can hang as long as a socket.
      const signal = AbortSignal.timeout(3_000);
      const res = await fetch(location.pathname, { method: "HEAD", cache: "no-store", signal });
      if (res.status === 404) return this.#finish({ kind: "unknown" });
      if (res.status === 410) return this.#finish({ kind: "vanished" });
    } catch {
      // Offline, or no answer in time: the status is unknowable for now, so keep retrying.
    }
    const inMs = now ? 0 : reconnectDelay(this.#attempt++, Math.random());
    if (!now) this.#report(navigator.onLine ? { kind: "retrying", inMs } : { kind: "offline" });
    this.#retryTimer = setTimeout(() => this.#connect(), inMs);
  }

  /** The network came back or the page became visible: skip the rest of the wait. */
  #retryNow(): void {
    if (this.#retryTimer !== undefined) this.#connect();
  }

  #finish(state: ConnectionState): void {
    this.#final = true;
    this.#stopTimers();
    this.options.onState(state);
  }

  #report(state: ConnectionState): void {
    if (!this.#final) this.options.onState(state);
  }

  /** The room heard these frames (a pong or an ack): so it hears us, whatever was said before. */
  #confirmed(frames: readonly SentFrame[]): void {
    if (frames.length > 0) this.options.onConfirmed(frames);
    if (this.#welcomed) this.#report({ kind: "open" });
    this.#check();
  }

  /** Asks the confirmations what is due: a ping, or giving this connection up. */
  #check(): void {
    clearTimeout(this.#checkTimer);
    this.#checkTimer = undefined;
    if (!this.isOpen) return;
    const now = performance.now();
    const due = this.#confirmations.due(now);
    if (due.action === "not-heard") {
      this.#giveUp();
      return;
    }
    if (due.action === "ping") this.#ping(now);
    if (due.checkInMs !== null) this.#checkTimer = setTimeout(() => this.#check(), Math.max(50, due.checkInMs));
  }

  #ping(now: number): void {
    this.#ws?.send(PING);
    this.#confirmations.pinged(now);
    this.#lastPingAt = now;
  }

  #startHeartbeat(ws: WebSocket): void {
    this.#pongSince = true;
    this.#heartbeat = setInterval(() => {
      if (this.#ws !== ws) return;
      if (!this.#pongSince) {
        this.#giveUp();
        return;
      }
      // Confirmation pings count too: the heartbeat only fills the silences.
      if (performance.now() - this.#lastPingAt < PING_EVERY_MS / 2) return;
      this.#pongSince = false;
      this.#ping(performance.now());
    }, PING_EVERY_MS);
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeat);
    clearInterval(this.#expiry);
    clearTimeout(this.#checkTimer);
    this.#heartbeat = this.#expiry = this.#checkTimer = undefined;
  }

  #expire(): void {
    const faded = this.#confirmations.expire(Date.now(), this.fadeMs);
    if (faded.length > 0) this.options.onUnsaid(faded);
    if (this.isOpen || this.#confirmations.unconfirmed.every((f) => f.sentAt !== null)) {
      clearInterval(this.#expiry);
      this.#expiry = undefined;
    }
  }
}

function keysOf(frame: Omit<SentFrame, "sentAt">, ack = false): ClientFrame {
  return { type: "keys", c: frame.c, at: frame.at, n: frame.n, ...(ack ? { ack: true as const } : {}) };
}
