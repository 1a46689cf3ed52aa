/**
 * Coming back after a blip: a page that reconnects with its resume token is the same person (id,
 * name, and so colour), and the others see no leave and no join for it. Frames sent again after
 * the reconnect are relayed once.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { join, joinMany, mintRoom } from "./helpers.ts";

function roomStub(room: string) {
  return env.ROOMS.get(env.ROOMS.idFromName(room));
}

/** Closes one person's socket on the room's side, as a network that died would. */
async function breakConnection(room: string, id: string): Promise<void> {
  await runInDurableObject(roomStub(room), (_instance, state) => {
    for (const ws of state.getWebSockets()) {
      const a: unknown = ws.deserializeAttachment();
      if (typeof a === "object" && a !== null && "id" in a && a.id === id) ws.close(1011, "gone");
    }
  });
}

const resumeQuery = (id: string, token: string, name?: string) =>
  `?resume=${id}.${token}${name === undefined ? "" : `&name=${encodeURIComponent(name)}`}`;

describe("resuming", () => {
  it("takes over from a socket the room still holds: same id and name, nothing for the others to see", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "name", name: "Ana" });
    await b.peer.expect("name");
    await a.peer.expect("name");
    a.peer.send({ type: "keys", text: "one", n: 1 });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "one", seq: 1, n: 1 });

    const back = await join(`${room}${resumeQuery(a.welcome.you.id, a.welcome.resume)}`);
    expect(back.welcome.you).toEqual({ id: a.welcome.you.id, name: "Ana" });
    expect(back.welcome.peers.map((p) => p.id)).toEqual([b.welcome.you.id]);
    expect(await a.peer.closed()).toMatchObject({ code: 4001 });
    // The page sends again what it had no confirmation for: what was relayed is not relayed twice.
    back.peer.send({ type: "keys", text: "one", n: 1 });
    back.peer.send({ type: "keys", text: "two", n: 2 });
    expect(await b.peer.expect("keys")).toEqual({ type: "keys", from: a.welcome.you.id, text: "two", seq: 2, n: 2 });
    await b.peer.expectSilence();
  });

  it("comes back as the same person after the room saw the connection break, even across hibernation", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    await breakConnection(room, a.welcome.you.id);
    expect(await b.peer.expect("leave")).toEqual({ type: "leave", user: a.welcome.you, lost: true });
    await evictDurableObject(roomStub(room));

    const back = await join(`${room}${resumeQuery(a.welcome.you.id, a.welcome.resume)}`);
    expect(back.welcome.you).toEqual(a.welcome.you);
    // The others get a join with the same id and name: their pages were holding the lane for it.
    expect(await b.peer.expect("join")).toEqual({ type: "join", user: a.welcome.you });
    back.peer.send({ type: "keys", text: "back", n: 5 });
    expect(await b.peer.expect("keys")).toMatchObject({ from: a.welcome.you.id, text: "back", n: 5 });
  });

  it("lets nobody take another person's place: a wrong token, another id's token or another room's gets a new id", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    const elsewhere = await join(await mintRoom());
    const forged = [
      resumeQuery(a.welcome.you.id, "A".repeat(22)),
      resumeQuery(a.welcome.you.id, b.welcome.resume),
      resumeQuery(a.welcome.you.id, elsewhere.welcome.resume),
      `?resume=${a.welcome.you.id}`,
      `?resume=${a.welcome.you.id}.${a.welcome.resume}.x`,
    ];
    for (const query of forged) {
      const intruder = await join(`${room}${query}`);
      expect(intruder.welcome.you.id, query).not.toBe(a.welcome.you.id);
      expect(await b.peer.expect("join")).toMatchObject({ user: { id: intruder.welcome.you.id } });
      await a.peer.expect("join");
      intruder.peer.close();
      await b.peer.expect("leave");
      await a.peer.expect("leave");
    }
    // And Ana is still herself.
    a.peer.send({ type: "keys", text: "still me" });
    expect(await b.peer.expect("keys")).toMatchObject({ from: a.welcome.you.id, text: "still me" });
  });

  it("joins under the sealed name given in the URL, so nobody reads a default name and then a rename", async () => {
    const room = await mintRoom();
    const [a] = await joinMany(room, 1);
    if (!a) throw new Error("joinMany");
    const sealed = await a.peer.sealName("Bo");
    const bo = await join(`${room}?name=${encodeURIComponent(sealed)}`);
    expect(bo.welcome.you.name).toBe("Bo");
    expect(await a.peer.expect("join")).toMatchObject({ user: { name: "Bo" } });
    // A name in the clear is refused: no name, and the reason.
    const other = await join(`${room}?name=Cleo`);
    expect(other.welcome.you.name).toBe("");
    expect(await other.peer.expect("error")).toMatchObject({ code: "bad_frame" });
  });
});

describe("acks", () => {
  it("answers a keys frame that asks for it with an ack, relayed, repeated or not, and only to its sender", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "keys", text: "x", n: 1 });
    a.peer.send({ type: "keys", text: "y", n: 2, ack: true });
    expect(await a.peer.expect("ack")).toEqual({ type: "ack", n: 2 });
    // A repeat (sent again after a reconnect) is acked too: the room has it.
    a.peer.send({ type: "keys", text: "y", n: 2, ack: true });
    expect(await a.peer.expect("ack")).toEqual({ type: "ack", n: 2 });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "x", n: 1 });
    expect(await b.peer.expect("keys")).toEqual({ type: "keys", from: a.welcome.you.id, text: "y", seq: 2, n: 2 });
    await b.peer.expectSilence();
    // Asking without a number is refused.
    a.peer.send('{"type":"keys","text":"z","ack":true}');
    expect(await a.peer.expect("error")).toMatchObject({ code: "bad_frame" });
  });
});
