import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkText, MIN_FRAME_GAP_MS, normaliseTyped, paceTyping, SendPacer } from "../src/client/outgoing.ts";
import { checkText, MAX_KEYS_CODE_POINTS } from "../src/protocol.ts";

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
    // Each chunk is something the page may say (it checks before sealing, and on opening).
    for (const chunk of chunks) expect(checkText(chunk, MAX_KEYS_CODE_POINTS, true)).toBeNull();
  });

  it("returns nothing for empty text", () => {
    expect(chunkText("")).toEqual([]);
  });
});

describe("SendPacer", () => {
  it("sends at once after a quiet spell, and holds keys that come sooner for one timer", () => {
    const pacer = new SendPacer();
    expect(MIN_FRAME_GAP_MS).toBe(20);
    expect(pacer.typed(1_000)).toBe(0);
    pacer.sent(1_000);
    expect(pacer.typed(1_005)).toBe(15);
    // A timer is set: later keys ride with it.
    expect(pacer.typed(1_012)).toBeNull();
    expect(pacer.typed(1_019)).toBeNull();
    pacer.sent(1_020);
    // Exactly the gap is enough; less is not.
    expect(pacer.typed(1_040)).toBe(0);
    pacer.sent(1_040);
    expect(pacer.typed(1_059.5)).toBe(0.5);
  });

  it("sends the first text at once, whenever it comes", () => {
    expect(new SendPacer().typed(0)).toBe(0);
    expect(new SendPacer(50).typed(3)).toBe(0);
  });
});

describe("paceTyping", () => {
  it("gives keys far apart a frame each, sent when typed", () => {
    const typed = [
      { at: 0, text: "h" },
      { at: 200, text: "i" },
      { at: 290, text: " " },
    ];
    expect(paceTyping(typed)).toEqual(typed);
  });

  it("sends keys closer than the gap together, when the gap is up", () => {
    const frames = paceTyping([
      { at: 100, text: "t" },
      { at: 105, text: "h" },
      { at: 113, text: "e" },
      { at: 160, text: " " },
    ]);
    expect(frames).toEqual([
      { at: 100, text: "t" },
      { at: 120, text: "he" },
      { at: 160, text: " " },
    ]);
  });

  it("lets a timer that is due fire before a key typed at that very moment", () => {
    expect(
      paceTyping([
        { at: 0, text: "a" },
        { at: 10, text: "b" },
        { at: 20, text: "c" },
      ]),
    ).toEqual([
      { at: 0, text: "a" },
      { at: 20, text: "b" },
      { at: 40, text: "c" },
    ]);
  });

  it("cuts a long IME or dictation commit into frames the server accepts", () => {
    const dictated = "語".repeat(150);
    const frames = paceTyping([{ at: 0, text: dictated }]);
    expect(frames.map((f) => [...f.text].length)).toEqual([64, 64, 22]);
    expect(frames.every((f) => f.at === 0)).toBe(true);
  });

  it("keeps every character in order, never sends closer than the gap, and holds no key longer than it", () => {
    const trace = fc
      .array(fc.record({ gap: fc.integer({ min: 0, max: 60 }), text: fc.string({ minLength: 1, maxLength: 90 }) }), {
        maxLength: 60,
      })
      .map((items) => {
        let at = 0;
        return items.map(({ gap, text }) => {
          at += gap;
          return { at, text };
        });
      });
    fc.assert(
      fc.property(trace, (typed) => {
        const frames = paceTyping(typed);
        expect(frames.map((f) => f.text).join("")).toBe(typed.map((t) => t.text).join(""));
        const sends = [...new Set(frames.map((f) => f.at))];
        for (let i = 1; i < sends.length; i++) {
          expect((sends[i] ?? 0) - (sends[i - 1] ?? 0)).toBeGreaterThanOrEqual(MIN_FRAME_GAP_MS);
        }
        for (const frame of frames) expect([...frame.text].length).toBeLessThanOrEqual(MAX_KEYS_CODE_POINTS);
        // Each input goes out within MIN_FRAME_GAP_MS of being typed.
        let sent = 0;
        for (const { at, text } of typed) {
          sent += text.length;
          let covered = 0;
          const by = frames.find((f) => {
            covered += f.text.length;
            return covered >= sent;
          });
          expect(by).toBeDefined();
          expect((by?.at ?? Number.POSITIVE_INFINITY) - at).toBeLessThanOrEqual(MIN_FRAME_GAP_MS);
          expect(by?.at ?? 0).toBeGreaterThanOrEqual(at);
        }
      }),
    );
  });
});
