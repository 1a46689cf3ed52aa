/**
 * One room: holds its people's WebSockets and relays their keystrokes to each other.
 *
 * Built for hibernation, so an idle room costs nothing: sockets are accepted with the
 * Hibernation API, pings are answered by the runtime without waking us, and the only timer is
 * the zero-delay flush tick of a room that is busy right now (src/outbox.ts). Each socket's
 * session (id, name, away, seq, flood state) lives in its attachment, which is the only state
 * that survives eviction. Nothing is ever written to storage: the room relays and forgets.
 */
import { DurableObject } from "cloudflare:workers";
import { type Config, readConfig } from "./config.ts";
import { admitFrame, createFloodState, type FloodState } from "./flood-guard.ts";
import { pickConnectionId, pickDefaultName } from "./names.ts";
import { COALESCE_MS, Outbox } from "./outbox.ts";
import {
  CLOSES,
  type CloseKind,
  encodeServerFrame,
  isRecord,
  type Peer,
  PING,
  PONG,
  PROTOCOL_VERSION,
  ProtocolError,
  parseClientFrame,
  type ServerFrame,
  type User,
} from "./protocol.ts";
import { type LagState, observeLag } from "./staleness.ts";

interface Session {
  id: string;
  name: string;
  away: boolean;
  /** `keys` frames relayed for this socket so far; the last one carried this number. */
  seq: number;
  flood: FloodState;
  /** When this socket last sent a frame (ms); pings are tracked by the runtime. */
  seenAt: number;
}

/** How often, at most, frames trigger a sweep for sockets that stopped answering. */
const MAX_REAP_INTERVAL_MS = 10_000;

export class Room extends DurableObject<Env> {
  readonly #config: Config;
  /** Rebuilt from the sockets' attachments on first use after every wake-up. */
  #sessions: Map<WebSocket, Session> | undefined;
  /** Sockets we closed ourselves, so their late close events announce no second `leave`. */
  readonly #dropped = new WeakSet<WebSocket>();
  #reapedAt = 0;
  /** A quiet room sends every frame at once; a busy one sends each person one message per tick. */
  readonly #outbox = new Outbox<WebSocket>();
  readonly #lags = new WeakMap<WebSocket, LagState>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#config = readConfig(env);
    // Answered by the runtime itself: heartbeats neither wake the room nor bill its time.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const now = Date.now();
    this.#reapZombies(now, true);
    const sessions = this.#live();
    const { 0: client, 1: server } = new WebSocketPair();

    if (sessions.size >= this.#config.maxPeers) {
      // A refused socket is accepted the ordinary way: a hibernatable one closed before the
      // 101 response goes out lingers for about 10 s before the client sees the close.
      server.accept();
      server.send(encodeServerFrame({ type: "error", code: "room_full", message: "This room is full." }));
      server.close(CLOSES.roomFull.code, CLOSES.roomFull.reason);
      return new Response(null, { status: 101, webSocket: client });
    }

