import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config.ts";
import { checkRoomId, importRoomKey, mintRoomId } from "../src/room-id.ts";
import { join, mintRoom, ORIGIN, upgrade } from "./helpers.ts";

const config = readConfig(env);
const key = await importRoomKey(config.roomSecret);

function get(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, { redirect: "manual", ...init });
}

/** A room id minted `ageSeconds` ago with this deployment's key. */
function roomMintedAgo(ageSeconds: number): Promise<string> {
  return mintRoomId(key, Date.now() - ageSeconds * 1000);
}

async function roomObjectExists(room: string): Promise<boolean> {
  const wanted = env.ROOMS.idFromName(room);
  return (await listDurableObjectIds(env.ROOMS)).some((id) => id.equals(wanted));
}

function expectHtmlSecurityHeaders(res: Response): void {
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
}

describe("GET /", () => {
  it("mints a room and redirects to it, uncached", async () => {
    const res = await get("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const location = res.headers.get("Location") ?? "";
    // "#new": the page makes the room's key, which the server never sees.
    expect(location).toMatch(/^\/[A-Za-z0-9]{1,24}#new$/);
    const room = location.slice(1, -"#new".length);
    expect((await checkRoomId(room, key, Date.now(), config.roomTtlSeconds)).status).toBe("ok");
  });

  it("answers HEAD like GET", async () => {
    const res = await get("/", { method: "HEAD" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(/^\/[A-Za-z0-9]+#new$/);
  });

  it("never gives two visits the same room", async () => {
    const rooms = await Promise.all(Array.from({ length: 100 }, () => mintRoom()));
    expect(new Set(rooms).size).toBe(100);
  });

  it("refuses other methods with 405", async () => {
    const res = await get("/", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("mints without creating a Durable Object: rooms cost nothing until someone connects", async () => {
    const room = await mintRoom();
    expect(await roomObjectExists(room)).toBe(false);
  });
});

describe("GET /<room>", () => {
  it("serves the chat page for a minted room, private and uncached", async () => {
    const room = await mintRoom();
    const res = await get(`/${room}`);
    expect(res.status).toBe(200);
    expectHtmlSecurityHeaders(res);
    const html = await res.text();
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(await roomObjectExists(room)).toBe(false);
  });

  it("answers HEAD for a room page without a body", async () => {
    const res = await get(`/${await mintRoom()}`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("gives a 404 page with a way to start a new room for links that were never minted", async () => {
    const real = await mintRoom();
    const paths = [
      "/nope",
      `/${real.slice(0, -1)}`,
      `/${real}x`,
      `/${real}/`,
      `/${real}/extra`,
      `/${"a".repeat(24)}`,
      `/${"a".repeat(500)}`,
      "/a%2Fb",
      "/%F0%9F%98%80",
      "/room.htm",
    ];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expectHtmlSecurityHeaders(res);
      const html = await res.text();
      expect(html, path).toContain('href="/"');
      expect(html).toContain('<meta name="robots" content="noindex">');
    }
  });

  it("gives a 404 for a room signed by another deployment", async () => {
    const foreign = await mintRoomId(await importRoomKey("some-other-deployment-secret"), Date.now());
    expect((await get(`/${foreign}`)).status).toBe(404);
  });

  it("gives a 410 page saying the room has vanished once its link has expired", async () => {
    const room = await roomMintedAgo(config.roomTtlSeconds + 5);
    const res = await get(`/${room}`);
    expect(res.status).toBe(410);
    expectHtmlSecurityHeaders(res);
    const html = await res.text();
    expect(html).toContain("vanished");
    expect(html).toContain('href="/"');
  });

  it("still serves a room whose link is just inside its lifetime", async () => {
    const room = await roomMintedAgo(config.roomTtlSeconds - 5);
    expect((await get(`/${room}`)).status).toBe(200);
  });

  it("refuses other methods on a room with 405", async () => {
    const res = await get(`/${await mintRoom()}`, { method: "POST", body: "x" });
    expect(res.status).toBe(405);
  });
});

describe("every response", () => {
  it("carries nosniff, no-store and no-referrer, errors included, and HTML its CSP with the page's own socket", async () => {
    const room = await mintRoom();
    const expired = await roomMintedAgo(config.roomTtlSeconds + 5);
    const requests: [string, RequestInit][] = [
      ["/", {}],
      ["/", { method: "POST" }],
      ["/", { method: "DELETE" }],
      [`/${room}`, {}],
      [`/${room}`, { method: "PUT", body: "x" }],
      ["/nope", {}],
      [`/${expired}`, {}],
      ["/room.html", {}],
      ["/nope", { headers: { Upgrade: "websocket" } }],
      [`/${expired}`, { headers: { Upgrade: "websocket" } }],
      [`/${room}`, { headers: { Upgrade: "websocket" } }],
      [`/${room}`, { headers: { Upgrade: "websocket", "Sec-WebSocket-Version": "13" } }],
      [`/${room}`, { headers: { Upgrade: "websocket", Origin: "https://evil.example" } }],
    ];
    for (const [path, init] of requests) {
      const res = await get(path, init);
      const what = `${init.method ?? "GET"} ${path} → ${res.status}`;
      expect(res.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy"), what).toBe("no-referrer");
      expect(res.headers.get("Cache-Control"), what).toBe("no-store");
      if (res.headers.get("Content-Type")?.startsWith("text/html")) expectHtmlSecurityHeaders(res);
    }
    const page = await get(`/${room}`);
    expect(page.headers.get("Content-Security-Policy")).toContain("connect-src 'self' wss://phantachat.test");
  });
});

describe("WebSocket upgrade at /<room>", () => {
  it("connects to the room for a minted link", async () => {
    const res = await upgrade(await mintRoom());
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close();
  });

  it("refuses unknown rooms with HTTP 404 without waking a Durable Object", async () => {
    const real = await mintRoom();
    for (const room of ["nope", `${real.slice(0, -1)}`, "a".repeat(24)]) {
      const res = await upgrade(room);
      expect(res.status, room).toBe(404);
      expect(res.webSocket).toBeNull();
      expect(await roomObjectExists(room)).toBe(false);
    }
  });

  it("refuses expired rooms with HTTP 410 without waking a Durable Object", async () => {
    const room = await roomMintedAgo(config.roomTtlSeconds + 5);
    const res = await upgrade(room);
    expect(res.status).toBe(410);
    expect(await roomObjectExists(room)).toBe(false);
  });

  it("refuses a browser on another origin with 403 (cross-site WebSocket hijacking)", async () => {
    const room = await mintRoom();
    for (const origin of ["https://evil.example", "null", "http://phantachat.test", `${ORIGIN}:8443`]) {
      const res = await upgrade(room, { Origin: origin });
      expect(res.status, origin).toBe(403);
    }
    expect(await roomObjectExists(room)).toBe(false);
  });

  it("accepts its own origin, origins listed in ALLOWED_ORIGINS, and clients that send none", async () => {
    const room = await mintRoom();
    for (const headers of [{ Origin: ORIGIN }, { Origin: "https://friend.example" }, {}]) {
      const { peer } = await join(room, headers);
      peer.close();
    }
  });

  it("refuses a WebSocket upgrade at / and on paths that are not rooms", async () => {
    for (const path of ["", "a/b", "room.html"]) expect((await upgrade(path)).status, path).toBe(404);
  });
});
