/**
 * Phantachat wire protocol v2: the contract between a room and every client, shared by the
 * Room, the page, the tests and the benchmark so that no side can drift. docs/protocol.md is the prose
 * version of this file; change both together.
 *
 * Everything that arrives from the wire is `unknown` until a parser here has narrowed it field
 * by field. Nothing is cast.
 */
import { nameProblem } from "./name-rules.ts";
import { isSealed, MAX_SEALED_KEYS_CHARS, MAX_SEALED_NAME_CHARS } from "./room-crypto.ts";

/**
 * Bumped only for changes an old client cannot ignore; new optional fields do not bump it. Sent
 * in `welcome`, so a page that was loaded before a deploy can tell that it must reload.
 */
export const PROTOCOL_VERSION = 2;

/** Any frame over this many bytes (UTF-8) is refused with `too_large` before it is parsed. */
export const MAX_FRAME_BYTES = 4096;
/** A `keys` frame carries 1 to this many Unicode code points. */
export const MAX_KEYS_CODE_POINTS = 64;
/** A name is 1 to this many code points once trimmed. */
export const MAX_NAME_CODE_POINTS = 32;

/** Heartbeat: the room answers this exact text frame with {@link PONG} without waking up. */
export const PING = "ping";
export const PONG = "pong";

export interface User {
  id: string;
  /**
   * The name the person chose, sealed with the room's key (src/room-crypto.ts): the room cannot
   * read it. Empty when they chose none: every page then shows a default name made from the id.
   */
  name: string;
}

export interface Peer extends User {
  away: boolean;
}

export type ClientFrame =
  /**
   * `c` is what was typed, sealed with the room's key: the room relays it and cannot read it.
   * `n` numbers the sender's frames 1, 2, 3… for as long as it is the same person, across
   * reconnects: a frame sent again after a reconnect keeps its `n`, so nobody shows it twice
   * (and the sealed frame carries it too, where the room cannot change it). `at` (optional) is
   * when it was typed, in ms on the sender's own clock; a room uses it only to shed frames that
   * waited in a backlog for longer than they would stay on screen. `ack` (optional) asks the
   * room to answer with an `ack` once it has the frame: how a page knows it is heard.
   */
  | { type: "keys"; c: string; n: number; at?: number; ack?: true }
  /** `c` is the chosen name, sealed. */
  | { type: "name"; c: string }
  | { type: "away"; away: boolean };

/**
 * Every error code a room sends, once. Adding one fails to compile until every client's
 * exhaustive switch handles it (the page's in src/client/main.ts).
 */
