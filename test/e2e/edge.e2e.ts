/**
 * What only the real server stack shows (wrangler dev: its static-asset routing, its HTTP and
 * WebSocket layers), driven from Node without a browser: the chat page is served only for room
 * links, frames over the runtime's 32 MiB limit are closed with 1009, and a flooder that ignores
 * the room's close is cut off.
 */
import { connect } from "node:net";
import { describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { newRoomUrl, personalAddress } from "../../scripts/people.ts";

const baseUrl = inject("baseUrl");

/** Opens a room's socket with the `ws` client and resolves once the welcome has arrived. */
async function openSocket(roomUrl: string): Promise<WebSocket> {
  // A socket's URL has no fragment: the key in the link never goes to the server.
  const ws = new WebSocket(roomUrl.replace(/^http/, "ws").split("#")[0] ?? roomUrl, { headers: personalAddress() });
  await new Promise<void>((ok, fail) => {
    ws.once("message", () => ok());
    ws.once("error", fail);
  });
  return ws;
}

describe("the real server stack", () => {
  it("serves the chat page only for room links: /room.html itself is a 404", async () => {
    const res = await fetch(`${baseUrl}/room.html`);
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await res.text()).toContain("No such room");
    // Its script and styles are still static files.
    expect((await fetch(`${baseUrl}/style.css`)).status).toBe(200);
  });

  it("answers an oversized frame with too_large, and one over the runtime's 32 MiB by closing with 1009", async () => {
    const ws = await openSocket(await newRoomUrl(baseUrl));
    const reply = new Promise<string>((ok) => ws.once("message", (data) => ok(String(data))));
    ws.send("x".repeat(5_000));
    expect(JSON.parse(await reply)).toMatchObject({ type: "error", code: "too_large" });
    const closed = new Promise<number>((ok) => ws.once("close", (code) => ok(code)));
    ws.send("x".repeat(33 * 2 ** 20));
    expect(await closed).toBe(1009);
  });

  it("cuts off a flooder that ignores the room's close, within seconds", async () => {
    const { host, port } = new URL(baseUrl);
    const room = new URL(await newRoomUrl(baseUrl)).pathname;
    const witness = await openSocket(`${baseUrl}${room}`);
    // A raw client: a real handshake, then masked text frames as fast as TCP takes them, never
    // reading what comes back (so never answering the room's close).
    const socket = connect(Number(port), host.replace(/:\d+$/, "").replace(/^\[|\]$/g, ""));
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
    socket.write(
      `GET ${room} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nCF-Connecting-IP: ${personalAddress()["CF-Connecting-IP"]}\r\n\r\n`,
    );
    const payload = Buffer.from('{"type":"keys","text":"x"}');
    const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
    const started = Date.now();
    let cutAfterMs = -1;
    socket.on("error", () => undefined);
    socket.on("close", () => {
      cutAfterMs = Date.now() - started;
    });
    while (cutAfterMs < 0 && Date.now() - started < 15_000) {
      if (!socket.write(Buffer.concat(Array.from({ length: 200 }, () => frame)))) {
        await new Promise((ok) => setTimeout(ok, 5));
      }
      await new Promise((ok) => setImmediate(ok));
    }
    socket.destroy();
    witness.close();
    expect(cutAfterMs).toBeGreaterThan(0);
    expect(cutAfterMs).toBeLessThan(10_000);
  }, 20_000);
});
