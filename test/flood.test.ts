import { describe, expect, it } from "vitest";
import { BURST, GROSS_FRAMES_PER_SECOND, RATE_PER_SECOND } from "../src/flood-guard.ts";
import { joinMany, mintRoom, type Peer, type PlainFrame, sleep } from "./helpers.ts";

/** Reads frames until `quietMs` pass with none, and returns them. */
async function drain(peer: Peer, quietMs = 300): Promise<PlainFrame[]> {
  const frames: PlainFrame[] = [];
  for (;;) {
    try {
      frames.push(await peer.next(quietMs));
    } catch {
      // Nothing for quietMs: the burst is over.
      return frames;
    }
  }
}

describe("flood control", () => {
  it("cuts a burst of hundreds of frames within a second, with one notice, while others talk on", async () => {
    const [flooder, victim, bystander] = await joinMany(await mintRoom(), 3);
    if (!flooder || !victim || !bystander) throw new Error("joinMany");
    const started = Date.now();
    for (let i = 0; i < 500; i++) flooder.peer.send({ type: "keys", text: "x" });
    bystander.peer.send({ type: "keys", text: "hello" });

    const notice = await flooder.peer.until("error", 1_000);
    expect(notice.code).toBe("rate_limited");
    expect(Date.now() - started).toBeLessThan(1_000);

    const received = await drain(victim.peer);
    const fromFlooder = received.filter((f) => f.type === "keys" && f.from === flooder.welcome.you.id);
    expect(fromFlooder.length).toBeGreaterThanOrEqual(BURST);
    expect(fromFlooder.length).toBeLessThan(BURST + RATE_PER_SECOND);
    // What did get through is numbered without gaps: dropped frames spend no seq.
    expect(fromFlooder.map((f) => (f.type === "keys" ? f.seq : 0))).toEqual(fromFlooder.map((_, i) => i + 1));
    expect(received).toContainEqual({ type: "keys", from: bystander.welcome.you.id, text: "hello", seq: 1, n: 1 });
    // One notice for the burst, not one per dropped frame.
    expect((await drain(flooder.peer)).filter((f) => f.type === "error")).toEqual([]);
  });

  it("lets the flooder talk again once it calms down", async () => {
    const [flooder, victim] = await joinMany(await mintRoom(), 2);
    if (!flooder || !victim) throw new Error("joinMany");
    for (let i = 0; i < 300; i++) flooder.peer.send({ type: "keys", text: "x" });
    await flooder.peer.until("error");
    const relayed = (await drain(victim.peer)).length;
    await sleep(1_000);
    flooder.peer.send({ type: "keys", text: "sorry" });
    expect(await victim.peer.expect("keys")).toMatchObject({ text: "sorry", seq: relayed + 1 });
  });

  it("never limits a steady fast typist at 20 frames/s", async () => {
    const [typist, reader] = await joinMany(await mintRoom(), 2);
    if (!typist || !reader) throw new Error("joinMany");
    for (let i = 0; i < 60; i++) {
      typist.peer.send({ type: "keys", text: String(i % 10) });
      await sleep(50);
    }
    const received = await drain(reader.peer);
    expect(received.map((f) => (f.type === "keys" ? f.seq : -1))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    await typist.peer.expectSilence(0);
  });

  it("closes at once a socket that writes as fast as it can, having relayed at most one burst", async () => {
    const [flooder, victim] = await joinMany(await mintRoom(), 2);
    if (!flooder || !victim) throw new Error("joinMany");
    const started = Date.now();
    // Over four bursts within a second, and not so many more that the room has to reset.
    for (let i = 0; i < GROSS_FRAMES_PER_SECOND + 100; i++) flooder.peer.send({ type: "keys", text: "x" });
    expect((await flooder.peer.closed(2_000)).code).toBe(1008);
    expect(Date.now() - started).toBeLessThan(1_000);
    const frames = await drain(victim.peer);
    const relayed = frames.filter((f) => f.type === "keys");
    expect(relayed.length).toBeGreaterThanOrEqual(BURST);
    expect(relayed.length).toBeLessThanOrEqual(BURST + RATE_PER_SECOND);
    expect(frames.at(-1)).toEqual({ type: "leave", user: flooder.welcome.you });
  });

  it("resets the room when a closed flooder keeps sending, which cuts it off; the room works again at once", async () => {
    const room = await mintRoom();
    const [flooder, victim] = await joinMany(room, 2);
    if (!flooder || !victim) throw new Error("joinMany");
    for (let i = 0; i < 5_000; i++) flooder.peer.send({ type: "keys", text: "x" });
    expect((await flooder.peer.closed(2_000)).code).toBe(1008);
    // Every socket of the room is cut: the victim's page reconnects by itself.
    await victim.peer.closed(2_000);
    const [again, other] = await joinMany(room, 2);
    if (!again || !other) throw new Error("joinMany");
    expect(again.welcome.peers).toEqual([]);
    again.peer.send({ type: "keys", text: "back" });
    expect(await other.peer.expect("keys")).toMatchObject({ text: "back", seq: 1 });
  });

  it("closes a socket that floods for more than 10 s with 1008, and the room carries on", async () => {
    const [flooder, victim] = await joinMany(await mintRoom(), 2);
    if (!flooder || !victim) throw new Error("joinMany");
    const started = Date.now();
    let closedAfter = -1;
    flooder.peer.closed(15_000).then(
      () => {
        closedAfter = Date.now() - started;
      },
      () => undefined,
    );
    // About 150 frames/s: well over the rate, but not gross enough to be closed at once.
    while (closedAfter < 0 && Date.now() - started < 14_000) {
      for (let i = 0; i < 3; i++) flooder.peer.send({ type: "keys", text: "spam" });
      await sleep(20);
    }
    expect((await flooder.peer.closed()).code).toBe(1008);
    expect(closedAfter).toBeGreaterThan(10_000);
    expect(closedAfter).toBeLessThan(12_000);
    const frames = await drain(victim.peer);
    expect(frames.at(-1)).toEqual({ type: "leave", user: flooder.welcome.you });
  }, 20_000);
});
