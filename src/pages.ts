/**
 * HTML the Worker itself returns (error pages) and the headers every HTML response carries.
 * public/_headers sets the same for static files, because it does not apply to Worker responses.
 */

/** No inline script or style anywhere, no third-party anything, never framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Headers for every HTML response. A room link is the key to the room, so it must not leak
 * through Referer, caches or search engines.
 */
export function htmlSecurityHeaders(): Headers {
  return new Headers({
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
  });
}

/** Copies a static-asset response, adding the HTML security headers. */
export function withHtmlSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of htmlSecurityHeaders()) headers.set(name, value);
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
  return new Response(html, { status, headers: htmlSecurityHeaders() });
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
