import { describe, expect, it } from "vitest";
import { BUSY_GAP_MS, MAX_QUEUED_FRAMES, Outbox } from "../src/outbox.ts";
import { parseServerMessage } from "../src/protocol.ts";

const keys = (from: string, seq: number) => JSON.stringify({ type: "keys", from, c: `${from}${seq}`, seq, n: seq });

describe("Outbox", () => {
  it("gives each person everything queued but their own frames, in order, batched only when more than one", () => {
    const outbox = new Outbox<string>();
    outbox.push(keys("a", 1), "a");
    outbox.push(keys("b", 1), "b");
    outbox.push(keys("a", 2), "a");
    outbox.push('{"type":"leave","user":{"id":"c","name":"C"}}', undefined);
    const messageFor = outbox.drain();
    expect(outbox.size).toBe(0);
    const texts = (who: string) => parseServerMessage(messageFor(who)).map((f) => (f.type === "keys" ? f.c : f.type));
    expect(texts("a")).toEqual(["b1", "leave"]);
    expect(texts("b")).toEqual(["a1", "a2", "leave"]);
    expect(texts("d")).toEqual(["a1", "b1", "a2", "leave"]);
  });

  it("sends a lone frame as itself, and nothing to someone with nothing queued for them", () => {
    const outbox = new Outbox<string>();
    outbox.push(keys("a", 1), "a");
    const messageFor = outbox.drain();
    expect(messageFor("b")).toBe(keys("a", 1));
    expect(messageFor("a")).toBeUndefined();
    expect(new Outbox<string>().drain()("a")).toBeUndefined();
  });

  it("says when it is full, so a room never holds more than MAX_QUEUED_FRAMES", () => {
    const outbox = new Outbox<string>();
    for (let i = 1; i < MAX_QUEUED_FRAMES; i++) expect(outbox.push(keys("a", i), "a")).toBe(false);
    expect(outbox.push(keys("a", MAX_QUEUED_FRAMES), "a")).toBe(true);
    expect(parseServerMessage(outbox.drain()("b"))).toHaveLength(MAX_QUEUED_FRAMES);
  });
});

describe("Outbox.offer: the room's flush rule", () => {
  it("sends frames at once while the room is quiet, and never starts a tick", () => {
    const outbox = new Outbox<string>();
    expect(outbox.offer("a", "x", 1_000)).toBe("send");
    expect(outbox.offer("b", "x", 1_000 + BUSY_GAP_MS)).toBe("send");
    expect(outbox.ticking).toBe(false);
  });

  it("sends a frame that follows the last within BUSY_GAP_MS at once too, but starts a tick that queues what comes next", () => {
    const outbox = new Outbox<string>();
    outbox.offer(keys("a", 1), "a", 1_000);
    expect(outbox.offer(keys("a", 2), "a", 1_000 + BUSY_GAP_MS - 1)).toBe("send-and-tick");
    expect(outbox.ticking).toBe(true);
    expect(outbox.offer(keys("b", 1), "b", 1_004)).toBe("queued");
    expect(outbox.size).toBe(1);
  });

  it("keeps ticking while a tick finds frames, and stops at the first empty tick", () => {
    const outbox = new Outbox<string>();
    outbox.offer(keys("a", 1), "a", 0);
    outbox.offer(keys("a", 2), "a", 0);
    outbox.offer(keys("a", 3), "a", 0);
    expect(outbox.tickFired()).toBe(true);
    expect(parseServerMessage(outbox.drain()("b"))).toHaveLength(1);
    expect(outbox.tickFired()).toBe(false);
    expect(outbox.ticking).toBe(false);
    // After the ticking ends, the next frame goes out at once again.
    expect(outbox.offer(keys("a", 4), "a", 100)).toBe("send");
  });

  it("says `full` when a tick is due and the queue reaches MAX_QUEUED_FRAMES", () => {
    const outbox = new Outbox<string>();
    outbox.offer("x", undefined, 0);
    outbox.offer("x", undefined, 0);
    for (let i = 1; i < MAX_QUEUED_FRAMES; i++) expect(outbox.offer(keys("a", i), "a", 0)).toBe("queued");
    expect(outbox.offer(keys("a", MAX_QUEUED_FRAMES), "a", 0)).toBe("full");
  });
});
