/**
 * The key the Worker's rate limits count a client by. Cloudflare sets CF-Connecting-IP on every
 * request it forwards (and overwrites one a client sends), so only a request that did not come
 * through Cloudflare (a test calling the Worker directly) has none. An IPv6 client usually holds
 * a whole /64, so it is counted by that prefix: otherwise each of its addresses would get its
 * own allowance.
 */

/** The rate-limit key for a CF-Connecting-IP value, or null when there is none to count by. */
export function clientKey(connectingIp: string | null): string | null {
  const ip = connectingIp?.trim() ?? "";
  if (ip === "") return null;
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : ip;
}

/** The eight 16-bit groups of an IPv6 address, lowercase and unpadded, or null if it is not one. */
function expandIpv6(ip: string): string[] | null {
  const halves = ip.toLowerCase().split("::");
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ""));
}

/**
 * Spends what is left of `key`'s allowance on `limiter` for the current period, so that a client
 * we just closed for flooding cannot open a new socket until the period is over. Calls are local
 * to the Cloudflare location (no network round trip) and not billed.
 */
export async function spendAllowance(limiter: RateLimit, key: string): Promise<void> {
  // Bounded whatever the limiter answers: the largest limit we configure is far below this.
  for (let i = 0; i < 1_000; i++) if (!(await limiter.limit({ key })).success) return;
}
