import { describe, expect, it } from "vitest";
import {
  CLOSES,
  type ClientFrame,
  checkName,
  checkText,
  ERROR_CODES,
  encodeBatch,
  encodeServerFrame,
  isErrorCode,
  MAX_FRAME_BYTES,
  MAX_KEYS_CODE_POINTS,
  PROTOCOL_VERSION,
  ProtocolError,
  parseClientFrame,
  parseServerFrame,
  parseServerMessage,
  type ServerFrame,
  utf8Length,
} from "../src/protocol.ts";
import { MAX_SEALED_KEYS_CHARS, MAX_SEALED_NAME_CHARS } from "../src/room-crypto.ts";

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

/** A well-formed sealed value of `length` base64url characters (the room cannot tell it from a real one). */
const sealed = (length = 60) => "A".repeat(length);

describe("parseClientFrame", () => {
  it("accepts sealed keys with their number, and the optional send time and ack", () => {
    expect(frameOf(`{"type":"keys","c":"${sealed()}","n":1}`)).toEqual({ type: "keys", c: sealed(), n: 1 });
    expect(frameOf(`{"type":"keys","c":"${sealed()}","n":7,"at":1732270000123.25,"ack":true}`)).toEqual({
      type: "keys",
      c: sealed(),
      n: 7,
      at: 1732270000123.25,
      ack: true,
    });
    for (const at of ["-1", '"5"', "null", "[]", "1e400"]) {
      expect(errorOf(`{"type":"keys","c":"${sealed()}","n":1,"at":${at}}`).message, at).toMatch(
        /keys\.at must be a time/,
      );
    }
  });

  it("bounds sealed keys: the longest legal keystroke frame fits, anything longer or not base64url does not", () => {
    expect(frameOf(`{"type":"keys","c":"${sealed(MAX_SEALED_KEYS_CHARS)}","n":1}`)).toMatchObject({ type: "keys" });
    for (const c of [sealed(MAX_SEALED_KEYS_CHARS + 1), sealed(10), "", `${sealed(59)}=`, `${sealed(59)}+`, 5, null]) {
      expect(errorOf(JSON.stringify({ type: "keys", c, n: 1 })).message, String(c)).toMatch(/sealed/);
    }
    for (const n of [0, -1, 1.5, "1", null]) {
      expect(errorOf(JSON.stringify({ type: "keys", c: sealed(), n })).message, String(n)).toMatch(/keys\.n/);
    }
    expect(errorOf(JSON.stringify({ type: "keys", c: sealed() })).message).toMatch(/keys\.n/);
    expect(errorOf(JSON.stringify({ type: "keys", c: sealed(), n: 1, ack: 1 })).message).toMatch(/keys\.ack/);
  });

  it("tells a client of the old, unencrypted protocol to reload, for words and for names", () => {
    for (const raw of ['{"type":"keys","text":"hello"}', '{"type":"name","name":"Ada"}']) {
      expect(errorOf(raw).message, raw).toMatch(/end-to-end encrypted.*Reload/);
    }
  });

  it("accepts a sealed name within its bound only", () => {
    expect(frameOf(`{"type":"name","c":"${sealed(MAX_SEALED_NAME_CHARS)}"}`)).toEqual({
      type: "name",
      c: sealed(MAX_SEALED_NAME_CHARS),
    });
    expect(errorOf(`{"type":"name","c":"${sealed(MAX_SEALED_NAME_CHARS + 1)}"}`).message).toMatch(/sealed/);
    expect(errorOf('{"type":"name","c":"not sealed!"}').code).toBe("bad_frame");
  });

  it("accepts away as a boolean only", () => {
    expect(frameOf('{"type":"away","away":true}')).toEqual({ type: "away", away: true });
    expect(frameOf('{"type":"away","away":false}')).toEqual({ type: "away", away: false });
    for (const away of ['"true"', "1", "null"])
      expect(errorOf(`{"type":"away","away":${away}}`).code).toBe("bad_frame");
    expect(errorOf('{"type":"away"}').code).toBe("bad_frame");
  });

  it("ignores unknown extra fields, for forward compatibility", () => {
    expect(frameOf(`{"type":"keys","c":"${sealed()}","n":2,"color":"red","seq":9}`)).toEqual({
      type: "keys",
      c: sealed(),
      n: 2,
    });
  });

  it("refuses what is not a v2 client frame", () => {
    const bad = [
      "",
      "ping ",
      "not json",
      "null",
      "[]",
      '"keys"',
      "{}",
      `{"type":"KEYS","c":"${sealed()}","n":1}`,
      '{"type":"welcome"}',
      '{"type":"keys"}',
      '{"type":"keys","c":5,"n":1}',
      '{"type":"name","c":null}',
      '{"type":7}',
    ];
    for (const raw of bad) expect(errorOf(raw).code, raw).toBe("bad_frame");
  });

  it("refuses binary frames: bad_frame when small, too_large over the limit", () => {
    expect(errorOf(new ArrayBuffer(3)).code).toBe("bad_frame");
    expect(errorOf(new ArrayBuffer(MAX_FRAME_BYTES + 1)).code).toBe("too_large");
  });

  it("refuses frames over 4096 bytes as too_large, counting UTF-8 bytes", () => {
    const padding = (n: number) => JSON.stringify({ type: "keys", c: sealed(), n: 1, pad: "x".repeat(n) });
    const exact = padding(MAX_FRAME_BYTES - padding(0).length);
    expect(exact.length).toBe(MAX_FRAME_BYTES);
    expect(frameOf(exact)).toEqual({ type: "keys", c: sealed(), n: 1 });
    expect(errorOf(padding(MAX_FRAME_BYTES - padding(0).length + 1)).code).toBe("too_large");
    // 1,400 euro signs are 4,200 bytes though only 1,400 UTF-16 units.
    expect(errorOf(JSON.stringify({ type: "keys", c: sealed(), n: 1, pad: "€".repeat(1400) })).code).toBe("too_large");
  });

  it("never echoes the offending input in its message", () => {
    const error = errorOf('{"type":"<script>alert(1)</script>"}');
    expect(error.message).not.toContain("<script>");
  });
});

