import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseServerFrame } from "../src/protocol.ts";
import { join, joinMany, mintRoom, type Peer, sleep } from "./helpers.ts";

/** Anything a hostile or broken client could put in a frame. */
const hostileFrame = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"),
  fc
    .record(
      {
        type: fc.constantFrom("keys", "name", "away", "welcome", "error", "KEYS", "", "__proto__"),
        text: fc.oneof(fc.string({ unit: "binary", maxLength: 70 }), fc.integer(), fc.constant(null)),
        name: fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.boolean()),
        away: fc.oneof(fc.boolean(), fc.string(), fc.constant(0)),
        seq: fc.integer(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => bytes.slice().buffer),
  fc.constantFrom("ping", "pong", "x".repeat(5_000), '{"type":"keys","text":"\\ud800"}', "{", "[]", "null"),
);

describe("a room under random input", () => {
  it("never crashes, and honest peers keep talking whatever another peer sends", async () => {
    const room = await mintRoom();
    const [alice, bob] = await joinMany(room, 2);
    if (!alice || !bob) throw new Error("joinMany");
    let attacker = (await join(room)).peer;
    let said = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(hostileFrame, { minLength: 1, maxLength: 12 }), async (frames) => {
        if (attacker.ws.readyState !== WebSocket.OPEN) attacker = (await join(room)).peer;
        for (const frame of frames) attacker.send(frame);
        said += 1;
        // Alice types like a person (under 40 frames/s), so flood control never touches her.
        await sleep(30);
        alice.peer.send({ type: "keys", text: `honest ${said}` });
        // Bob hears Alice, in order, whatever else the attacker managed to say in between.
        const heard = await bob.peer.until("keys");
        const fromAlice = heard.from === alice.welcome.you.id ? heard : await untilFrom(bob.peer, alice.welcome.you.id);
        expect(fromAlice).toMatchObject({ text: `honest ${said}`, seq: said });
      }),
      { numRuns: 150 },
    );

    // Alice was never told off, and the attacker only ever got protocol frames back.
    while (alice.peer.pending() > 0) expect((await alice.peer.next()).type).not.toBe("error");
    while (attacker.pending() > 0) {
      const raw = await attacker.nextRaw();
      expect(raw === "pong" || parseServerFrame(raw) !== null, String(raw)).toBe(true);
    }
  }, 60_000);
});

async function untilFrom(peer: Peer, from: string) {
  for (;;) {
    const frame = await peer.until("keys");
    if (frame.from === from) return frame;
  }
}
