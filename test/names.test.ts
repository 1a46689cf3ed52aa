import { describe, expect, it } from "vitest";
import { nameKey, nameProblem } from "../src/name-rules.ts";
import { defaultNameFor, pickConnectionId } from "../src/names.ts";

describe("defaultNameFor", () => {
  it("gives everyone two words made from their id, the same on every page", () => {
    const names = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const id = i.toString(16).padStart(8, "0");
      const name = defaultNameFor(id);
      expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(defaultNameFor(id)).toBe(name);
      names.add(name);
    }
    // Spread over the 1,024 pairs: few draws repeat.
    expect(names.size).toBeGreaterThan(350);
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

describe("name rules", () => {
  it("accept what people are called, in any script", () => {
    for (const name of ["Zoë", "李小龍", "O'Brien", "🦊", "Ana María", "שרה", "ام", "x"])
      expect(nameProblem(name), name).toBeNull();
  });

  it("refuse direction controls, names that show nothing, and the page's own (you) marker", () => {
    expect(nameProblem("\u202eevil")).toMatch(/direction/);
    expect(nameProblem("a\u200fb")).toMatch(/direction/);
    for (const blank of ["\u200b", "\u2800", "\u3164", "\u115f\u1160", "\u0301", "\ufe0f"]) {
      expect(nameProblem(blank), JSON.stringify(blank)).toMatch(/visible/);
    }
    expect(nameProblem("Bo (you)")).toMatch(/you/);
  });

  it("compare names as a reader would", () => {
    expect(nameKey("Ana")).toBe(nameKey(" ana "));
    expect(nameKey("ＡＮＡ")).toBe(nameKey("ana"));
    expect(nameKey("Ana  María")).toBe(nameKey("ana maría"));
    expect(nameKey("Ana")).not.toBe(nameKey("Anna"));
  });
});
