/**
 * The edge: mints room links, turns away links that are unknown or expired without waking a
 * Durable Object, and hands each room's WebSockets to that room's Room object.
 */
import { ConfigError, readConfig } from "./config.ts";
import { isAllowedOrigin } from "./origin.ts";
import { unknownRoomPage, vanishedRoomPage, withHtmlSecurityHeaders } from "./pages.ts";
import { checkRoomId, mintRoomId, ROOM_ID_MAX_LENGTH, roomKey } from "./room-id.ts";

export { Room } from "./room.ts";

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      // Our bug or a bad deployment setting: say so in the log, never to the visitor.
      console.error(error instanceof ConfigError ? `config: ${error.message}` : error);
      return new Response("Something went wrong on our side.", { status: 500 });
    }
  },
} satisfies ExportedHandler<Env>;

async function route(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const config = readConfig(env);
  const isGet = request.method === "GET" || request.method === "HEAD";
  // Browsers show no body for a refused WebSocket handshake, so those get plain statuses.
  const upgrade = request.headers.get("Upgrade")?.toLowerCase() === "websocket";

  if (url.pathname === "/" && !upgrade) {
    if (!isGet) return methodNotAllowed();
    const room = await mintRoomId(await roomKey(config, url.hostname), Date.now());
    // Never cached: a shared cached redirect would put strangers in one room.
    return new Response(null, {
      status: 303,
      headers: { Location: `/${room}`, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
    });
  }

  const room = /^\/([^/]+)$/.exec(url.pathname)?.[1] ?? "";
  const check =
    room.length > 0 && room.length <= ROOM_ID_MAX_LENGTH
      ? await checkRoomId(room, await roomKey(config, url.hostname), Date.now(), config.roomTtlSeconds)
      : null;
  if (!check || check.status === "unknown") {
    return upgrade ? new Response("No such room", { status: 404 }) : unknownRoomPage();
  }
  if (!isGet) return methodNotAllowed();

  if (upgrade) {
    // Rooms that expire while people are in them keep going: the check is at the door only.
    if (check.status === "expired") return new Response("This room has vanished", { status: 410 });
    if (!isAllowedOrigin(request.headers.get("Origin"), url, config.allowedOrigins)) {
      return new Response("This origin may not open Phantachat rooms", { status: 403 });
    }
    return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
  }
  if (check.status === "expired") return vanishedRoomPage(config.roomTtlSeconds);
  const page = await env.ASSETS.fetch(new Request(new URL("/room.html", url), { method: request.method }));
  return page.ok ? withHtmlSecurityHeaders(page) : page;
}

function methodNotAllowed(): Response {
  return new Response("Method not allowed", { status: 405, headers: { Allow: "GET, HEAD" } });
}
