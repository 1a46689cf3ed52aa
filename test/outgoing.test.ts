import { describe, expect, it } from "vitest";
import { chunkText, normaliseTyped, RECONNECT, reconnectDelay } from "../src/client/outgoing";
import { ProtocolError, parseClientFrame } from "../src/protocol";

describe("normaliseTyped", () => {
  it("keeps what people type, newlines and every script included", () => {
    expect(normaliseTyped("héllo 😀 日本 שלום\nnext")).toBe("héllo 😀 日本 שלום\nnext");
  });

  it("turns CR and CRLF into newlines and tabs into spaces, and drops other control characters", () => {
    expect(normaliseTyped("a\r\nb\rc\td")).toBe("a\nb\nc d");
    expect(normaliseTyped("x\u0000\u0008\u001b[2J\u007f\u0085y")).toBe("x[2Jy");
  });

  it("repairs lone surrogates, so the server never has to refuse a typed frame", () => {
    expect(normaliseTyped("a\ud800b")).toBe("a\ufffdb");
  });
});

describe("chunkText", () => {
  it("splits long text into frames the server accepts, never inside a surrogate pair", () => {
    const text = `${"😀".repeat(100)}${"x".repeat(30)}`;
    const chunks = chunkText(text);
    expect(chunks.join("")).toBe(text);
    expect(chunks.map((c) => [...c].length)).toEqual([64, 64, 2]);
    for (const chunk of chunks)
      expect(parseClientFrame(JSON.stringify({ type: "keys", text: chunk }))).not.toBeInstanceOf(ProtocolError);
  });

  it("returns nothing for empty text", () => {
    expect(chunkText("")).toEqual([]);
  });
});

describe("reconnectDelay", () => {
  it("backs off exponentially from the base to the cap", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => reconnectDelay(attempt, 1));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it("jitters between half and all of the ceiling, so clients cut off together spread out", () => {
    expect(reconnectDelay(3, 0)).toBe(2000);
    expect(reconnectDelay(3, 0.5)).toBe(3000);
    const delays = Array.from({ length: 1000 }, () => reconnectDelay(20, Math.random()));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(RECONNECT.maxMs / 2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(RECONNECT.maxMs);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });
});
