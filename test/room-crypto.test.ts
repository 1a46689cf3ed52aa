import { describe, expect, it } from "vitest";
import {
  fromBase64url,
  isSealed,
  KeysReplayGuard,
  LINK_KEY_BYTES,
  linkKeyOf,
  MAX_SEALED_KEYS_CHARS,
  MAX_SEALED_NAME_CHARS,
  newLinkKey,
  openKeys,
  openName,
  roomKeys,
  sealKeys,
  sealName,
  toBase64url,
} from "../src/room-crypto.ts";

const link = newLinkKey();
const keyBytes = linkKeyOf(`#k=${link}`) ?? new Uint8Array();
const room = await roomKeys(keyBytes, "RoomOne");

describe("link keys", () => {
  it("are 16 random bytes in base64url, found in a #k= fragment and nowhere else", () => {
    expect(link).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keyBytes.length).toBe(LINK_KEY_BYTES);
    expect(newLinkKey()).not.toBe(link);
    for (const bad of ["", "#new", `#k=${link}x`, `#k=${link.slice(1)}`, `k=${link}`, `#k=${link.slice(0, 21)}!`]) {
      expect(linkKeyOf(bad), bad).toBeNull();
    }
  });
});

describe("sealed keystrokes", () => {
  it("round-trip every script, and open only for the same room, sender and kind", async () => {
    const text = "héllo 😀 日本 שלום\nnext";
    const sealed = await sealKeys(room, "1f0c9a2e", 7, text);
    expect(await openKeys(room, "1f0c9a2e", sealed)).toEqual({ n: 7, text });
    // Another sender, another room, another key, another kind: nothing.
    expect(await openKeys(room, "77aa01bc", sealed)).toBeNull();
    expect(await openKeys(await roomKeys(keyBytes, "RoomTwo"), "1f0c9a2e", sealed)).toBeNull();
    const other = await roomKeys(linkKeyOf(`#k=${newLinkKey()}`) ?? new Uint8Array(), "RoomOne");
    expect(await openKeys(other, "1f0c9a2e", sealed)).toBeNull();
    expect(await openName(room, sealed)).toBeNull();
  });

  it("refuse any tampering: every byte flipped, truncated, extended", async () => {
    const sealed = await sealKeys(room, "1f0c9a2e", 1, "secret");
    const bytes = fromBase64url(sealed) ?? new Uint8Array();
    for (let i = 0; i < bytes.length; i++) {
      const tampered = bytes.slice();
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      expect(await openKeys(room, "1f0c9a2e", toBase64url(tampered)), `byte ${i}`).toBeNull();
    }
    expect(await openKeys(room, "1f0c9a2e", sealed.slice(0, -2))).toBeNull();
    expect(await openKeys(room, "1f0c9a2e", `${sealed}AA`)).toBeNull();
    expect(await openKeys(room, "1f0c9a2e", "not base64!")).toBeNull();
  });

  it("use a fresh IV every time: 10,000 seals of the same text never repeat one", async () => {
    const ivs = new Set<string>();
    const sealed = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const s = await sealKeys(room, "1f0c9a2e", 1, "a");
      sealed.add(s);
      ivs.add(s.slice(0, 16));
    }
    expect(ivs.size).toBe(10_000);
    expect(sealed.size).toBe(10_000);
  });

  it("stay within the bound the room enforces, even for 64 four-byte code points and a 16-digit counter", async () => {
    const longest = await sealKeys(room, "1f0c9a2e", 9_007_199_254_740_991, "😀".repeat(64));
    expect(longest.length).toBeLessThanOrEqual(MAX_SEALED_KEYS_CHARS);
    expect(isSealed(longest, MAX_SEALED_KEYS_CHARS)).toBe(true);
    const name = await sealName(room, "😀".repeat(32));
    expect(name.length).toBeLessThanOrEqual(MAX_SEALED_NAME_CHARS);
    for (const bad of ["", "short", "a".repeat(MAX_SEALED_KEYS_CHARS + 1), `${longest.slice(1)}=`, 42]) {
      expect(isSealed(bad, MAX_SEALED_KEYS_CHARS), String(bad)).toBe(false);
    }
  });
});

describe("sealed names", () => {
  it("round-trip, and never open as keystrokes or in another room", async () => {
    const sealed = await sealName(room, "Ana María");
    expect(await openName(room, sealed)).toBe("Ana María");
    expect(await openKeys(room, "1f0c9a2e", sealed)).toBeNull();
    expect(await openName(await roomKeys(keyBytes, "RoomTwo"), sealed)).toBeNull();
  });
});

describe("KeysReplayGuard", () => {
  it("takes each sender's frames only while their numbers rise: replays and reorderings are refused", () => {
    const guard = new KeysReplayGuard();
    expect(guard.accept("a", 1)).toBe(true);
    expect(guard.accept("a", 3)).toBe(true);
    expect(guard.accept("a", 2)).toBe(false);
    expect(guard.accept("a", 3)).toBe(false);
    expect(guard.accept("b", 1)).toBe(true);
    expect(guard.accept("a", 4)).toBe(true);
  });
});
