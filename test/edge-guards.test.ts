/**
 * What the Worker refuses before anything reaches a room: handshakes that are not real, and
 * clients that connect or mint faster than people do (the Rate Limiting bindings, real counters
 * inside workerd). Each test counts from its own client addresses.
 */
import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientKey } from "../src/client-address.ts";
import { checkHandshake } from "../src/handshake.ts";
import { handshakeHeaders, join, joinMany, mintRoom, ORIGIN, sleep, upgrade } from "./helpers.ts";

/** A client address no other test uses. */
function freshIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

async function roomObjectExists(room: string): Promise<boolean> {
  const wanted = env.ROOMS.idFromName(room);
  return (await listDurableObjectIds(env.ROOMS)).some((id) => id.equals(wanted));
}

describe("checkHandshake", () => {
  const headers = (extra: Record<string, string>) => new Headers({ ...handshakeHeaders(), ...extra });

  it("accepts what browsers send", () => {
    expect(checkHandshake("GET", headers({}))).toBeNull();
    expect(checkHandshake("GET", headers({ "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" }))).toBeNull();
  });

  it("refuses a missing or malformed key, another version, another method", () => {
    const noKey = headers({});
    noKey.delete("Sec-WebSocket-Key");
    expect(checkHandshake("GET", noKey)).toBe("key");
    for (const key of [
      "",
      "short==",
      "dGhlIHNhbXBsZSBub25jZQ",
      "dGhlIHNhbXBsZSBub25jZR==",
      "dGhlIHNhbXBsZSBub25jZQ=!",
    ]) {
      expect(checkHandshake("GET", headers({ "Sec-WebSocket-Key": key })), key).toBe("key");
    }
    expect(checkHandshake("GET", headers({ "Sec-WebSocket-Version": "8" }))).toBe("version");
    expect(checkHandshake("POST", headers({}))).toBe("method");
  });
});

describe("clientKey", () => {
  it("counts IPv4 clients by address and IPv6 clients by their /64", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey(null)).toBeNull();
    expect(clientKey("")).toBeNull();
  });
});

describe("the Worker's door", () => {
  it("lets no phantom into a room: an upgrade without a real handshake is refused before the room", async () => {
    const room = await mintRoom();
    const bare = { Upgrade: "websocket" };
    const cases: [RequestInit, number][] = [
      [{ headers: bare }, 426],
      [{ headers: { ...bare, "Sec-WebSocket-Version": "13" } }, 400],
      [{ headers: { ...handshakeHeaders(), "Sec-WebSocket-Key": "not-a-nonce" } }, 400],
      [{ headers: { ...handshakeHeaders(), "Sec-WebSocket-Version": "8" } }, 426],
    ];
    for (const [init, status] of cases) {
      const res = await exports.default.fetch(`${ORIGIN}/${room}`, init);
      expect(res.status, JSON.stringify(init)).toBe(status);
      expect(res.webSocket).toBeNull();
    }
    expect(await roomObjectExists(room)).toBe(false);
    // Someone in the room hears of no join and no leave.
    const { peer } = await join(room);
    await exports.default.fetch(`${ORIGIN}/${room}`, { headers: bare });
    await peer.expectSilence(200);
  });

  it("limits minting per client address: an eleventh room a minute is refused with a page that says why", async () => {
    const ip = freshIp();
    const mint = (from: string) =>
      exports.default.fetch(`${ORIGIN}/`, { redirect: "manual", headers: { "CF-Connecting-IP": from } });
    for (let i = 0; i < 10; i++) expect((await mint(ip)).status).toBe(303);
    const refused = await mint(ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    expect(await refused.text()).toContain("Too many new rooms");
    expect((await mint(freshIp())).status).toBe(303);
  });

  it("limits WebSocket upgrades per client address, counting an IPv6 client by its /64", async () => {
    const room = await mintRoom();
    const prefix = `2001:db8:${crypto.getRandomValues(new Uint16Array(1))[0]?.toString(16)}:7`;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await upgrade(room, { "CF-Connecting-IP": `${prefix}::${i + 1}` });
      expect(res.status, `upgrade ${i + 1}`).toBe(101);
      if (res.webSocket) {
        res.webSocket.accept();
        sockets.push(res.webSocket);
      }
    }
    const refused = await upgrade(room, { "CF-Connecting-IP": `${prefix}::99` });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    for (const ws of sockets) ws.close();
    // Others are not affected.
    const { peer } = await join(room, { "CF-Connecting-IP": freshIp() });
    peer.close();
  });

  it("keeps a flooder it closed from coming straight back from the same address", async () => {
    const room = await mintRoom();
    const ip = freshIp();
    const flooder = await join(room, { "CF-Connecting-IP": ip });
    const [other] = await joinMany(room, 1);
    for (let i = 0; i < 400; i++) flooder.peer.send({ type: "keys", text: "x" });
    expect((await flooder.peer.closed()).code).toBe(1008);
    // The room spends the address's allowance without waiting: give it a moment.
    let status = 0;
    for (let i = 0; i < 20 && status !== 429; i++) {
      await sleep(50);
      status = (await upgrade(room, { "CF-Connecting-IP": ip })).status;
    }
    expect(status).toBe(429);
    other?.peer.close();
  });
});
