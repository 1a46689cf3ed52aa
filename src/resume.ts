/**
 * Resume tokens: how a page that lost its connection comes back as the same person. The room
 * gives each person a token in `welcome`, an HMAC of the room and their id under the
 * deployment's secret; a page that reconnects with it gets the same id back (and so the same
 * colour on every screen), with no join or leave for the others to read. Stateless, so it works
 * whether or not the room hibernated or restarted in between, and unguessable, so nobody else can
 * take a person's place.
 */
import { importRoomKey } from "./room-id.ts";

/** 128 bits of HMAC-SHA-256, in base64url: 22 characters. */
const TOKEN_BYTES = 16;
const ID_PATTERN = /^[0-9a-f]{8}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

let cached: { secret: string; key: Promise<CryptoKey> } | undefined;

function keyFor(secret: string): Promise<CryptoKey> {
  if (cached?.secret !== secret) cached = { secret, key: importRoomKey(secret) };
  return cached.key;
}

/** The token that lets `id` come back to `room`. */
export async function resumeToken(secret: string, room: string, id: string): Promise<string> {
  // "resume" keeps these MACs apart from the room ids' own, made with the same secret.
  const message = new TextEncoder().encode(`resume\n${room}\n${id}`);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(secret), message));
  return base64url(mac.subarray(0, TOKEN_BYTES));
}

/**
 * The id a `resume` parameter (`<id>.<token>`) proves, or null for anything else. Never throws.
 * Compares without an early exit, so timing says nothing about how much of a token was right.
 */
export async function checkResume(secret: string, room: string, value: string | null): Promise<string | null> {
  const [id = "", token = "", ...rest] = (value ?? "").split(".");
  if (rest.length > 0 || !ID_PATTERN.test(id) || !TOKEN_PATTERN.test(token)) return null;
  const expected = await resumeToken(secret, room, id);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0 ? id : null;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