    // What is queued was said before this person came: it goes out now, to the others only.
    this.#flush();
    this.ctx.acceptWebSocket(server);
    const session: Session = {
      id: pickConnectionId(new Set(Array.from(sessions.values(), (s) => s.id))),
      name: pickDefaultName(new Set(Array.from(sessions.values(), (s) => s.name))),
      away: false,
      seq: 0,
      flood: createFloodState(now),
      seenAt: now,
    };
    server.serializeAttachment(session);
    const peers = Array.from(sessions.values(), (s): Peer => ({ ...userOf(s), away: s.away }));
    sessions.set(server, session);
    this.#send(server, {
      type: "welcome",
      version: PROTOCOL_VERSION,
      you: userOf(session),
      peers,
      fadeMs: this.#config.fadeMs,
      maxPeers: this.#config.maxPeers,
    });
    this.#broadcast({ type: "join", user: userOf(session) }, server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    // Unknown: a socket we dropped whose last frames were already in flight.
    const session = this.#live().get(ws);
    if (!session) return;
    try {
      this.#onFrame(ws, session, message);
    } catch (error) {
      // Our bug, not the client's: log who it hit (never what they typed) and cut only them.
      console.error(`room ${this.#logId()} conn ${session.id}: frame handler failed`, error);
      this.#drop(ws, session, "internal");
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.#forget(ws);
    // Reciprocate, or the client waits ~10 s and then sees 1006 instead of its own close.
    try {
      ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, "Bye");
    } catch {
      // The runtime already answered the close (compat auto-reply): nothing left to do.
    }
  }

  override webSocketError(ws: WebSocket): void {
    // The network failed this socket; that is not our error to log.
    this.#forget(ws);
  }

  #onFrame(ws: WebSocket, session: Session, message: string | ArrayBuffer): void {
    const now = Date.now();
    session.seenAt = now;
    // Flood control comes before parsing, so a flood of garbage is as cheap as a flood of keys.
    const verdict = admitFrame(session.flood, now);
    if (verdict === "close") {
      this.#drop(ws, session, "flood");
      return;
    }
    if (verdict === "notify") {
      this.#send(ws, { type: "error", code: "rate_limited", message: "Too fast: some keystrokes were dropped." });
    }
    if (verdict === "pass") this.#apply(ws, session, parseClientFrame(message), now);
    ws.serializeAttachment(session);
    this.#reapZombies(now);
  }

  #apply(ws: WebSocket, session: Session, frame: ReturnType<typeof parseClientFrame>, now: number): void {
    if (frame instanceof ProtocolError) {
      this.#send(ws, { type: "error", code: frame.code, message: frame.message });
      return;
    }
    switch (frame.type) {
      case "keys":
        // Under overload a frame can reach us after it would have faded from every screen: it is
        // worth nothing, so it costs nothing. Shedding it lets a backlog drain at the speed of
        // reading frames instead of relaying them. Not a loss: seq counts only relayed frames.
        if (frame.at !== undefined && observeLag(this.#lagOf(ws), now, frame.at) > this.#config.fadeMs) return;
        session.seq += 1;
        this.#broadcast({ type: "keys", from: session.id, text: frame.text, seq: session.seq }, ws);
        return;
      case "name": {
        const oldName = session.name;
        session.name = frame.name;
        this.#broadcast({ type: "name", user: userOf(session), oldName });
        return;
      }
      case "away":
        if (session.away === frame.away) return;
        session.away = frame.away;
        this.#broadcast({ type: "away", user: userOf(session), away: frame.away }, ws);
        return;
      default:
        frame satisfies never;
    }
  }

  /** Per-socket clock baseline; in memory only, since a room that slept has no backlog. */
  #lagOf(ws: WebSocket): LagState {
    let state = this.#lags.get(ws);
    if (!state) {
      state = { minOffset: null };
      this.#lags.set(ws, state);
    }
    return state;
  }

  /** The room's sessions, rebuilt from socket attachments after a wake-up. */
  #live(): Map<WebSocket, Session> {
    if (this.#sessions) return this.#sessions;
    this.#sessions = new Map();
    for (const ws of this.ctx.getWebSockets()) {
      const session = toSession(ws.deserializeAttachment());
      if (session) this.#sessions.set(ws, session);
    }
    return this.#sessions;
  }

  /** Sends to everyone but `except`: at once, or with the next flush tick while the room is busy. */
  #broadcast(frame: ServerFrame, except?: WebSocket): void {
    const text = encodeServerFrame(frame);
    const offer = this.#outbox.offer(text, except, Date.now());
    if (offer === "full") this.#flush();
    if (offer !== "send" && offer !== "send-and-tick") return;
    if (offer === "send-and-tick") this.#scheduleTick();
    this.#deliver((ws) => (ws === except ? undefined : text));
  }

  /** A zero-delay timer: it waits only for the events already queued, and ends on an empty tick. */
  #scheduleTick(): void {
    setTimeout(() => {
      if (!this.#outbox.tickFired()) return;
      this.#scheduleTick();
      this.#flush();
    }, COALESCE_MS);
  }

  /** Sends everything queued, one message per person, in the order it was said. */
  #flush(): void {
    if (this.#outbox.size > 0) this.#deliver(this.#outbox.drain());
  }

  /** The one delivery loop: each live socket gets its message, and a socket that fails is dropped. */
  #deliver(messageFor: (ws: WebSocket) => string | undefined): void {
    const failed: [WebSocket, Session][] = [];
    for (const [ws, session] of this.#live()) {
      const message = messageFor(ws);
      if (message !== undefined && !trySend(ws, message)) failed.push([ws, session]);
    }
    for (const [ws, session] of failed) this.#drop(ws, session, "sendFailed");
  }

  #send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(encodeServerFrame(frame));
    } catch {
      const session = this.#live().get(ws);
      if (session) this.#drop(ws, session, "sendFailed");
    }
  }

  /** Closes a socket on our side and tells everyone else that its person left. */
  #drop(ws: WebSocket, session: Session, why: CloseKind): void {
    if (!this.#live().delete(ws)) return;
    this.#dropped.add(ws);
    try {
      ws.close(CLOSES[why].code, CLOSES[why].reason);
    } catch {
      // Already closing or closed: there is nobody left on it to tell.
    }
    this.#broadcast({ type: "leave", user: userOf(session) });
  }

  /** A socket closed or failed from the other side: announce its `leave` once. */
  #forget(ws: WebSocket): void {
    const sessions = this.#live();
    // After a wake-up getWebSockets() skips sockets that are already closed, so the
    // attachment is the only record of who this was.
    const session = sessions.get(ws) ?? (this.#dropped.has(ws) ? null : toSession(ws.deserializeAttachment()));
    sessions.delete(ws);
    this.#dropped.add(ws);
    if (session) this.#broadcast({ type: "leave", user: userOf(session) });
  }

  /**
   * Drops sockets that have neither pinged nor sent anything for HEARTBEAT_TIMEOUT_MS. Closing a
   * tab does not always close its socket (workerd #1187); without this such "zombies" would sit
   * in the presence list and fill the room. `force` sweeps now instead of at most every 10 s.
   */
  #reapZombies(now: number, force = false): void {
    const timeout = this.#config.heartbeatTimeoutMs;
    if (!force && now - this.#reapedAt < Math.min(MAX_REAP_INTERVAL_MS, timeout / 2)) return;
    this.#reapedAt = now;
    for (const [ws, session] of this.#live()) {
      const pingedAt = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      if (now - Math.max(pingedAt, session.seenAt) > timeout) this.#drop(ws, session, "noHeartbeat");
    }
  }

  /** A log-safe room name: the object id is a one-way hash of the room link, not the link. */
  #logId(): string {
    return this.ctx.id.toString().slice(0, 12);
  }
}

/** getWebSockets() can hand back sockets that are already closing; send() on them throws. */
function trySend(ws: WebSocket, text: string): boolean {
  try {
    ws.send(text);
    return true;
  } catch {
    return false;
  }
}

function userOf(session: Session): User {
  return { id: session.id, name: session.name };
}

/** Narrows an attachment back into a session; anything else (no attachment, an older shape) is null. */
function toSession(v: unknown): Session | null {
  if (!isRecord(v) || !isRecord(v.flood)) return null;
  const { id, name, away, seq, seenAt } = v;
  if (typeof id !== "string" || typeof name !== "string" || typeof away !== "boolean") return null;
  if (typeof seq !== "number" || typeof seenAt !== "number") return null;
  const { tokens, refilledAt, limitedSince, noticedAt } = v.flood;
  if (typeof tokens !== "number" || typeof refilledAt !== "number" || typeof noticedAt !== "number") return null;
  if (limitedSince !== null && typeof limitedSince !== "number") return null;
  return { id, name, away, seq, seenAt, flood: { tokens, refilledAt, limitedSince, noticedAt } };
}
