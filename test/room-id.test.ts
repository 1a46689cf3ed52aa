import { describe, expect, it } from "vitest";
import { checkRoomId, importRoomKey, mintRoomId, ROOM_ID_MAX_LENGTH } from "../src/room-id.ts";

const key = await importRoomKey("unit-test-secret-0123456789");
const otherKey = await importRoomKey("another-secret-0123456789");
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const TTL = 86_400;

describe("mintRoomId", () => {
  it("mints short, URL-safe ids that never repeat", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const id = await mintRoomId(key, NOW);
      expect(id).toMatch(/^[A-Za-z0-9]+$/);
      expect(id.length).toBeLessThanOrEqual(ROOM_ID_MAX_LENGTH);
      ids.add(id);
    }
    expect(ids.size).toBe(2_000);
  });

  it("spends at least 64 bits on randomness: ids minted in the same second share no long prefix", async () => {
    // With 64 random bits in the high end of the number, two ids from the same second differ
    // almost everywhere; a counter or a clock in the high bits would share a prefix.
    const a = await mintRoomId(key, NOW);
    const b = await mintRoomId(key, NOW);
    let shared = 0;
    while (shared < a.length && a[shared] === b[shared]) shared++;
    expect(shared).toBeLessThan(6);
  });

  it("mints ids that check out as ok until the TTL has passed, then as expired", async () => {
    const id = await mintRoomId(key, NOW);
    expect(await checkRoomId(id, key, NOW, TTL)).toEqual({ status: "ok", mintedAt: NOW });
    expect((await checkRoomId(id, key, NOW + TTL * 1000, TTL)).status).toBe("ok");
    expect((await checkRoomId(id, key, NOW + TTL * 1000 + 1000, TTL)).status).toBe("expired");
  });

  it("records the mint time to the second", async () => {
    const id = await mintRoomId(key, NOW + 999);
    expect(await checkRoomId(id, key, NOW + 5_000, TTL)).toEqual({ status: "ok", mintedAt: NOW });
  });
});

describe("checkRoomId", () => {
  it("refuses ids signed with another key", async () => {
    const id = await mintRoomId(otherKey, NOW);
    expect(await checkRoomId(id, key, NOW, TTL)).toEqual({ status: "unknown" });
  });

  it("refuses every one-character change to a minted id", async () => {
    const id = await mintRoomId(key, NOW);
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (let i = 0; i < id.length; i++) {
      for (const c of alphabet) {
        if (c === id[i]) continue;
        const tampered = id.slice(0, i) + c + id.slice(i + 1);
        expect((await checkRoomId(tampered, key, NOW, TTL)).status, tampered).toBe("unknown");
      }
    }
  });

  it("refuses truncated, extended and malformed ids without throwing", async () => {
    const id = await mintRoomId(key, NOW);
    const bad = [
      "",
      id.slice(0, -1),
      `${id}a`,
      id.slice(1),
      "room",
      "0",
      "a".repeat(24),
      "a".repeat(200),
      `${id.slice(0, 10)}-${id.slice(11)}`,
      "%00",
      "😀",
      "../etc/passwd",
      id.toLowerCase() === id ? id.toUpperCase() : id.toLowerCase(),
    ];
    for (const candidate of bad)
      expect(await checkRoomId(candidate, key, NOW, TTL), candidate).toEqual({ status: "unknown" });
  });

  it("refuses a mint time from the future, which only a forger could write", async () => {
    const id = await mintRoomId(key, NOW + 3_600_000);
    expect(await checkRoomId(id, key, NOW, TTL)).toEqual({ status: "unknown" });
  });

  it("allows a few minutes of clock skew between edge locations", async () => {
    const id = await mintRoomId(key, NOW + 60_000);
    expect((await checkRoomId(id, key, NOW, TTL)).status).toBe("ok");
  });
});
