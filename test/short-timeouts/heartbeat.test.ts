/** Runs with HEARTBEAT_TIMEOUT_MS = 1500 (see vitest.config.ts), so silent sockets die within seconds. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULTS, readConfig } from "../../src/config.ts";
import { join, joinMany, mintRoom, type Peer, sleep } from "../helpers.ts";

/** Pings every 300 ms until stopped, reading the pongs, like the page's heartbeat. */
function heartbeat(peer: Peer): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      peer.send("ping");
      expect(await peer.nextRaw()).toBe("pong");
      await sleep(300);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

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
    expect(await alive.peer.expect("leave")).toEqual({ type: "leave", user: zombie.welcome.you });
    expect(await writer.peer.expect("leave")).toEqual({ type: "leave", user: zombie.welcome.you });
    expect(await zombie.peer.closed()).toMatchObject({ code: 1001 });
    await alive.peer.expectSilence();
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