export const ERROR_CODES = ["bad_frame", "too_large", "rate_limited", "room_full", "overloaded"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(v: unknown): v is ErrorCode {
  return ERROR_CODES.some((code) => code === v);
}

/**
 * Every close the room makes, with its code (RFC 6455 §7.4) and reason. Any other close a client
 * sees is the network's or the runtime's (1006 for a dead connection, for example).
 */
export const CLOSES = {
  /** Sent after `error` `room_full`: final, do not retry. */
  roomFull: { code: 1008, reason: "Room full" },
  /** The socket stayed over the flood limit for too long. */
  flood: { code: 1008, reason: "Too many frames for too long" },
  /** Neither a ping nor a frame for HEARTBEAT_TIMEOUT_MS: the room treats the socket as dead. */
  noHeartbeat: { code: 1001, reason: "No heartbeat" },
  /** Sending to the socket failed; it is already closing. */
  sendFailed: { code: 1011, reason: "Send failed" },
  /** Our bug while handling this socket's frame; only this socket is cut. */
  internal: { code: 1011, reason: "Internal error" },
  /** The same person came back on a new socket (a resume): this one is no longer theirs. */
  replaced: { code: 4001, reason: "Resumed on a new connection" },
} as const satisfies Record<string, { code: number; reason: string }>;
export type CloseKind = keyof typeof CLOSES;

export type ServerFrame =
  | {
      type: "welcome";
      version: number;
      you: User;
      peers: Peer[];
      fadeMs: number;
      maxPeers: number;
      /** Reconnect with `?resume=<you.id>.<resume>` to come back as the same person (docs/protocol.md). */
      resume: string;
    }
  | { type: "join"; user: User }
  /** `lost`: the connection broke rather than closed; the person may come back with the same id. */
  | { type: "leave"; user: User; lost?: true }
  | { type: "keys"; from: string; c: string; seq: number; n: number }
  /** To the sender of a keys frame that asked for it: frames up to `n` reached the room. */
  | { type: "ack"; n: number }
  | { type: "name"; user: User }
  | { type: "away"; user: User; away: boolean }
  | { type: "error"; code: ErrorCode; message: string };

/** What a busy room sends instead of several frames: one message for one recipient. */
export interface Batch {
  type: "batch";
  frames: ServerFrame[];
}

/** One WebSocket message from a room: a frame, or a batch of frames (parseServerMessage). */
export type ServerMessage = ServerFrame | Batch;

/** Why a client frame was refused; `message` is for humans and never echoes the frame. */
export class ProtocolError {
  readonly code: "bad_frame" | "too_large";
  readonly message: string;

  constructor(code: "bad_frame" | "too_large", message: string) {
    this.code = code;
    this.message = message;
  }
}

/**
 * Parses one WebSocket message from a client. Returns the frame, or a {@link ProtocolError}
 * to send back. Never throws, whatever the input.
 */
export function parseClientFrame(raw: string | ArrayBuffer): ClientFrame | ProtocolError {
  if (typeof raw !== "string") {
    return raw.byteLength > MAX_FRAME_BYTES
      ? tooLarge()
      : new ProtocolError("bad_frame", "Binary frames are not part of the protocol; send JSON text.");
  }
  // Each UTF-16 unit is 1 to 3 bytes, so only mid-sized frames need counting.
  if (raw.length > MAX_FRAME_BYTES || (raw.length * 3 > MAX_FRAME_BYTES && utf8Length(raw) > MAX_FRAME_BYTES)) {
    return tooLarge();
  }
  const value = parseJson(raw);
  if (!isRecord(value)) return new ProtocolError("bad_frame", "A frame must be a JSON object.");
  switch (value.type) {
    case "keys": {
      // A page from before end-to-end encryption: say what to do instead of "bad field".
      if ("text" in value) return oldProtocol();
      const { c, n, at, ack } = value;
      if (!isSealed(c, MAX_SEALED_KEYS_CHARS)) return badSealed("keys", MAX_SEALED_KEYS_CHARS);
      if (!(isCount(n) && n > 0)) return badField("keys", "n", "a whole number from 1");
      if (at !== undefined && !(typeof at === "number" && Number.isFinite(at) && at >= 0)) {
        return badField("keys", "at", "a time in ms (a finite number, 0 or more)");
      }
      if (ack !== undefined && ack !== true) return badField("keys", "ack", "true");
      return { type: "keys", c, n, ...(at === undefined ? {} : { at }), ...(ack === undefined ? {} : { ack }) };
    }
    case "name": {
      if ("name" in value) return oldProtocol();
      return isSealed(value.c, MAX_SEALED_NAME_CHARS)
        ? { type: "name", c: value.c }
        : badSealed("name", MAX_SEALED_NAME_CHARS);
    }
    case "away": {
      const away = value.away;
      return typeof away === "boolean" ? { type: "away", away } : badField("away", "away", "true or false");
    }
    default:
      return new ProtocolError("bad_frame", 'Unknown frame type; expected "keys", "name" or "away".');
  }
}

/**
 * Parses one frame from the server, for clients. Returns null for anything that is not a
 * well-formed v2 server frame (a client should ignore it: it may come from a newer server).
 */
export function parseServerFrame(raw: unknown): ServerFrame | null {
  return typeof raw === "string" ? toServerFrame(parseJson(raw)) : null;
}

/** Narrows one parsed JSON value into a server frame, or null when it is not a well-formed one. */
export function toServerFrame(v: unknown): ServerFrame | null {
  if (!isRecord(v)) return null;
  switch (v.type) {
    case "welcome": {
      const you = toUser(v.you);
      const peers = Array.isArray(v.peers) ? v.peers.map(toPeer) : null;
      if (!you || !peers || peers.some((p) => p === null)) return null;
      if (!isCount(v.version) || !isCount(v.fadeMs) || !isCount(v.maxPeers)) return null;
      const { version, fadeMs, maxPeers, resume } = v;
      if (typeof resume !== "string") return null;
      return { type: "welcome", version, you, peers: peers.filter((p) => p !== null), fadeMs, maxPeers, resume };
    }
    case "join": {
      const user = toUser(v.user);
      return user ? { type: "join", user } : null;
    }
    case "leave": {
      const user = toUser(v.user);
      if (!user) return null;
      return v.lost === true ? { type: "leave", user, lost: true } : { type: "leave", user };
    }
    case "keys": {
      const { from, c, seq, n } = v;
      if (typeof from !== "string" || typeof c !== "string" || !isCount(seq) || !isCount(n)) return null;
      return { type: "keys", from, c, seq, n };
    }
    case "ack":
      return isCount(v.n) && v.n > 0 ? { type: "ack", n: v.n } : null;
    case "name": {
      const user = toUser(v.user);
      return user ? { type: "name", user } : null;
    }
    case "away": {
      const user = toUser(v.user);
      return user && typeof v.away === "boolean" ? { type: "away", user, away: v.away } : null;
    }
    case "error":
      return isErrorCode(v.code) && typeof v.message === "string"
        ? { type: "error", code: v.code, message: v.message }
        : null;
    default:
      return null;
  }
}

/**
 * Parses one WebSocket message from the server into the frames it carries: one frame, or the
 * frames of a `batch` in order. Anything malformed or unknown is skipped (it may come from a
 * newer server), so the result may be empty.
 */
export function parseServerMessage(raw: unknown): ServerFrame[] {
  const frames: ServerFrame[] = [];
  for (const item of splitServerMessage(raw)?.items ?? []) {
    const frame = toServerFrame(item);
    if (frame) frames.push(frame);
  }
  return frames;
}

/**
 * The parsed JSON values one server message holds, not yet checked as frames: the message
 * itself, or the items of a batch. Null when the message is not JSON text. For clients that
 * want to see what parseServerMessage would skip (the tests do).
 */
export function splitServerMessage(raw: unknown): { batch: boolean; items: unknown[] } | null {
  if (typeof raw !== "string") return null;
  const v = parseJson(raw);
  if (v === undefined) return null;
  if (raw.startsWith(BATCH_PREFIX) && isRecord(v) && Array.isArray(v.frames)) return { batch: true, items: v.frames };
  return { batch: false, items: [v] };
}

/** How every encoded Batch starts (`{"type":"batch","frames":[`), so frames are not encoded twice. */
const BATCH_PREFIX = JSON.stringify({ type: "batch", frames: [] } satisfies Batch).slice(0, -2);

/**
 * Wraps already-encoded frames into one `batch` message, without parsing them again. A busy room
 * sends each person one message per tick instead of one per frame: workerd's cost is per
 * message, not per byte.
 */
export function encodeBatch(encodedFrames: readonly string[]): string {
  return `${BATCH_PREFIX}${encodedFrames.join(",")}]}`;
}

/** Serialises a server frame. The one place frames become text, so encoding never drifts. */
export function encodeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** Serialises a client frame (used by the page and by tests). */
export function encodeClientFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}

