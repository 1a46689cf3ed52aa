/**
 * One person's session in a room: what a socket's attachment holds, so it survives the room
 * hibernating. Attachments are capped at 16 KB by the runtime; this is well under 1 KB.
 */
import type { FloodState } from "./flood-guard.ts";
import { isRecord } from "./protocol.ts";

export interface Session {
  id: string;
  name: string;
  away: boolean;
  /** `keys` frames relayed for this socket so far; the last one carried this number. */
  seq: number;
  /** The highest `n` this person's frames carried: a frame sent again after a reconnect is not relayed twice. */
  lastN: number;
  flood: FloodState;
  /** When this socket last sent a frame (ms); pings are tracked by the runtime. */
  seenAt: number;
  /** When this person last renamed (ms): renames are limited, so they cannot flood the notices. */
  renamedAt: number;
  /**
   * What the Worker's rate limits count this client by (src/client-address.ts), or null. Kept
   * only in memory while the socket is open, never logged: a room that closes a flooder spends
   * the rest of that address's allowance of upgrades, so it cannot simply come back.
   */
  client: string | null;
}

/** What a socket we closed ourselves carries instead, so a room that wakes up does not revive it. */
export const DROPPED = { dropped: true } as const;

/** Narrows an attachment back into a session; anything else (none, DROPPED, an older shape) is null. */
export function toSession(v: unknown): Session | null {
  if (!isRecord(v) || !isRecord(v.flood)) return null;
  const { id, name, away, seq, lastN, seenAt, renamedAt, client } = v;
  if (typeof id !== "string" || typeof name !== "string" || typeof away !== "boolean") return null;
  if (typeof seq !== "number" || typeof seenAt !== "number" || typeof renamedAt !== "number") return null;
  if (typeof lastN !== "number") return null;
  if (client !== null && typeof client !== "string") return null;
  const { tokens, refilledAt, limitedSince, noticedAt, secondStart, secondCount } = v.flood;
  if (typeof tokens !== "number" || typeof refilledAt !== "number" || typeof noticedAt !== "number") return null;
  if (typeof secondStart !== "number" || typeof secondCount !== "number") return null;
  if (limitedSince !== null && typeof limitedSince !== "number") return null;
  const flood = { tokens, refilledAt, limitedSince, noticedAt, secondStart, secondCount };
  return { id, name, away, seq, lastN, seenAt, renamedAt, client, flood };
}
