/** Settings the browser tests run with: short fades and a small room, so they finish quickly. */
export const E2E_VARS = {
  FADE_MS: "2000",
  MAX_PEERS: "3",
  ROOM_SECRET: "e2e-secret-not-for-production",
  ROOM_TTL_SECONDS: "86400",
} as const;