/** UTF-8 length of a string; lone surrogates count 3 bytes, as TextEncoder writes U+FFFD. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Checks a text field in one pass: length in code points, no lone surrogates, no control
 * characters (C0, DEL, C1) except newline where allowed. Returns what is wrong, or null.
 */
export function checkText(s: string, maxCodePoints: number, allowNewline: boolean): string | null {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c > 0xdbff || !isLowSurrogate(s.charCodeAt(i + 1))) return "must be well-formed Unicode (no lone surrogates)";
      i++;
    } else if (isControlCode(c, allowNewline)) {
      // No backspace, no escape sequences: what is typed is said, and it renders as plain text.
      return allowNewline
        ? "must not contain control characters other than newline"
        : "must not contain control characters";
    }
    if (++count > maxCodePoints) return `must be at most ${maxCodePoints} characters`;
  }
  return count === 0 ? "must not be empty" : null;
}

/**
 * True for a control character (C0, DEL, C1), newline excepted where allowed: the one rule for
 * what may not be said, used by the room's parser and by the page before it sends.
 */
export function isControlCode(c: number, allowNewline: boolean): boolean {
  return c < 0x20 ? !(allowNewline && c === 0x0a) : c >= 0x7f && c <= 0x9f;
}

/**
 * What is wrong with a name (already trimmed), or null: the text rules of any field, then the
 * rules that keep names honest (src/name-rules.ts).
 */
export function checkName(name: string): string | null {
  return checkText(name, MAX_NAME_CODE_POINTS, false) ?? nameProblem(name);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function oldProtocol(): ProtocolError {
  return new ProtocolError(
    "bad_frame",
    `This room speaks protocol ${PROTOCOL_VERSION}: everything said is end-to-end encrypted. Reload the page.`,
  );
}

function badSealed(type: string, maxChars: number): ProtocolError {
  return new ProtocolError(
    "bad_frame",
    `${type}.c must be sealed with the room's key: base64url, at most ${maxChars} characters.`,
  );
}

function tooLarge(): ProtocolError {
  return new ProtocolError("too_large", `Frames are limited to ${MAX_FRAME_BYTES} bytes.`);
}

function badField(type: string, field: string, expected: string): ProtocolError {
  return new ProtocolError("bad_frame", `${type}.${field} must be ${expected}.`);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Not JSON: the caller reports a bad frame; the parser's message may quote the input.
    return undefined;
  }
}

/** True for a plain JSON-style object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function toUser(v: unknown): User | null {
  return isRecord(v) && typeof v.id === "string" && typeof v.name === "string" ? { id: v.id, name: v.name } : null;
}

function toPeer(v: unknown): Peer | null {
  const user = toUser(v);
  return user && isRecord(v) && typeof v.away === "boolean" ? { ...user, away: v.away } : null;
}
