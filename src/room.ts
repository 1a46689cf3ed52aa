/**
 * One room: holds its people's WebSockets and relays their keystrokes to each other.
 *
 * Built for hibernation, so an idle room costs nothing: sockets are accepted with the
 * Hibernation API, pings are answered by the runtime without waking us, and the only timer is
 * the zero-delay flush tick of a room that is busy right now (src/outbox.ts). An alarm, which
 * does not keep a room from hibernating, sweeps out silent sockets while anyone is connected.
 * Each socket's session (src/session.ts) lives in its attachment, which is the only state that
 * survives eviction. Nothing is ever written to storage but that alarm's time: the room relays
 * and forgets.
 */
import { DurableObject } from "cloudflare:workers";
import { clientKey, spendAllowance } from "./client-address.ts";
import { type Config, readConfig } from "./config.ts";
import { admitFrame, createFloodState, GROSS_FRAMES_PER_SECOND } from "./flood-guard.ts";
import { pickConnectionId } from "./names.ts";
import { COALESCE_MS, Outbox } from "./outbox.ts";
import {
  CLOSES,
  type ClientFrame,
  type CloseKind,
  type ErrorCode,
  encodeServerFrame,
  type Peer,
  PING,
  PONG,
  PROTOCOL_VERSION,
  ProtocolError,
  parseClientFrame,
  type ServerFrame,
  type User,
} from "./protocol.ts";
import { checkResume, resumeToken } from "./resume.ts";
import { isSealed, MAX_SEALED_NAME_CHARS } from "./room-crypto.ts";
import { DROPPED, type Session, toSession } from "./session.ts";
import { isStale, type LagState, type RoomLag } from "./staleness.ts";

/** How often, at most, frames trigger a sweep for sockets that stopped answering. */
const MAX_REAP_INTERVAL_MS = 10_000;
/** One rename a second at most: enough for a person, too few to flood everyone's notices. */
const RENAME_INTERVAL_MS = 1_000;
/**
 * Frames a flooder may still send after we closed it (in flight when the close went out). One
 * that goes on past this ignores the close, and the runtime has no way to cut one socket: every
 * frame it sends is still billed, so the room resets itself, which cuts every socket it holds.
 */
const MAX_FRAMES_AFTER_CLOSE = GROSS_FRAMES_PER_SECOND;

