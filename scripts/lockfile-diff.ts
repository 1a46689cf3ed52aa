/**
 * Compares two npm lockfiles (v3) the way CI needs: any difference in what gets installed is an
 * error, but entries that only some registries list (optional platform binaries such as
 * `@biomejs/cli-darwin-arm64` or `@cloudflare/workerd-windows-64`) may come and go. Pure, so it
 * is tested in test/lockfile-diff.test.ts; scripts/check-lockfile.ts is its command line.
 */
import { isRecord } from "../src/protocol.ts";

/** One line per real disagreement; empty when the two lockfiles install the same thing. */
export function lockfileDifferences(committed: unknown, installed: unknown): string[] {
  const a = packagesOf(committed);
  const b = packagesOf(installed);
  if (!a || !b) return ["not an npm lockfile (v2 or v3): no `packages` object"];
  const problems: string[] = [];
  const version = (lock: unknown) => (isRecord(lock) ? lock.lockfileVersion : undefined);
  if (version(committed) !== version(installed)) {
    problems.push(`lockfileVersion ${String(version(committed))} became ${String(version(installed))}`);
  }
  // The root entry mirrors package.json: npm rewrites it when package.json changed.
  const rootA = JSON.stringify(rootDependencies(a[""]));
  const rootB = JSON.stringify(rootDependencies(b[""]));
  if (rootA !== rootB) problems.push(`package.json's dependencies differ from the lockfile's: ${rootA} vs ${rootB}`);
  for (const path of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (path === "") continue;
    const before = a[path];
    const after = b[path];
    if (before === undefined || after === undefined) {
      const only = before ?? after;
      if (!isPlatformBinary(only)) {
        problems.push(`${path} is ${before === undefined ? "missing from" : "extra in"} the committed lockfile`);
      }
      continue;
    }
    for (const field of ["version", "resolved", "integrity"] as const) {
      const x = field in before ? before[field] : undefined;
      const y = field in after ? after[field] : undefined;
      // npm omits `resolved` on some registries; a field only one side has is no disagreement.
      if (x !== undefined && y !== undefined && x !== y) {
        problems.push(`${path}: ${field} ${String(x)} in the lockfile, ${String(y)} installed`);
      }
    }
  }
  return problems;
}

/** An optional package that only installs on some OS, CPU or libc: a registry may not list it. */
export function isPlatformBinary(entry: unknown): boolean {
  return isRecord(entry) && entry.optional === true && ("os" in entry || "cpu" in entry || "libc" in entry);
}

function packagesOf(lock: unknown): Record<string, Record<string, unknown>> | null {
  if (!isRecord(lock) || !isRecord(lock.packages)) return null;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [path, entry] of Object.entries(lock.packages)) if (isRecord(entry)) out[path] = entry;
  return out;
}

function rootDependencies(root: Record<string, unknown> | undefined): unknown[] {
  const kinds = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"];
  return kinds.map((kind) => root?.[kind] ?? null);
}
