/**
 * The edge: mints room links, turns away links that are unknown or expired and handshakes that
 * are not real without waking a Durable Object, limits how fast one client may connect and mint,
 * and hands each room's WebSockets to that room's Room object.
 */
import { clientKey } from "./client-address.ts";
import { type Config, ConfigError, readConfig } from "./config.ts";
import { checkHandshake } from "./handshake.ts";
import { isAllowedOrigin } from "./origin.ts";
import { secured, slowDownPage, unknownRoomPage, vanishedRoomPage } from "./pages.ts";
import { checkRoomId, mintRoomId, ROOM_ID_MAX_LENGTH, roomKey } from "./room-id.ts";

export { Room } from "./room.ts";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    let response: Response;
    try {
      response = await route(request, env, url);
    } catch (error) {
      // Our bug or a bad deployment setting: say so in the log, never to the visitor.
      console.error(error instanceof ConfigError ? `config: ${error.message}` : error);
      response = new Response("Something went wrong on our side.", { status: 500 });
    }
    return secured(response, url);
  },
} satisfies ExportedHandler<Env>;

async function route(request: Request, env: Env, url: URL): Promise<Response> {
  const config = readConfig(env);
  const isGet = request.method === "GET" || request.method === "HEAD";
  // Browsers show no body for a refused WebSocket handshake, so those get plain statuses.
  const upgrade = request.headers.get("Upgrade")?.toLowerCase() === "websocket";
  const client = clientKey(request.headers.get("CF-Connecting-IP"));

  if (url.pathname === "/" && !upgrade) {
    if (!isGet) return methodNotAllowed();
    if (client !== null && !(await env.MINTS.limit({ key: client })).success) return slowDownPage();
    const room = await mintRoomId(await roomKey(config, url.hostname), Date.now());
    // Never cached (secured() says so): a shared cached redirect would put strangers in one room.
    // "#new" tells the page to make the room's key: the fragment never comes back to us, and
    // browsers keep a redirect's fragment (RFC 9110 §10.2.2).
    return new Response(null, { status: 303, headers: { Location: `/${room}#new` } });
  }

  const room = /^\/([^/]+)$/.exec(url.pathname)?.[1] ?? "";
  const check = await checkRoom(room, config, url);
  if (!check || check.status === "unknown") {
    return upgrade ? new Response("No such room", { status: 404 }) : unknownRoomPage();
  }
  if (!upgrade) {
    if (!isGet) return methodNotAllowed();
    if (check.status === "expired") return vanishedRoomPage(config.roomTtlSeconds);
    // The page is a static file, but only a room link serves it (/room.html itself is refused).
    const page = await env.ASSETS.fetch(new URL("/room.html", url), { method: request.method });
    return page.ok ? page : new Response("The chat page is missing from this deployment", { status: 500 });
  }

  // Rooms that expire while people are in them keep going: the check is at the door only.
  if (check.status === "expired") return new Response("This room has vanished", { status: 410 });
  if (!isAllowedOrigin(request.headers.get("Origin"), url, config.allowedOrigins)) {
    return new Response("This origin may not open Phantachat rooms", { status: 403 });
  }
  const problem = checkHandshake(request.method, request.headers);
  if (problem === "method") return methodNotAllowed();
  if (problem === "version") {
    return new Response("Only WebSocket version 13 is spoken here", {
      status: 426,
      headers: { "Sec-WebSocket-Version": "13" },
    });
  }
  if (problem === "key")
    return new Response("Not a WebSocket handshake: Sec-WebSocket-Key is missing or malformed", { status: 400 });
  if (client !== null && !(await env.UPGRADES.limit({ key: client })).success) {
    return new Response("Too many connections from your network; try again in a minute", {
      status: 429,
      headers: { "Retry-After": "60" },
    });
  }
  return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
}

/** What a path's room id is worth: null for something that cannot be a room id at all. */
async function checkRoom(room: string, config: Config, url: URL) {
  if (room.length === 0 || room.length > ROOM_ID_MAX_LENGTH) return null;
  return checkRoomId(room, await roomKey(config, url.hostname), Date.now(), config.roomTtlSeconds);
}

function methodNotAllowed(): Response {
  return new Response("Method not allowed", { status: 405, headers: { Allow: "GET, HEAD" } });
}
