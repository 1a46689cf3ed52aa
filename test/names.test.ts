import { describe, expect, it } from "vitest";
import { pickConnectionId, pickDefaultName } from "../src/names.ts";

describe("pickDefaultName", () => {
  it("gives two-word names that nobody in the room holds", () => {
    const taken = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = pickDefaultName(taken);
      expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+( \d+)?$/);
      expect(taken.has(name)).toBe(false);
      taken.add(name);
    }
  });

  it("falls back to numbered names when the pairs run out", () => {
    const taken = new Set<string>();
    for (let i = 0; i < 1_100; i++) taken.add(pickDefaultName(taken));
    expect(taken.size).toBe(1_100);
    expect([...taken].some((name) => / \d+$/.test(name))).toBe(true);
  });
});

describe("pickConnectionId", () => {
  it("gives 8 hex digits, unique within the room", () => {
    const taken = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const id = pickConnectionId(taken);
      expect(id).toMatch(/^[0-9a-f]{8}$/);
      expect(taken.has(id)).toBe(false);
      taken.add(id);
    }
  });
});
