/** Runs with HEARTBEAT_TIMEOUT_MS = 1500 (see vitest.config.ts), so silent sockets die within seconds. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULTS, readConfig } from "../../src/config.ts";
import { heartbeat, join, joinMany, mintRoom, sleep } from "../helpers.ts";

describe("dead sockets (HEARTBEAT_TIMEOUT_MS = 1500)", () => {
  it("runs with the short timeout it was written for", () => {
    expect(readConfig(env).heartbeatTimeoutMs).toBe(1_500);
  });

  it("drops a socket that stopped pinging and announces its leave, but keeps one that pings", async () => {
    const room = await mintRoom();
    const [alive, zombie, writer] = await joinMany(room, 3);
    if (!alive || !zombie || !writer) throw new Error("joinMany");
    const stop = heartbeat(alive.peer);
    await sleep(1_800);
    await stop();

    // The writer has been silent too, but sending a frame is a sign of life: the sweep runs after it.
    writer.peer.send({ type: "keys", text: "hello?" });
    expect(await alive.peer.expect("keys")).toMatchObject({ text: "hello?" });
    expect(await alive.peer.expect("leave")).toEqual({ type: "leave", user: zombie.welcome.you, lost: true });
    expect(await writer.peer.expect("leave")).toEqual({ type: "leave", user: zombie.welcome.you, lost: true });
    expect(await zombie.peer.closed()).toMatchObject({ code: 1001 });
    await alive.peer.expectSilence();
  });

  it("tells the others that a silent socket left within the timeout, even when nobody types", async () => {
    const room = await mintRoom();
    const [alive, zombie] = await joinMany(room, 2);
    if (!alive || !zombie) throw new Error("joinMany");
    const stop = heartbeat(alive.peer);
    // The room's sweep alarm fires a second after the zombie's deadline: 1.5 s + 1 s.
    const left = await alive.peer.until("leave", 4_000).finally(stop);
    expect(left).toEqual({ type: "leave", user: zombie.welcome.you, lost: true });
    expect(await zombie.peer.closed()).toMatchObject({ code: 1001 });
  });

  it("does not let dead sockets keep a full room full", async () => {
    const room = await mintRoom();
    const people = [];
    for (let i = 0; i < DEFAULTS.MAX_PEERS; i++) people.push(await join(room));
    // Long enough for all of them to go stale, short enough for the room link (3 s) to stay valid.
    await sleep(1_700);
    const late = await join(room);
    expect(late.welcome.peers).toEqual([]);
    expect((await people[0]?.peer.closed())?.code).toBe(1001);
  });
});
