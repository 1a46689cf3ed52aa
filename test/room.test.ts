import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../src/config.ts";
import { MAX_FRAME_BYTES } from "../src/protocol.ts";
import { MAX_SEALED_KEYS_CHARS, MAX_SEALED_NAME_CHARS, sealKeys } from "../src/room-crypto.ts";
import { join, joinMany, keysOf, mintRoom, Peer, sleep, upgrade } from "./helpers.ts";

function roomStub(room: string): DurableObjectStub {
  return env.ROOMS.get(env.ROOMS.idFromName(room));
}

describe("joining and leaving", () => {
  it("welcomes a newcomer first, with no name (the pages show one made from the id), the settings and nobody else yet", async () => {
    const { welcome } = await join(await mintRoom());
    expect(welcome.you.id).toMatch(/^[0-9a-f]{8}$/);
    expect(welcome.you.name).toBe("");
    expect(welcome.peers).toEqual([]);
    expect(welcome.fadeMs).toBe(DEFAULTS.FADE_MS);
    expect(welcome.maxPeers).toBe(DEFAULTS.MAX_PEERS);
  });

  it("lists everyone already there in welcome, and announces the newcomer to them", async () => {
    const room = await mintRoom();
    const a = await join(room);
    const b = await join(room);
    expect(b.welcome.peers).toEqual([{ ...a.welcome.you, away: false }]);
    expect(await a.peer.expect("join")).toEqual({ type: "join", user: b.welcome.you });
    const c = await join(room);
    expect(c.welcome.peers).toHaveLength(2);
    expect(new Set(c.welcome.peers.map((p) => p.id))).toEqual(new Set([a.welcome.you.id, b.welcome.you.id]));
    expect(new Set([a, b, c].map((p) => p.welcome.you.id)).size).toBe(3);
  });

  it("announces a leave to everyone else when someone closes their socket", async () => {
    const room = await mintRoom();
    const [a, b, c] = await joinMany(room, 3);
    if (!a || !b || !c) throw new Error("joinMany");
    c.peer.close(4000);
    expect(await a.peer.expect("leave")).toEqual({ type: "leave", user: c.welcome.you });
    expect(await b.peer.expect("leave")).toEqual({ type: "leave", user: c.welcome.you });
    const d = await join(room);
    expect(d.welcome.peers.map((p) => p.id).sort()).toEqual([a.welcome.you.id, b.welcome.you.id].sort());
  });

  it("echoes the client's close code when it closes", async () => {
    const { peer } = await join(await mintRoom());
    peer.close(4001);
    expect((await peer.closed()).code).toBe(4001);
  });
});