export class Room extends DurableObject<Env> {
  readonly #config: Config;
  /** Rebuilt from the sockets' attachments on first use after every wake-up. */
  #sessions: Map<WebSocket, Session> | undefined;
  /**
   * Sockets we closed ourselves (their late close events announce no second `leave`), with the
   * frames they sent since and whether they were closed for flooding.
   */
  readonly #dropped = new WeakMap<WebSocket, { frames: number; flooded: boolean }>();
  #reapedAt = 0;
  /** A quiet room sends every frame at once; a busy one sends each person one message per tick. */
  readonly #outbox = new Outbox<WebSocket>();
  /** Clock baselines for shedding; in memory only, since a room that slept has no backlog. */
  readonly #lags = new WeakMap<WebSocket, LagState>();
  readonly #roomLag: RoomLag = { last: null };
  /** Senders told that frames of theirs were shed, until one is relayed again. */
  readonly #toldShed = new WeakSet<WebSocket>();

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
    const params = new URL(request.url).searchParams;
    const room = this.ctx.id.name ?? "";
    const resumed = room ? await checkResume(this.#config.roomSecret, room, params.get("resume")) : null;
    const now = Date.now();
    this.#reapZombies(now, true);
    const sessions = this.#live();
    const { 0: client, 1: server } = new WebSocketPair();
    // Back on a new socket before the room noticed the old one die: it takes the old one's place.
    const old = resumed === null ? undefined : [...sessions].find(([, s]) => s.id === resumed);

    if (!old && sessions.size >= this.#config.maxPeers) {
      // A refused socket is accepted the ordinary way: a hibernatable one closed before the
      // 101 response goes out lingers for about 10 s before the client sees the close.
      server.accept();
      server.send(encodeServerFrame({ type: "error", code: "room_full", message: "This room is full." }));
      server.close(CLOSES.roomFull.code, CLOSES.roomFull.reason);
      return new Response(null, { status: 101, webSocket: client });
    }

    const address = clientKey(request.headers.get("CF-Connecting-IP"));
    const { session, refused } = old
      ? { session: { ...old[1], seenAt: now, client: address }, refused: null }
      : this.#newSession(resumed, params.get("name"), address, now);
    const resume = room ? await resumeToken(this.#config.roomSecret, room, session.id) : "";
    if (old) this.#replace(old[0]);

    // What is queued was said before this person came: it goes out now, to the others only.
    this.#flush();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(session);
    const peers = Array.from(this.#live().values(), (s): Peer => ({ ...userOf(s), away: s.away }));
    this.#live().set(server, session);
    this.#send(server, {
      type: "welcome",
      version: PROTOCOL_VERSION,
      you: userOf(session),
      peers,
      fadeMs: this.#config.fadeMs,
      maxPeers: this.#config.maxPeers,
      resume,
    });
    if (refused) this.#send(server, { type: "error", ...refused });
    // A resumed person never left as far as the others know: nothing to announce.
    if (!old) this.#broadcast({ type: "join", user: userOf(session) }, server);
    await this.#scheduleSweep(now);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A session for a newcomer: the resumed id if it is free (the person whose connection broke,
   * back), else a fresh one; the sealed name asked for in the URL, else none (the pages show a
   * default name made from the id), with the reason a name was refused.
   */
  #newSession(
    resumed: string | null,
    wanted: string | null,
    address: string | null,
    now: number,
  ): { session: Session; refused: { code: ErrorCode; message: string } | null } {
    const ids = new Set(Array.from(this.#live().values(), (s) => s.id));
    // The name is sealed: the room can only check that it looks sealed. The pages check the rest.
    const asked = wanted ?? "";
    const sealed = isSealed(asked, MAX_SEALED_NAME_CHARS);
    const refused: { code: ErrorCode; message: string } | null =
      asked === "" || sealed ? null : { code: "bad_frame", message: "name must be sealed with the room's key." };
    const name = sealed ? asked : "";
    const session: Session = {
      id: resumed !== null && !ids.has(resumed) ? resumed : pickConnectionId(ids),
      name,
      away: false,
      seq: 0,
      lastN: 0,
      flood: createFloodState(now),
      seenAt: now,
      renamedAt: Number.NEGATIVE_INFINITY,
      client: address,
    };
    return { session, refused };
  }

  /** The old socket of a person who came back on a new one: closed, without a `leave`. */
  #replace(ws: WebSocket): void {
    this.#live().delete(ws);
    this.#dropped.set(ws, { frames: 0, flooded: false });
    try {
      ws.serializeAttachment(DROPPED);
      ws.close(CLOSES.replaced.code, CLOSES.replaced.reason);
    } catch {
      // Already gone: that is why its person came back.
    }
  }

  /**
   * The sweep for silent sockets, so the others hear that a vanished person left within the
   * heartbeat timeout even when nobody types. An alarm, not a timer: a pending alarm does not keep
   * the room from hibernating or bill its time; each one fired is one request.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#reapZombies(now, true);
    if (this.#live().size > 0) await this.#scheduleSweep(now, true);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const session = this.#live().get(ws);
    if (!session) {
      this.#afterClose(ws);
      return;
    }
    try {
      this.#onFrame(ws, session, message);
    } catch (error) {
      // Our bug, not the client's: log who it hit (never what they typed) and cut only them.
      console.error(`room ${this.#logId()} conn ${session.id}: frame handler failed`, error);
      this.#drop(ws, session, "internal");
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    // 1006 (no close frame at all) and the server-error codes are a connection that broke, and
    // its person may well come back; 1000, 1001, 1005 and the application's codes are a page
    // that closed or went away on purpose.
    this.#forget(ws, code === 1006 || (code >= 1011 && code < 3000));
    // Reciprocate, or the client waits ~10 s and then sees 1006 instead of its own close.
    try {
      ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, "Bye");
    } catch {
      // The runtime already answered the close (compat auto-reply): nothing left to do.
    }
  }

  override webSocketError(ws: WebSocket): void {
    // The network failed this socket; that is not our error to log.
    this.#forget(ws, true);
  }

  #onFrame(ws: WebSocket, session: Session, message: string | ArrayBuffer): void {
    const now = Date.now();
    session.seenAt = now;
    // Flood control comes before parsing, so a flood of garbage is as cheap as a flood of keys.
    const verdict = admitFrame(session.flood, now);
    if (verdict === "close") {
      // It must not simply come back: the rest of its address's upgrades this minute are spent.
      if (session.client !== null) void spendAllowance(this.env.UPGRADES, session.client);
      this.#drop(ws, session, "flood");
      return;
    }
    if (verdict === "notify") {
      this.#send(ws, { type: "error", code: "rate_limited", message: "Too fast: some keystrokes were dropped." });
    }
    if (verdict === "pass") {
      const frame = parseClientFrame(message);
      if (frame instanceof ProtocolError) this.#send(ws, { type: "error", code: frame.code, message: frame.message });
      else this.#apply(ws, session, frame, now);
    }
    ws.serializeAttachment(session);
    this.#reapZombies(now);
  }

  #apply(ws: WebSocket, session: Session, frame: ClientFrame, now: number): void {
    switch (frame.type) {
      case "keys":
        this.#relayKeys(ws, session, frame, now);
        // Asked for: the sender learns the room has it (whether relayed, shed or a repeat).
        if (frame.ack) this.#send(ws, { type: "ack", n: frame.n });
        return;
      case "name":
        this.#rename(ws, session, frame.c, now);
        return;
      case "away":
        if (session.away === frame.away) return;
        session.away = frame.away;
        this.#broadcast({ type: "away", user: userOf(session), away: frame.away }, ws);
        return;
      default:
        frame satisfies never;
    }
  }

  #relayKeys(ws: WebSocket, session: Session, frame: Extract<ClientFrame, { type: "keys" }>, now: number): void {
    // Sent again after a reconnect, and already relayed: the others have it.
    if (frame.n <= session.lastN) return;
    if (frame.at !== undefined && this.#isStale(ws, now, frame.at)) return;
    this.#toldShed.delete(ws);
    session.seq += 1;
    session.lastN = frame.n;
    // Relayed as it came: the room never had the words, only their ciphertext.
    this.#broadcast({ type: "keys", from: session.id, c: frame.c, seq: session.seq, n: frame.n }, ws);
  }

  /**
   * Under overload a frame can reach us after it would have faded from every screen: it is worth
   * nothing, so it costs nothing. Shedding it lets a backlog drain at the speed of reading frames
   * instead of relaying them; it does not count in seq. The sender is told once per episode, so
   * loss is never silent.
   */
  #isStale(ws: WebSocket, now: number, at: number): boolean {
    let lag = this.#lags.get(ws);
    if (!lag) {
      lag = { minOffset: null };
      this.#lags.set(ws, lag);
    }
    if (!isStale(lag, this.#roomLag, ws, now, at, this.#config.fadeMs)) return false;
    if (!this.#toldShed.has(ws)) {
      this.#toldShed.add(ws);
      const message =
        "The room is overloaded: some of your keystrokes reached it too late to be shown, and were dropped.";
      this.#send(ws, { type: "error", code: "overloaded", message });
    }
    return true;
  }

  /** A new sealed name: the pages open it and apply the name rules; the room only passes it on. */
  #rename(ws: WebSocket, session: Session, sealed: string, now: number): void {
    if (now - session.renamedAt < RENAME_INTERVAL_MS) {
      this.#send(ws, { type: "error", code: "rate_limited", message: "Too many renames: wait a moment." });
      return;
    }
    session.renamedAt = now;
    session.name = sealed;
    this.#broadcast({ type: "name", user: userOf(session) });
  }

  /** A frame from a socket we closed: in flight when the close went out, or a flooder ignoring it. */
  #afterClose(ws: WebSocket): void {
    const dropped = this.#dropped.get(ws);
    if (!dropped?.flooded || ++dropped.frames <= MAX_FRAMES_AFTER_CLOSE) return;
    console.warn(`room ${this.#logId()}: a closed socket kept sending; resetting the room to cut it off`);
    // Every socket of the room is cut; the pages reconnect by themselves within a second.
    this.ctx.abort("A closed socket kept sending");
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
    this.#dropped.set(ws, { frames: 0, flooded: why === "flood" });
    try {
      // A room that wakes up before the close completes must not take this socket back.
      ws.serializeAttachment(DROPPED);
      ws.close(CLOSES[why].code, CLOSES[why].reason);
    } catch {
      // Already closing or closed: there is nobody left on it to tell.
    }
    this.#broadcast(leaveOf(session, why === "noHeartbeat" || why === "sendFailed"));
  }

  /** A socket closed or failed from the other side: announce its `leave` once. */
  #forget(ws: WebSocket, lost: boolean): void {
    const sessions = this.#live();
    // After a wake-up getWebSockets() skips sockets that are already closed, so the
    // attachment is the only record of who this was.
    const session = sessions.get(ws) ?? (this.#dropped.has(ws) ? null : toSession(ws.deserializeAttachment()));
    sessions.delete(ws);
    if (!this.#dropped.has(ws)) this.#dropped.set(ws, { frames: 0, flooded: false });
    if (session) this.#broadcast(leaveOf(session, lost));
    // The last one out: no sweep is due, and an alarm that fires for nobody is a billed request.
    if (sessions.size === 0) void this.ctx.storage.deleteAlarm();
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
      if (now - this.#heardAt(ws, session) > timeout) this.#drop(ws, session, "noHeartbeat");
    }
  }

  /** When a socket last showed it was alive: its last frame, or its last ping. */
  #heardAt(ws: WebSocket, session: Session): number {
    return Math.max(this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0, session.seenAt);
  }

  /**
   * Sets the sweep alarm for when the first socket would go silent for too long. On connect it
   * only sets one if none is pending (one storage read); `replace` sets the next one from alarm().
   */
  async #scheduleSweep(now: number, replace = false): Promise<void> {
    const storage = this.ctx.storage;
    if (!replace && (await storage.getAlarm()) !== null) return;
    let due = Number.POSITIVE_INFINITY;
    for (const [ws, session] of this.#live()) due = Math.min(due, this.#heardAt(ws, session));
    if (due === Number.POSITIVE_INFINITY) return;
    // A second past the deadline, and never sooner than a second from now: no alarm storms.
    await storage.setAlarm(Math.max(now, due + this.#config.heartbeatTimeoutMs) + 1_000);
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

/** A `leave`, saying whether the connection broke (the person may come back) or was closed. */
function leaveOf(session: Session, lost: boolean): ServerFrame {
  return lost ? { type: "leave", user: userOf(session), lost: true } : { type: "leave", user: userOf(session) };
}
