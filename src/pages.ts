/**
 * HTML the Worker itself returns (error pages) and the headers every response of the Worker
 * carries. public/_headers sets the same for static files, because it does not apply to Worker
 * responses.
 */

/**
 * No inline script or style anywhere, no third-party anything, never framed. The page's own
 * socket is named as well as 'self': Safari before 16 does not count wss: as 'self'.
 */
export function contentSecurityPolicy(pageUrl: URL): string {
  const socket = `${pageUrl.protocol === "https:" ? "wss:" : "ws:"}//${pageUrl.host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${socket}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Headers for every response the Worker writes, errors included. A room link is the key to the
 * room, so nothing may leak it through Referer, caches or search engines.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex, nofollow",
  "Cache-Control": "no-store",
};

/** And for every HTML response: the policy above, never framed, its own browsing context group. */
function htmlHeaders(pageUrl: URL): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(pageUrl),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
}

/**
 * A copy of `response` with the security headers: the one boundary every Worker response passes
 * (src/worker.ts). The 101 of a WebSocket upgrade is the runtime's and passes as it is.
 */
export function secured(response: Response, pageUrl: URL): Response {
  if (response.status === 101) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  if (headers.get("Content-Type")?.startsWith("text/html")) {
    for (const [name, value] of Object.entries(htmlHeaders(pageUrl))) headers.set(name, value);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The page for a link that is not a room we minted: mistyped, truncated or made up. */
export function unknownRoomPage(): Response {
  return errorPage(
    404,
    "No such room",
    "This link does not lead to a Phantachat room. It may be mistyped or cut short.",
  );
}

/** The page for a visitor who opened more new rooms this minute than a person does. */
export function slowDownPage(): Response {
  const page = errorPage(
    429,
    "Slow down",
    "Too many new rooms were opened from your network in the last minute. Wait a moment, then try again.",
  );
  page.headers.set("Retry-After", "60");
  return page;
}

/** The page for a room link older than the deployment's ROOM_TTL_SECONDS. */
export function vanishedRoomPage(ttlSeconds: number): Response {
  return errorPage(
    410,
    "This room has vanished",
    `Room links last ${describeDuration(ttlSeconds)}; this one has expired. Nothing said in it was ever kept.`,
  );
}

function errorPage(status: number, title: string, explanation: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Phantachat</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
</head>
<body class="notice">
<main>
<h1>${title}</h1>
<p>${explanation}</p>
<p><a class="button" href="/">Start a new room</a></p>
</main>
</body>
</html>
`;
  return new Response(html, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/** "24 hours", "90 minutes", "45 seconds": the largest unit that divides evenly. */
export function describeDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    // Whole days read oddly below a week ("1 day" is "24 hours" to most people).
    if (seconds % size === 0 && (unit !== "day" || seconds >= 7 * 86_400)) return plural(seconds / size, unit);
  }
  return plural(seconds, "second");
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}