describe("keystrokes", () => {
  it("relays keys to every other peer and never echoes them to the sender", async () => {
    const [a, b, c] = await joinMany(await mintRoom(), 3);
    if (!a || !b || !c) throw new Error("joinMany");
    a.peer.send({ type: "keys", text: "h" });
    for (const other of [b, c]) {
      expect(await other.peer.expect("keys")).toEqual({
        type: "keys",
        from: a.welcome.you.id,
        text: "h",
        seq: 1,
        n: 1,
      });
    }
    await a.peer.expectSilence();
  });

  it("numbers each sender's relayed frames 1, 2, 3… in order, separately per sender", async () => {
    const [a, b, c] = await joinMany(await mintRoom(), 3);
    if (!a || !b || !c) throw new Error("joinMany");
    for (let i = 0; i < 50; i++) a.peer.send({ type: "keys", text: String(i) });
    b.peer.send({ type: "keys", text: "b" });
    const fromA: number[] = [];
    const texts: string[] = [];
    for (let i = 0; i < 51; i++) {
      const frame = await c.peer.expect("keys");
      if (frame.from === a.welcome.you.id) {
        fromA.push(frame.seq);
        texts.push(frame.text);
      } else expect(frame).toMatchObject({ from: b.welcome.you.id, seq: 1 });
    }
    expect(fromA).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it("coalesces a burst into batches per person, each without the person's own frames, losing nothing", async () => {
    const [a, b, c] = await joinMany(await mintRoom(), 3);
    if (!a || !b || !c) throw new Error("joinMany");
    // Sent in one go, these reach the room faster than it can send them one by one.
    for (let i = 1; i <= 40; i++) {
      a.peer.send({ type: "keys", text: `a${i}` });
      b.peer.send({ type: "keys", text: `b${i}` });
    }
    const seen = async (peer: Peer, n: number) => {
      const got: string[] = [];
      for (let i = 0; i < n; i++) {
        const frame = await peer.expect("keys");
        got.push(`${frame.text}:${frame.seq}`);
      }
      return got;
    };
    const expected = (who: string) => Array.from({ length: 40 }, (_, i) => `${who}${i + 1}:${i + 1}`);
    const atC = await seen(c.peer, 80);
    expect(atC.filter((t) => t.startsWith("a"))).toEqual(expected("a"));
    expect(atC.filter((t) => t.startsWith("b"))).toEqual(expected("b"));
    expect(await seen(a.peer, 40)).toEqual(expected("b"));
    expect(await seen(b.peer, 40)).toEqual(expected("a"));
    // Fewer messages than frames: the burst was batched, and nobody got their own keys back.
    expect(c.peer.batches).toBeGreaterThan(0);
    for (const p of [a, b, c]) await p.peer.expectSilence(100);
  });

  it("sheds keys that waited longer than fadeMs in a backlog that delays everyone, without spending seq, and says so once", async () => {
    const [a, b, c] = await joinMany(await mintRoom(), 3);
    if (!a || !b || !c) throw new Error("joinMany");
    // Stamped on each sender's own clock (an hour apart): the first frames set the baselines.
    // Then both senders' frames claim to have been typed long before they reached the room, as
    // frames stuck in one backlog would: a's 4 s late, b's and a's next 6 s late.
    const [ta, tb] = [1_000_000, 4_600_000];
    const fade = DEFAULTS.FADE_MS;
    a.peer.send({ type: "keys", text: "a fresh", at: ta });
    b.peer.send({ type: "keys", text: "b fresh", at: tb });
    expect(await c.peer.expect("keys")).toMatchObject({ text: "a fresh", seq: 1 });
    expect(await c.peer.expect("keys")).toMatchObject({ text: "b fresh", seq: 1 });
    a.peer.send({ type: "keys", text: "a late", at: ta - 4_000 });
    b.peer.send({ type: "keys", text: "b stale", at: tb - fade - 1_000 });
    a.peer.send({ type: "keys", text: "a stale", at: ta - fade - 1_000 });
    b.peer.send({ type: "keys", text: "b unstamped" });
    expect(await c.peer.expect("keys")).toMatchObject({ text: "a late", seq: 2 });
    expect(await c.peer.expect("keys")).toMatchObject({ text: "b unstamped", seq: 2 });
    await c.peer.expectSilence(100);
    for (const sender of [a, b]) {
      expect(await sender.peer.until("error")).toMatchObject({ code: "overloaded" });
    }
  });

  it("never sheds the keys of a device whose clock stood still while it slept", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    // A page stamps with a clock that may stop while the device sleeps: after a 60 s sleep,
    // every frame looks 60 s late, though the room is idle and nothing waited anywhere.
    const t0 = 1_000_000;
    a.peer.send({ type: "keys", text: "before", at: t0 });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "before", seq: 1 });
    // Its clock stood still for the 60 s it slept: its stamps now run 60 s behind the room's.
    for (let i = 0; i < 5; i++) a.peer.send({ type: "keys", text: `after ${i}`, at: t0 + 10 + i - 60_000 });
    for (let i = 0; i < 5; i++) expect(await b.peer.expect("keys")).toMatchObject({ text: `after ${i}`, seq: i + 2 });
    await a.peer.expectSilence(100);
  });

  it("does not spend seq on refused frames, so a gap always means loss", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "keys", text: "one" });
    a.peer.send('{"type":"keys","text":""}');
    a.peer.send({ type: "name", name: "Ada" });
    a.peer.send({ type: "keys", text: "two" });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "one", seq: 1 });
    expect(await b.peer.expect("name")).toMatchObject({ user: { name: "Ada" } });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "two", seq: 2 });
  });

  it("relays unicode byte for byte: emoji, ZWJ sequences, combining marks, RTL, CJK, newlines", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    const samples = [
      "😀",
      "👩‍👩‍👧‍👦",
      "🏳️‍🌈",
      "e\u0301",
      "Z\u0351\u036b\u0343\u036a",
      "שלום",
      "مرحبا",
      "\u202eevil",
      "日本語のテキスト",
      "한국어",
      "a\nb\n",
      "\u00a0\u2003",
      "🇺🇦🇯🇵",
      "<b>&amp;</b>",
    ];
    for (const text of samples) a.peer.send({ type: "keys", text });
    for (const text of samples) {
      const frame = await b.peer.expect("keys");
      expect(frame.text).toBe(text);
      expect(new TextEncoder().encode(frame.text)).toEqual(new TextEncoder().encode(text));
    }
  });
});

