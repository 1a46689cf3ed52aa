/** The page's pure rules for what it shows: names, notices and where text goes in a lane. */
import { describe, expect, it } from "vitest";
import { showNames, UNNAMED } from "../src/client/display-names.ts";
import { MAX_LINE_LENGTH, placeText, TURN_PAUSE_MS } from "../src/client/lanes.ts";
import { type Change, describeChanges, listNames, partsText } from "../src/client/notices.ts";

describe("showNames", () => {
  it("shows names as they are, and tags names that read the same with their ids", () => {
    const shown = showNames([
      { id: "aaaa1111", name: "Ana" },
      { id: "bbbb2222", name: "ana " },
      { id: "cccc3333", name: "Bo" },
    ]);
    expect(shown.get("aaaa1111")).toEqual({ name: "Ana", tag: "#aaaa" });
    expect(shown.get("bbbb2222")).toEqual({ name: "ana", tag: "#bbbb" });
    expect(shown.get("cccc3333")).toEqual({ name: "Bo", tag: null });
  });

  it("never shows a name that breaks the rules, whatever the room let through", () => {
    for (const name of ["\u202eevil", "\u200b", "Ana (you)", "", "x".repeat(40), "a\u0007b"]) {
      expect(showNames([{ id: "dddd4444", name }]).get("dddd4444")?.name, JSON.stringify(name)).toBe(UNNAMED);
    }
  });
});

describe("describeChanges", () => {
  const text = (changes: Change[]) => describeChanges(changes).map(partsText);

  it("says many joins in one line, and keeps each name apart from the words around it", () => {
    const joins: Change[] = ["Ana", "Bo", "Cy", "Di", "Ed"].map((name) => ({ kind: "joined", name }));
    expect(text(joins)).toEqual(["Ana, Bo and 3 others joined"]);
    const [line] = describeChanges([{ kind: "joined", name: "Bo joined" }]);
    expect(line).toEqual([{ name: "Bo joined" }, " joined"]);
  });

  it("never says 'X is now X', and groups many renames", () => {
    expect(text([{ kind: "renamed", from: "Cleo", to: "Cleo" }])).toEqual([]);
    expect(text([{ kind: "renamed", from: "Kind Owl", to: "Ben" }])).toEqual(["Kind Owl is now Ben"]);
    const renames: Change[] = ["A", "B", "C"].map((n) => ({ kind: "renamed", from: n, to: `${n}${n}` }));
    expect(text(renames)).toEqual(["3 people changed their names"]);
  });

  it("keeps joins and leaves apart, in the order they first came", () => {
    expect(
      text([
        { kind: "left", name: "Ana" },
        { kind: "joined", name: "Bo" },
        { kind: "left", name: "Cy" },
      ]),
    ).toEqual(["Ana and Cy left", "Bo joined"]);
    expect(
      listNames(["Ana", "Bo", "Cy"])
        .map((p) => (typeof p === "string" ? p : `<${p.name}>`))
        .join(""),
    ).toBe("<Ana>, <Bo> and <Cy>");
  });
});

describe("placeText", () => {
  it("starts the first line, keeps typing on it, and starts a new one after a pause", () => {
    expect(placeText("h", null, 0)).toEqual({ newLine: true, pieces: ["h"] });
    const line = { length: 5, endsWithSpace: false, lastAt: 1_000 };
    expect(placeText("i", line, 1_000 + TURN_PAUSE_MS - 1).newLine).toBe(false);
    expect(placeText("i", line, 1_000 + TURN_PAUSE_MS).newLine).toBe(true);
  });

  it("starts a new line at Enter, and ends a full line only between words", () => {
    expect(placeText("a\nb", { length: 1, endsWithSpace: false, lastAt: 0 }, 10)).toEqual({
      newLine: false,
      pieces: ["a", "b"],
    });
    const full = { length: MAX_LINE_LENGTH, endsWithSpace: false, lastAt: 0 };
    expect(placeText("x", full, 10).newLine).toBe(false);
    expect(placeText(" x", full, 10).newLine).toBe(true);
    expect(placeText("x", { ...full, endsWithSpace: true }, 10).newLine).toBe(true);
  });
});
