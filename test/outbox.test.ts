import { describe, expect, it } from "vitest";
import { MAX_QUEUED_FRAMES } from "../src/coalesce";
import { Outbox } from "../src/outbox";
import { parseServerMessage } from "../src/protocol";

const keys = (from: string, seq: number) => JSON.stringify({ type: "keys", from, text: `${from}${seq}`, seq });

describe("Outbox", () => {
  it("gives each person everything queued but their own frames, in order, batched only when more than one", () => {
    const outbox = new Outbox<string>();
    outbox.push(keys("a", 1), "a");
    outbox.push(keys("b", 1), "b");
    outbox.push(keys("a", 2), "a");
    outbox.push('{"type":"leave","user":{"id":"c","name":"C"}}', undefined);
    const messageFor = outbox.drain();
    expect(outbox.size).toBe(0);
    const texts = (who: string) =>
      parseServerMessage(messageFor(who)).map((f) => (f.type === "keys" ? f.text : f.type));
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
