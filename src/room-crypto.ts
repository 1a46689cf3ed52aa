/**
 * End-to-end encryption of what people say: the room relays ciphertext it cannot read. The key
 * is 16 random bytes made by the first page in a room and carried in the link's fragment
 * (`/<room>#k=…`), which browsers never send to a server. WebCrypto only, shared by the page and
 * the tests (docs/security.md says what this does and does not promise).
 *
 * - Subkeys: HKDF-SHA-256 from the link key, salted with the room id, one AES-128-GCM key for
 *   keystrokes and one for names, so a ciphertext of one kind never opens as the other.
 * - Every message: a fresh random 12-byte IV; the protocol version, frame type, room id and (for
 *   keystrokes) the sender's id bound as additional authenticated data, so a frame cannot be
 *   moved to another room, re-typed or re-attributed; the sender's counter `n` inside, so a
 *   replayed or reordered frame is refused (KeysReplayGuard).
 * - A sealed message is base64url(IV ‖ ciphertext ‖ tag).
 */

/** Bytes of a link key: 128 bits. */
export const LINK_KEY_BYTES = 16;
const IV_BYTES = 12;
/** AES-GCM's tag. */
const TAG_BYTES = 16;
/** Binds every message to this protocol: a v3 message can never be taken for a v2 one. */
const CONTEXT = "phantachat/2";

/**
 * Longest sealed keystroke frame, in base64url characters: a counter of up to 16 digits and a
 * newline, and 64 code points of 4 bytes at most, plus IV and tag. The room enforces it.
 */
export const MAX_SEALED_KEYS_CHARS = base64urlLength(IV_BYTES + 17 + 64 * 4 + TAG_BYTES);
/** Longest sealed name: 32 code points of 4 bytes at most, plus IV and tag. */
export const MAX_SEALED_NAME_CHARS = base64urlLength(IV_BYTES + 32 * 4 + TAG_BYTES);
/** Shortest sealed message of either kind: IV, tag and at least one byte. */
export const MIN_SEALED_CHARS = base64urlLength(IV_BYTES + 1 + TAG_BYTES);

/** Bytes in an ArrayBuffer of their own: what WebCrypto takes. */
type Bytes = Uint8Array<ArrayBuffer>;

export interface RoomKeys {
  room: string;
  keys: CryptoKey;
  names: CryptoKey;
}

/** A new link key, base64url (22 characters). */
export function newLinkKey(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(LINK_KEY_BYTES)));
}

/** The link key in a fragment like `#k=…`, or null when there is none or it is not 16 bytes. */
export function linkKeyOf(fragment: string): Bytes | null {
  const match = /^#k=([A-Za-z0-9_-]{22})$/.exec(fragment);
  const bytes = match?.[1] ? fromBase64url(match[1]) : null;
  return bytes?.length === LINK_KEY_BYTES ? bytes : null;
}

/** The room's subkeys, derived from the link key. */
export async function roomKeys(linkKey: Bytes, room: string): Promise<RoomKeys> {
  const ikm = await crypto.subtle.importKey("raw", linkKey, "HKDF", false, ["deriveKey"]);
  const derive = (info: string) =>
    crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: utf8(`${CONTEXT}\n${room}`), info: utf8(info) },
      ikm,
      { name: "AES-GCM", length: 128 },
      false,
      ["encrypt", "decrypt"],
    );
  return { room, keys: await derive("keys"), names: await derive("names") };
}

/** Seals the keystrokes `text`, the sender's frame number `n`, for `sender` (their id). */
export function sealKeys(keys: RoomKeys, sender: string, n: number, text: string): Promise<string> {
  return seal(keys.keys, keysContext(keys.room, sender), `${n}\n${text}`);
}

/** Opens a sealed keystroke frame from `sender`, or null if it was not made with this room's key for them. */
export async function openKeys(
  keys: RoomKeys,
  sender: string,
  sealed: string,
): Promise<{ n: number; text: string } | null> {
  const plain = await open(keys.keys, keysContext(keys.room, sender), sealed);
  const match = plain === null ? null : /^(\d{1,16})\n([\s\S]+)$/.exec(plain);
  const n = Number(match?.[1]);
  return match?.[2] !== undefined && Number.isSafeInteger(n) && n > 0 ? { n, text: match[2] } : null;
}

/**
 * Seals a name. It is bound to the room but not to a sender: a newcomer seals their name before
 * the room gives them an id. Everyone holding the link can pose as anyone anyway (one shared key:
 * docs/security.md).
 */
export function sealName(keys: RoomKeys, name: string): Promise<string> {
  return seal(keys.names, `${CONTEXT}\nname\n${keys.room}`, name);
}

/** Opens a sealed name, or null. */
export function openName(keys: RoomKeys, sealed: string): Promise<string | null> {
  return open(keys.names, `${CONTEXT}\nname\n${keys.room}`, sealed);
}

/**
 * Refuses a sender's keystroke frame that is not newer than the last one accepted from them: a
 * replay, or one reordered behind a later one. Also what shows a frame sent again after a
 * reconnect only once.
 */
export class KeysReplayGuard {
  readonly #last = new Map<string, number>();

  /** True when frame `n` from `sender` is new: it is then noted as the last one. */
  accept(sender: string, n: number): boolean {
    if (n <= (this.#last.get(sender) ?? 0)) return false;
    this.#last.set(sender, n);
    return true;
  }
}

/** True for text that can only be a sealed message of the given bounds: base64url, of a sealed length. */
export function isSealed(value: unknown, maxChars: number): value is string {
  return (
    typeof value === "string" &&
    value.length >= MIN_SEALED_CHARS &&
    value.length <= maxChars &&
    value.length % 4 !== 1 &&
    /^[A-Za-z0-9_-]+$/.test(value)
  );
}

function keysContext(room: string, sender: string): string {
  return `${CONTEXT}\nkeys\n${room}\n${sender}`;
}

async function seal(key: CryptoKey, context: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(context) }, key, utf8(plain));
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv, 0);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return toBase64url(out);
}

async function open(key: CryptoKey, context: string, sealed: string): Promise<string | null> {
  const bytes = fromBase64url(sealed);
  if (!bytes || bytes.length < IV_BYTES + TAG_BYTES + 1) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: utf8(context) },
      key,
      bytes.subarray(IV_BYTES),
    );
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plain);
  } catch {
    // Another key, another room, another sender or kind, or tampered with: not ours to show.
    return null;
  }
}

function utf8(text: string): Bytes {
  return Uint8Array.from(new TextEncoder().encode(text));
}

/** Characters of base64url, without padding, for `bytes` bytes. */
function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

export function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Bytes | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
