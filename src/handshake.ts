/**
 * Checks a WebSocket handshake at the edge (RFC 6455 §4.2.1), before anything reaches a room.
 * workerd only checks the key and version when the 101 goes out, after the room has accepted the
 * socket and announced a join: a plain request that merely says `Upgrade: websocket` would make
 * a phantom person join and leave, and bill a Durable Object request.
 */

export type HandshakeProblem = "method" | "version" | "key";

/** What is wrong with an upgrade request's handshake, or null when it is a real one. */
export function checkHandshake(method: string, headers: Headers): HandshakeProblem | null {
  if (method !== "GET") return "method";
  if (headers.get("Sec-WebSocket-Version")?.trim() !== "13") return "version";
  return isNonce(headers.get("Sec-WebSocket-Key")) ? null : "key";
}

/** A Sec-WebSocket-Key is 16 random bytes in base64: 22 characters and "==". */
function isNonce(key: string | null): boolean {
  const trimmed = key?.trim() ?? "";
  if (!/^[A-Za-z0-9+/]{22}==$/.test(trimmed)) return false;
  // The last character before the padding holds 2 bits of data and 4 zero bits.
  return "AQgw".includes(trimmed.charAt(21));
}