describe("names and attention", () => {
  it("announces a rename to everyone, the renamer included, passing the sealed name on byte for byte", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "name", name: "Ada Lovelace" });
    const expected = { type: "name", user: { id: a.welcome.you.id, name: "Ada Lovelace" } };
    expect(await a.peer.expect("name")).toEqual(expected);
    const seen = await b.peer.nextSealed();
    // What the room passed on is ciphertext: the name is nowhere in it.
    expect(JSON.stringify(seen)).not.toContain("Ada");
    const c = await join(room);
    expect(c.welcome.peers.find((p) => p.id === a.welcome.you.id)?.name).toBe("Ada Lovelace");
  });

  it("keeps the old name when a rename is refused: not sealed, or longer than any sealed name", async () => {
    const room = await mintRoom();
    const a = await join(room);
    for (const c of ["plain words", "A".repeat(MAX_SEALED_NAME_CHARS + 1)]) {
      a.peer.send(JSON.stringify({ type: "name", c }));
      expect(await a.peer.expect("error")).toMatchObject({ code: "bad_frame" });
    }
    const b = await join(room);
    expect(b.welcome.peers[0]?.name).toBe("");
  });

  it("allows one rename a second, so renames cannot flood everyone's notices", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    for (const name of ["One", "Two", "Three"]) a.peer.send({ type: "name", name });
    expect(await b.peer.expect("name")).toMatchObject({ user: { name: "One" } });
    await b.peer.expectSilence(200);
    expect(await a.peer.until("error")).toMatchObject({ code: "rate_limited" });
    await sleep(1_000);
    a.peer.send({ type: "name", name: "Four" });
    expect(await b.peer.expect("name")).toMatchObject({ user: { name: "Four" } });
  });

  it("tells everyone else when someone looks away and comes back, once per change", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "away", away: true });
    a.peer.send({ type: "away", away: true });
    expect(await b.peer.expect("away")).toEqual({ type: "away", user: a.welcome.you, away: true });
    const c = await join(room);
    expect(c.welcome.peers.find((p) => p.id === a.welcome.you.id)?.away).toBe(true);
    await b.peer.expect("join");
    a.peer.send({ type: "away", away: false });
    expect(await b.peer.expect("away")).toMatchObject({ away: false });
    expect(await c.peer.expect("away")).toMatchObject({ away: false });
    await a.peer.expect("join");
    await a.peer.expectSilence();
    await b.peer.expectSilence();
  });
});

describe("bad input", () => {
  const cases: [string, string | ArrayBuffer, "bad_frame" | "too_large"][] = [
    ["text that is not JSON", "hello", "bad_frame"],
    ["JSON that is not an object", "[1,2]", "bad_frame"],
    ["an unknown type", '{"type":"shout","text":"a"}', "bad_frame"],
    ["a type in capitals", '{"type":"Keys","text":"a"}', "bad_frame"],
    ["a missing type", '{"text":"a"}', "bad_frame"],
    ["keys without text", '{"type":"keys"}', "bad_frame"],
    ["keys with a number", '{"type":"keys","text":1}', "bad_frame"],
    ["empty keys", '{"type":"keys","text":""}', "bad_frame"],
    ["65 code points of keys", JSON.stringify({ type: "keys", text: "x".repeat(65) }), "bad_frame"],
    ["a backspace", '{"type":"keys","text":"\\b"}', "bad_frame"],
    ["DEL", '{"type":"keys","text":"\\u007f"}', "bad_frame"],
    ["a C1 control", '{"type":"keys","text":"\\u0085"}', "bad_frame"],
    ["a lone surrogate", '{"type":"keys","text":"\\ud800"}', "bad_frame"],
    ["an empty name", '{"type":"name","name":" "}', "bad_frame"],
    ["a name with a newline", '{"type":"name","name":"a\\nb"}', "bad_frame"],
    ["away as a string", '{"type":"away","away":"yes"}', "bad_frame"],
    ["a binary frame", new Uint8Array([1, 2, 3]).buffer, "bad_frame"],
    [
      "a frame over 4096 bytes",
      JSON.stringify({ type: "keys", text: "a", pad: "x".repeat(MAX_FRAME_BYTES) }),
      "too_large",
    ],
    ["a binary frame over 4096 bytes", new ArrayBuffer(MAX_FRAME_BYTES + 1), "too_large"],
    ["a 1 MB frame", "x".repeat(1 << 20), "too_large"],
  ];

  it.each(cases)("answers %s with an error, relays nothing, and keeps the connection working", async (_, raw, code) => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send(raw);
    const error = await a.peer.expect("error");
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/\n\s+at |Error:/);
    a.peer.send({ type: "keys", text: "still here" });
    expect(await b.peer.expect("keys")).toMatchObject({ text: "still here", seq: 1 });
    await a.peer.expectSilence(50);
  });
});

