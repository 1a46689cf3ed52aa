/**
 * `node scripts/check-lockfile.ts <committed-lockfile> [installed-lockfile]`: CI's fallback when
 * `npm ci` refuses the lockfile. After `npm install`, fails (exit 1) on any real difference
 * between the committed lockfile and what npm installed, and passes when they differ only in
 * which optional platform binaries the registry happened to list (scripts/lockfile-diff.ts).
 */
import { readFileSync } from "node:fs";
import { lockfileDifferences } from "./lockfile-diff.ts";

const [committedPath, installedPath = "package-lock.json"] = process.argv.slice(2);
if (!committedPath) {
  console.error("usage: node scripts/check-lockfile.ts <committed-lockfile> [installed-lockfile]");
  process.exit(2);
}
const read = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
const problems = lockfileDifferences(read(committedPath), read(installedPath));
if (problems.length > 0) {
  console.error("package.json and package-lock.json disagree about what to install:");
  for (const problem of problems.slice(0, 20)) console.error(`  ${problem}`);
  if (problems.length > 20) console.error(`  … and ${problems.length - 20} more`);
  console.error("Run `npm install` on a machine whose registry serves every platform and commit the lockfile.");
  process.exit(1);
}
console.log("lockfile check: only optional platform binaries differ from the committed lockfile");
