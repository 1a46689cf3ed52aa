/**
 * What the page does to typed text before it goes on the wire: make it something the server
 * accepts (no control characters but newline, well-formed Unicode) and cut it into frames of at
 * most MAX_KEYS_CODE_POINTS. An IME commit or dictation can hand over a long string at once.
 * Pure, so it is tested in test/outgoing.test.ts.
 */
import { MAX_KEYS_CODE_POINTS } from "../protocol";

/** Normalises typed text: CR/CRLF become newlines, tabs become spaces, other controls go. */
export function normaliseTyped(text: string): string {
  let out = "";
  for (const ch of text.toWellFormed().replace(/\r\n?/g, "\n")) {
    const c = ch.charCodeAt(0);
    if (c === 0x09) out += " ";
    else if (c === 0x0a || (c >= 0x20 && c < 0x7f) || c > 0x9f) out += ch;
  }
  return out;
}

/** Splits text into chunks of at most `max` code points, never inside a surrogate pair. */
export function chunkText(text: string, max = MAX_KEYS_CODE_POINTS): string[] {
  const chunks: string[] = [];
  let current = "";
  let count = 0;
  for (const codePoint of text) {
    if (count === max) {
      chunks.push(current);
      current = "";
      count = 0;
    }
    current += codePoint;
    count++;
  }
  if (current) chunks.push(current);
  return chunks;
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