describe("limits", () => {
  it("refuses a socket beyond MAX_PEERS with room_full and close code 1008, and lets someone in once a seat frees", async () => {
    const room = await mintRoom();
    const people = [];
    for (let i = 0; i < DEFAULTS.MAX_PEERS; i++) people.push(await join(room));
    const res = await upgrade(room);
    expect(res.status).toBe(101);
    const extra = res.webSocket;
    if (!extra) throw new Error("no socket");
    const refused = new Peer(extra, await keysOf(room));
    expect(await refused.expect("error")).toMatchObject({ code: "room_full" });
    expect(await refused.closed()).toMatchObject({ code: 1008 });
    people[0]?.peer.close();
    await people[1]?.peer.expect("join");
    const { welcome } = await join(room);
    expect(welcome.peers).toHaveLength(DEFAULTS.MAX_PEERS - 1);
  });

  it("answers ping with pong at the platform level, and nothing else", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send("ping");
    expect(await a.peer.nextRaw()).toBe("pong");
    await b.peer.expectSilence();
  });

  it("keeps rooms apart: nothing said in one room reaches another", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    const [c, d] = await joinMany(await mintRoom(), 2);
    if (!a || !b || !c || !d) throw new Error("joinMany");
    a.peer.send({ type: "keys", text: "room one" });
    c.peer.send({ type: "keys", text: "room two" });
    expect((await b.peer.expect("keys")).text).toBe("room one");
    expect((await d.peer.expect("keys")).text).toBe("room two");
    await b.peer.expectSilence();
    await d.peer.expectSilence();
  });
});

