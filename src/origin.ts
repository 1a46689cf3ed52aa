/**
 * Cross-site WebSocket hijacking guard. Browsers send an Origin with every WebSocket handshake
 * but apply no same-origin policy to it, so without this check any page a visitor opens could
 * open sockets to rooms on our origin. Clients without an Origin (wscat, bots) are let through:
 * they are not a browser acting for someone else, and could forge any header anyway.
 */
export function isAllowedOrigin(origin: string | null, requestUrl: URL, allowed: ReadonlySet<string>): boolean {
  return origin === null || origin === requestUrl.origin || allowed.has(origin);
}
