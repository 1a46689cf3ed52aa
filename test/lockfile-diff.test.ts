import { describe, expect, it } from "vitest";
import { lockfileDifferences } from "../scripts/lockfile-diff.ts";

/** A small lockfile in npm's v3 shape, with one optional platform binary per platform given. */
function lock(options: { hashids?: string; platforms?: string[]; root?: Record<string, string>; extra?: string[] }) {
  const packages: Record<string, unknown> = {
    "": { name: "phantachat", dependencies: options.root ?? { hashids: "^2.3.0" } },
    "node_modules/hashids": {
      version: options.hashids ?? "2.3.0",
      resolved: `https://registry.npmjs.org/hashids/-/hashids-${options.hashids ?? "2.3.0"}.tgz`,
      integrity: `sha512-${options.hashids ?? "2.3.0"}`,
    },
    "node_modules/@biomejs/biome": { version: "2.6.8", dev: true },
  };
  for (const platform of options.platforms ?? ["linux-x64"]) {
    const [os, cpu] = platform.split("-");
    packages[`node_modules/@biomejs/cli-${platform}`] = { version: "2.6.8", optional: true, os: [os], cpu: [cpu] };
  }
  for (const path of options.extra ?? []) packages[path] = { version: "1.0.0" };
  return { name: "phantachat", lockfileVersion: 3, requires: true, packages };
}

describe("lockfileDifferences", () => {
  it("finds none between identical lockfiles", () => {
    expect(lockfileDifferences(lock({}), lock({}))).toEqual([]);
  });

  it("ignores optional platform binaries that one registry lists and another does not", () => {
    const everyPlatform = lock({ platforms: ["linux-x64", "darwin-arm64", "win32-x64", "android-arm64"] });
    expect(lockfileDifferences(everyPlatform, lock({}))).toEqual([]);
    expect(lockfileDifferences(lock({}), everyPlatform)).toEqual([]);
  });

  it("fails on a transitive version that changed", () => {
    expect(lockfileDifferences(lock({}), lock({ hashids: "2.3.1" }))).toEqual([
      "node_modules/hashids: version 2.3.0 in the lockfile, 2.3.1 installed",
      "node_modules/hashids: resolved https://registry.npmjs.org/hashids/-/hashids-2.3.0.tgz in the lockfile, https://registry.npmjs.org/hashids/-/hashids-2.3.1.tgz installed",
      "node_modules/hashids: integrity sha512-2.3.0 in the lockfile, sha512-2.3.1 installed",
    ]);
  });

  it("fails when package.json asks for something the lockfile does not say", () => {
    const problems = lockfileDifferences(lock({}), lock({ root: { hashids: "^3.0.0" } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/package\.json's dependencies differ/);
  });

  it("fails on a package that is not a platform binary appearing or disappearing", () => {
    expect(lockfileDifferences(lock({}), lock({ extra: ["node_modules/left-pad"] }))).toEqual([
      "node_modules/left-pad is missing from the committed lockfile",
    ]);
    expect(lockfileDifferences(lock({ extra: ["node_modules/left-pad"] }), lock({}))).toEqual([
      "node_modules/left-pad is extra in the committed lockfile",
    ]);
  });

  it("refuses something that is not a lockfile", () => {
    expect(lockfileDifferences({}, lock({}))).toEqual(["not an npm lockfile (v2 or v3): no `packages` object"]);
  });
});