describe("hibernation and storage", () => {
  it("keeps names, seq, attention and peers across hibernation", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "name", name: "Ada" });
    a.peer.send({ type: "keys", text: "before" });
    // Sealing takes a moment: Ada's frames are on the wire before Bo looks away.
    await a.peer.sent();
    b.peer.send({ type: "away", away: true });
    await a.peer.expect("name");
    await a.peer.expect("away");
    await b.peer.expect("name");
    expect(await b.peer.expect("keys")).toMatchObject({ seq: 1 });

    await evictDurableObject(roomStub(room), { webSockets: "hibernate" });

    a.peer.send({ type: "keys", text: "after" });
    expect(await b.peer.expect("keys")).toEqual({ type: "keys", from: a.welcome.you.id, text: "after", seq: 2, n: 2 });
    const c = await join(room);
    expect(c.welcome.peers.sort((x, y) => x.name.localeCompare(y.name))).toEqual(
      [
        { id: a.welcome.you.id, name: "Ada", away: false },
        { id: b.welcome.you.id, name: b.welcome.you.name, away: true },
      ].sort((x, y) => x.name.localeCompare(y.name)),
    );
    b.peer.close();
    expect(await a.peer.expect("join")).toMatchObject({ user: c.welcome.you });
    expect(await a.peer.expect("leave")).toMatchObject({ user: b.welcome.you });
  });

  it("announces a leave for a socket that closes while the room hibernates", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    await evictDurableObject(roomStub(room), { webSockets: "hibernate" });
    b.peer.close();
    expect(await a.peer.expect("leave")).toEqual({ type: "leave", user: b.welcome.you });
  });

  it("writes nothing to storage, however much is said", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send({ type: "name", name: "Secret Name" });
    for (const text of ["my", " secret", " words"]) a.peer.send({ type: "keys", text });
    await b.peer.expect("name");
    for (let i = 0; i < 3; i++) await b.peer.expect("keys");
    await runInDurableObject(roomStub(room), async (_instance, state) => {
      expect((await state.storage.list()).size).toBe(0);
      const tables = state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((row) => row.name)
        .filter((name) => !name.startsWith("_cf_") && !name.startsWith("sqlite_"));
      expect(tables).toEqual([]);
      // The only thing the room stores is when to sweep for silent sockets: a time, nothing said.
      const alarm = await state.storage.getAlarm();
      expect(alarm).toBeGreaterThan(Date.now());
      expect(alarm).toBeLessThanOrEqual(Date.now() + DEFAULTS.HEARTBEAT_TIMEOUT_MS + 1_000);
    });
  });

  it("keeps its sweep alarm only while someone is connected", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    const alarm = () => runInDurableObject(roomStub(room), (_instance, state) => state.storage.getAlarm());
    expect(await alarm()).not.toBeNull();
    a.peer.close();
    await b.peer.expect("leave");
    expect(await alarm()).not.toBeNull();
    b.peer.close();
    for (let i = 0; i < 20 && (await alarm()) !== null; i++) await sleep(50);
    expect(await alarm()).toBeNull();
  });

  it("survives a socket that died without the room noticing: drops it, announces the leave, relays to the rest", async () => {
    const room = await mintRoom();
    const [a, b, c] = await joinMany(room, 3);
    if (!a || !b || !c) throw new Error("joinMany");
    // Close B's server side behind the room's back, as a dead network would.
    await runInDurableObject(roomStub(room), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        const attachment: unknown = ws.deserializeAttachment();
        if (
          typeof attachment === "object" &&
          attachment !== null &&
          "id" in attachment &&
          attachment.id === b.welcome.you.id
        ) {
          ws.close(1011, "gone");
        }
      }
    });
    a.peer.send({ type: "keys", text: "anyone?" });
    // Whichever the room sees first, the failed send or the close, B leaves exactly once.
    const seen = [await c.peer.next(), await c.peer.next()];
    expect(seen).toContainEqual({ type: "keys", from: a.welcome.you.id, text: "anyone?", seq: 1, n: 1 });
    // A connection that broke: B may come back as the same person (docs/protocol.md, Resuming).
    expect(seen).toContainEqual({ type: "leave", user: b.welcome.you, lost: true });
    expect(await a.peer.expect("leave")).toEqual({ type: "leave", user: b.welcome.you, lost: true });
    await c.peer.expectSilence();
    await a.peer.expectSilence();
  });
});

describe("end-to-end encryption, as the room sees it", () => {
  it("relays a keystroke's ciphertext byte for byte, and never the words", async () => {
    const room = await mintRoom();
    const [a, b] = await joinMany(room, 2);
    if (!a || !b) throw new Error("joinMany");
    const c = await sealKeys(await keysOf(room), a.welcome.you.id, 1, "secret words");
    a.peer.send(JSON.stringify({ type: "keys", c, n: 1 }));
    const seen = await b.peer.nextSealed();
    expect(seen).toEqual({ type: "keys", from: a.welcome.you.id, c, seq: 1, n: 1 });
    expect(JSON.stringify(seen)).not.toContain("secret");
  });

  it("refuses words in the clear (a page of the old protocol) with a message that says to reload, and relays nothing", async () => {
    const [a, b] = await joinMany(await mintRoom(), 2);
    if (!a || !b) throw new Error("joinMany");
    a.peer.send('{"type":"keys","text":"hello"}');
    expect((await a.peer.expect("error")).message).toMatch(/end-to-end encrypted.*Reload/);
    a.peer.send(JSON.stringify({ type: "keys", c: "A".repeat(MAX_SEALED_KEYS_CHARS + 1), n: 1 }));
    expect(await a.peer.expect("error")).toMatchObject({ code: "bad_frame" });
    await b.peer.expectSilence();
  });
});
