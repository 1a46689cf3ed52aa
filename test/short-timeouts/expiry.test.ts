/** Runs with ROOM_TTL_SECONDS = 3 (see vitest.config.ts), so links expire within seconds. */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.ts";
import { heartbeat, joinMany, mintRoom, ORIGIN, sleep, upgrade } from "../helpers.ts";

describe("room expiry (ROOM_TTL_SECONDS = 3)", () => {
  it("runs with the short TTL it was written for", () => {
    expect(readConfig(env).roomTtlSeconds).toBe(3);
  });

  it("serves a fresh link, then turns it away with 410 once the TTL has passed, while open sockets keep talking", async () => {
    const room = await mintRoom();
    expect((await exports.default.fetch(`${ORIGIN}/${room}`)).status).toBe(200);
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");

    // Mint times have one-second resolution, so a 3 s link lasts 3 to 4 s. Both keep pinging
    // meanwhile, or the room would sweep them out as dead (HEARTBEAT_TIMEOUT_MS is 1.5 s here).
    const stops = [heartbeat(a.peer), heartbeat(b.peer)];
    await sleep(4_100);
    await Promise.all(stops.map((stop) => stop()));

    const page = await exports.default.fetch(`${ORIGIN}/${room}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("3 seconds");
    expect((await upgrade(room)).status).toBe(410);

    a.peer.send({ type: "keys", text: "still here" });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "still here", seq: 1 });
  });
});
