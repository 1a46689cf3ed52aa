/**
 * Room ids: unguessable, self-verifying and self-expiring, so the edge can turn away a link that
 * was never minted or has expired without storing anything or waking a Durable Object.
 *
 * An id is one 125-bit number written with hashids: 64 random bits (the secret that makes the
 * link private), the mint time in seconds (31 bits), and a 30-bit HMAC-SHA-256 tag over both.
 * Privacy rests on the random bits alone; the tag only proves that this deployment minted the
 * id at that time, so a forged or altered id is refused and expiry cannot be pushed back.
 */
import Hashids from "hashids";
import type { Config } from "./config.ts";

/**
 * Longest id we mint or accept. hashids writes one number as a lottery character plus digits in
 * base 44 (its 62 letters minus separators and guards); 23 such digits hold 125.6 bits.
 */
export const ROOM_ID_MAX_LENGTH = 24;

// hashids is an encoding here, not a secret: the salt only fixes the alphabet's order.
const hashids = new Hashids("phantachat");
const ID_PATTERN = /^[A-Za-z0-9]{1,24}$/;
const RANDOM_BITS = 64n;
const TIME_BITS = 31n;
const TAG_BITS = 30n;
/** Mint times count seconds from 2026-01-01T00:00:00Z; 31 bits last until 2094. */
const EPOCH_SECONDS = 1_767_225_600;
/** A mint time this far ahead of our clock was not written by us (clocks differ by less). */
const MAX_CLOCK_SKEW_SECONDS = 300;

export type RoomIdCheck =
  | { status: "ok"; mintedAt: number }
  | { status: "expired"; mintedAt: number }
  | { status: "unknown" };

/** Mints a fresh room id. `nowMs` is the mint time (ms since 1970). */
export async function mintRoomId(key: CryptoKey, nowMs: number): Promise<string> {
  const random = crypto.getRandomValues(new BigUint64Array(1))[0] ?? 0n;
  const seconds = BigInt(Math.floor(nowMs / 1000) - EPOCH_SECONDS);
  if (seconds < 0n || seconds >= 1n << TIME_BITS) throw new RangeError(`mint time ${nowMs} is outside the id's range`);
  const tag = await signRoom(key, random, seconds);
  return hashids.encode((random << (TIME_BITS + TAG_BITS)) | (seconds << TAG_BITS) | tag);
}

/**
 * Checks that `id` is a well-formed id minted with `key`, and whether it is older than
 * `ttlSeconds` at `nowMs`. Never throws on any input string.
 */
export async function checkRoomId(id: string, key: CryptoKey, nowMs: number, ttlSeconds: number): Promise<RoomIdCheck> {
  const n = decodeRoomNumber(id);
  if (n === null) return { status: "unknown" };
  const tag = n & mask(TAG_BITS);
  const seconds = (n >> TAG_BITS) & mask(TIME_BITS);
  const random = n >> (TIME_BITS + TAG_BITS);
  const expected = await signRoom(key, random, seconds);
  if (!equalInConstantTime(bigintBytes(tag, 4), bigintBytes(expected, 4))) return { status: "unknown" };
  const mintedAt = (Number(seconds) + EPOCH_SECONDS) * 1000;
  if (mintedAt > nowMs + MAX_CLOCK_SKEW_SECONDS * 1000) return { status: "unknown" };
  return nowMs - mintedAt > ttlSeconds * 1000 ? { status: "expired", mintedAt } : { status: "ok", mintedAt };
}

/** Imports the HMAC key that signs room ids from the deployment's secret. */
export function importRoomKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
}

let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;
let warnedDevSecret = false;

/**
 * The HMAC key for this deployment's room ids, imported once per isolate. Warns once in the log
 * when a deployment that is not on this machine signs with the public development key.
 */
export function roomKey(config: Config, hostname: string): Promise<CryptoKey> {
  if (config.usesDevSecret && !warnedDevSecret && !isLocalHost(hostname)) {
    warnedDevSecret = true;
    console.warn("ROOM_SECRET is not set: room links are signed with the public development key (see README).");
  }
  if (cachedKey?.secret !== config.roomSecret) {
    cachedKey = { secret: config.roomSecret, key: importRoomKey(config.roomSecret) };
  }
  return cachedKey.key;
}

function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

/** The id's number, or null unless `id` is exactly what hashids writes for a 128-bit number. */
function decodeRoomNumber(id: string): bigint | null {
  if (!ID_PATTERN.test(id)) return null;
  let numbers: unknown[];
  try {
    // decode() re-encodes what it read and returns [] unless that gives back `id` exactly,
    // so every room has one spelling.
    numbers = hashids.decode(id);
  } catch {
    // Characters outside hashids' alphabet (its guards and separators are inside the pattern).
    return null;
  }
  if (numbers.length !== 1) return null;
  const [n] = numbers;
  const big = typeof n === "bigint" ? n : typeof n === "number" && Number.isSafeInteger(n) ? BigInt(n) : null;
  return big !== null && big >= 0n && big < 1n << (RANDOM_BITS + TIME_BITS + TAG_BITS) ? big : null;
}

async function signRoom(key: CryptoKey, random: bigint, seconds: bigint): Promise<bigint> {
  const message = new Uint8Array(12);
  message.set(bigintBytes(random, 8), 0);
  message.set(bigintBytes(seconds, 4), 8);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return bytesBigint(mac.subarray(0, 4)) >> (32n - TAG_BITS);
}

/** Compares without an early exit, so response times say nothing about how much of a tag was right. */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function mask(bits: bigint): bigint {
  return (1n << bits) - 1n;
}

/** Big-endian bytes of a non-negative bigint, exactly `length` long. */
function bigintBytes(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, rest = n; i >= 0; i--, rest >>= 8n) out[i] = Number(rest & 0xffn);
  return out;
}

function bytesBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
