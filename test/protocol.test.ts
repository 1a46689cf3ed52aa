import { describe, expect, it } from "vitest";
import {
  CLOSES,
  type ClientFrame,
  checkText,
  ERROR_CODES,
  encodeBatch,
  encodeServerFrame,
  isErrorCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  ProtocolError,
  parseClientFrame,
  parseServerFrame,
  parseServerMessage,
  type ServerFrame,
  utf8Length,
} from "../src/protocol.ts";

function errorOf(raw: string | ArrayBuffer): ProtocolError {
  const result = parseClientFrame(raw);
  if (!(result instanceof ProtocolError)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result;
}

function frameOf(raw: string): ClientFrame {
  const result = parseClientFrame(raw);
  if (result instanceof ProtocolError) throw new Error(`expected a frame, got ${result.code}: ${result.message}`);
  return result;
}

describe("parseClientFrame", () => {
  it("accepts keys of 1 to 64 code points, newlines included", () => {
    expect(frameOf('{"type":"keys","text":"a"}')).toEqual({ type: "keys", text: "a" });
    expect(frameOf(JSON.stringify({ type: "keys", text: "x".repeat(64) }))).toEqual({
      type: "keys",
      text: "x".repeat(64),
    });
    expect(frameOf('{"type":"keys","text":"line\\nnext"}')).toEqual({ type: "keys", text: "line\nnext" });
  });

  it("counts code points, not UTF-16 units: 64 emoji fit, 65 do not", () => {
    expect(frameOf(JSON.stringify({ type: "keys", text: "😀".repeat(64) }))).toMatchObject({ type: "keys" });
    expect(errorOf(JSON.stringify({ type: "keys", text: "😀".repeat(65) })).code).toBe("bad_frame");
  });

  it("reads the optional send time of keys, and refuses one that is not a time", () => {
    expect(frameOf('{"type":"keys","text":"a","at":1732270000123.25}')).toEqual({
      type: "keys",
      text: "a",
      at: 1732270000123.25,
    });
    for (const at of ["-1", '"5"', "null", "[]", "1e400"]) {
      expect(errorOf(`{"type":"keys","text":"a","at":${at}}`).message, at).toMatch(/keys\.at must be a time/);
    }
  });

  it("refuses empty and over-long keys", () => {
    expect(errorOf('{"type":"keys","text":""}').message).toMatch(/empty/);
    expect(errorOf(JSON.stringify({ type: "keys", text: "x".repeat(65) })).message).toMatch(/at most 64/);
  });

  it("refuses every control character in keys except newline: there is no backspace", () => {
    const forbidden = [0x00, 0x07, 0x08, 0x09, 0x0b, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x9f];
    for (const code of forbidden) {
      const error = errorOf(JSON.stringify({ type: "keys", text: `a${String.fromCharCode(code)}b` }));
      expect(error.code, `U+${code.toString(16)}`).toBe("bad_frame");
    }
    expect(frameOf(JSON.stringify({ type: "keys", text: "\u00a0é" }))).toMatchObject({ type: "keys" });
  });

  it("refuses lone surrogates, high or low, anywhere in the text", () => {
    for (const text of ["\\ud800", "a\\udc00", "\\ud83d", "\\ude00x", "\\ud83d\\ud83d"]) {
      expect(errorOf(`{"type":"keys","text":"${text}"}`).message).toMatch(/well-formed/);
    }
  });

  it("trims names and accepts 1 to 32 code points", () => {
    expect(frameOf('{"type":"name","name":"  Ada  "}')).toEqual({ type: "name", name: "Ada" });
    expect(frameOf(JSON.stringify({ type: "name", name: "ü".repeat(32) }))).toMatchObject({ type: "name" });
    expect(errorOf(JSON.stringify({ type: "name", name: "ü".repeat(33) })).code).toBe("bad_frame");
    expect(errorOf('{"type":"name","name":"   "}').message).toMatch(/empty/);
  });

  it("refuses control characters in names, newline included", () => {
    expect(errorOf('{"type":"name","name":"a\\nb"}').code).toBe("bad_frame");
    expect(errorOf('{"type":"name","name":"a\\u0000"}').code).toBe("bad_frame");
  });

  it("accepts away as a boolean only", () => {
    expect(frameOf('{"type":"away","away":true}')).toEqual({ type: "away", away: true });
    expect(frameOf('{"type":"away","away":false}')).toEqual({ type: "away", away: false });
    for (const away of ['"true"', "1", "null"])
      expect(errorOf(`{"type":"away","away":${away}}`).code).toBe("bad_frame");
    expect(errorOf('{"type":"away"}').code).toBe("bad_frame");
  });

  it("ignores unknown extra fields, for forward compatibility", () => {
    expect(frameOf('{"type":"keys","text":"hi","color":"red","seq":9}')).toEqual({ type: "keys", text: "hi" });
  });

  it("refuses what is not a v1 client frame", () => {
    const bad = [
      "",
      "ping ",
      "not json",
      "null",
      "[]",
      '"keys"',
      "{}",
      '{"type":"KEYS","text":"a"}',
      '{"type":"welcome"}',
      '{"type":"keys"}',
      '{"type":"keys","text":5}',
      '{"type":"keys","text":["a"]}',
      '{"type":"name","name":null}',
      '{"type":7}',
    ];
    for (const raw of bad) expect(errorOf(raw).code, raw).toBe("bad_frame");
  });

  it("refuses binary frames: bad_frame when small, too_large over the limit", () => {
    expect(errorOf(new ArrayBuffer(3)).code).toBe("bad_frame");
    expect(errorOf(new ArrayBuffer(MAX_FRAME_BYTES + 1)).code).toBe("too_large");
  });

  it("refuses frames over 4096 bytes as too_large, counting UTF-8 bytes", () => {
    const padding = (n: number) => JSON.stringify({ type: "keys", text: "a", pad: "x".repeat(n) });
    const exact = padding(MAX_FRAME_BYTES - padding(0).length);
    expect(exact.length).toBe(MAX_FRAME_BYTES);
    expect(frameOf(exact)).toEqual({ type: "keys", text: "a" });
    expect(errorOf(padding(MAX_FRAME_BYTES - padding(0).length + 1)).code).toBe("too_large");
    // 1,400 euro signs are 4,200 bytes though only 1,400 UTF-16 units.
    expect(errorOf(JSON.stringify({ type: "keys", text: "a", pad: "€".repeat(1400) })).code).toBe("too_large");
  });

  it("never echoes the offending input in its message", () => {
    const error = errorOf('{"type":"<script>alert(1)</script>"}');
    expect(error.message).not.toContain("<script>");
  });
});

describe("utf8Length", () => {
  it("matches TextEncoder for ASCII, accents, CJK, emoji and lone surrogates", () => {
    const samples = ["", "abc", "é", "日本語", "😀", "a😀b", "\ud800", "x\udc00y", "€".repeat(2000), "😀".repeat(1500)];
    for (const s of samples) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe("checkText", () => {
  it("counts a surrogate pair as one code point", () => {
    expect(checkText("😀😀", 2, false)).toBeNull();
    expect(checkText("😀😀😀", 2, false)).toMatch(/at most 2/);
  });
});

describe("parseServerFrame", () => {
  const frames: ServerFrame[] = [
    {
      type: "welcome",
      version: PROTOCOL_VERSION,
      you: { id: "a", name: "A" },
      peers: [{ id: "b", name: "B", away: true }],
      fadeMs: 5000,
      maxPeers: 16,
      resume: "abcdefghijklmnopqrstuv",
    },
    { type: "leave", user: { id: "b", name: "B" }, lost: true },
    { type: "keys", from: "b", text: "again", seq: 4, n: 9 },
    { type: "join", user: { id: "b", name: "B" } },
    { type: "leave", user: { id: "b", name: "B" } },
    { type: "keys", from: "b", text: "hé😀\n", seq: 3 },
    { type: "name", user: { id: "b", name: "Bea" }, oldName: "B" },
    { type: "away", user: { id: "b", name: "B" }, away: false },
    { type: "error", code: "rate_limited", message: "slow down" },
  ];

  it("knows every error code and close of the protocol, and nothing else", () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    expect(isErrorCode("teapot")).toBe(false);
    for (const { code, reason } of Object.values(CLOSES)) {
      expect([1001, 1008, 1011, 4001]).toContain(code);
      expect(reason.length).toBeLessThanOrEqual(123);
    }
  });

  it("round-trips every server frame through encodeServerFrame", () => {
    for (const frame of frames) expect(parseServerFrame(encodeServerFrame(frame))).toEqual(frame);
  });

  it("drops unknown fields and returns null for anything malformed", () => {
    expect(parseServerFrame('{"type":"join","user":{"id":"b","name":"B","x":1},"y":2}')).toEqual({
      type: "join",
      user: { id: "b", name: "B" },
    });
    const bad = [
      42,
      "pong",
      '{"type":"keys","from":"b","text":"x","seq":-1}',
      '{"type":"keys","from":"b","text":"x","seq":1.5}',
      '{"type":"welcome","you":{"id":"a","name":"A"},"peers":[{"id":"b","name":"B"}],"fadeMs":1,"maxPeers":2}',
      '{"type":"error","code":"oops","message":"m"}',
      '{"type":"future","x":1}',
    ];
    for (const raw of bad) expect(parseServerFrame(raw), String(raw)).toBeNull();
  });

  it("unpacks a batch built by encodeBatch into its frames, in order", () => {
    const batch = encodeBatch(frames.map(encodeServerFrame));
    expect(JSON.parse(batch)).toEqual({ type: "batch", frames });
    expect(parseServerMessage(batch)).toEqual(frames);
    const join = { type: "join", user: { id: "b", name: "B" } } as const;
    expect(parseServerMessage(encodeServerFrame(join))).toEqual([join]);
  });

  it("skips what it cannot read in a batch and keeps the rest; a non-frame message yields nothing", () => {
    const keys = { type: "keys", from: "b", text: "x", seq: 1 } as const;
    const batch = encodeBatch(['{"type":"future"}', encodeServerFrame(keys), "42", '{"type":"batch","frames":[]}']);
    expect(parseServerMessage(batch)).toEqual([keys]);
    for (const raw of [42, "pong", '{"type":"batch","frames":[', '{"type":"batch","frames":{}}', new ArrayBuffer(2)]) {
      expect(parseServerMessage(raw), String(raw)).toEqual([]);
    }
  });
});