describe("the rules for what may be said, applied by the page before sealing and after opening", () => {
  it("take 1 to 64 code points, newlines included, counting code points, not UTF-16 units", () => {
    expect(checkText("a", MAX_KEYS_CODE_POINTS, true)).toBeNull();
    expect(checkText("line\nnext", MAX_KEYS_CODE_POINTS, true)).toBeNull();
    expect(checkText("😀".repeat(64), MAX_KEYS_CODE_POINTS, true)).toBeNull();
    expect(checkText("😀".repeat(65), MAX_KEYS_CODE_POINTS, true)).toMatch(/at most 64/);
    expect(checkText("", MAX_KEYS_CODE_POINTS, true)).toMatch(/empty/);
  });

  it("refuse every control character but newline (there is no backspace) and lone surrogates", () => {
    for (const code of [0x00, 0x07, 0x08, 0x09, 0x0b, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x9f]) {
      expect(checkText(`a${String.fromCharCode(code)}b`, MAX_KEYS_CODE_POINTS, true), `U+${code.toString(16)}`).toMatch(
        /control/,
      );
    }
    expect(checkText("\u00a0é", MAX_KEYS_CODE_POINTS, true)).toBeNull();
    for (const text of ["\ud800", "a\udc00", "\ud83d", "\ude00x", "\ud83d\ud83d"]) {
      expect(checkText(text, MAX_KEYS_CODE_POINTS, true)).toMatch(/well-formed/);
    }
  });

  it("take names of 1 to 32 code points with no control characters, newline included", () => {
    expect(checkName("Ada")).toBeNull();
    expect(checkName("ü".repeat(32))).toBeNull();
    expect(checkName("ü".repeat(33))).toMatch(/at most 32/);
    expect(checkName("a\nb")).toMatch(/control/);
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
      you: { id: "a", name: "" },
      peers: [{ id: "b", name: sealed(), away: true }],
      fadeMs: 5000,
      maxPeers: 16,
      resume: "abcdefghijklmnopqrstuv",
    },
    { type: "leave", user: { id: "b", name: "" }, lost: true },
    { type: "keys", from: "b", c: sealed(), seq: 4, n: 9 },
    { type: "join", user: { id: "b", name: sealed() } },
    { type: "leave", user: { id: "b", name: "" } },
    { type: "ack", n: 3 },
    { type: "name", user: { id: "b", name: sealed(80) } },
    { type: "away", user: { id: "b", name: "" }, away: false },
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
      '{"type":"keys","from":"b","c":"AAAA","seq":-1,"n":1}',
      '{"type":"keys","from":"b","c":"AAAA","seq":1.5,"n":1}',
      '{"type":"keys","from":"b","text":"x","seq":1,"n":1}',
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
    const keys = { type: "keys", from: "b", c: sealed(), seq: 1, n: 1 } as const;
    const batch = encodeBatch(['{"type":"future"}', encodeServerFrame(keys), "42", '{"type":"batch","frames":[]}']);
    expect(parseServerMessage(batch)).toEqual([keys]);
    for (const raw of [42, "pong", '{"type":"batch","frames":[', '{"type":"batch","frames":{}}', new ArrayBuffer(2)]) {
      expect(parseServerMessage(raw), String(raw)).toEqual([]);
    }
  });
});
