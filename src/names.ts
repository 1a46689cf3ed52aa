/**
 * Default names and connection ids. A newcomer gets a friendly two-word name ("Quiet Heron")
 * that nobody else in the room holds, so the room is readable before anyone renames.
 */

const ADJECTIVES: readonly string[] = (
  "Amber Brave Calm Clever Cosmic Curious Dapper Eager Gentle Golden Happy Jolly Kind Lively Lucky Mellow " +
  "Merry Misty Nimble Quiet Rapid Rosy Silver Sleepy Snowy Sunny Swift Tidy Velvet Witty Wild Zesty"
).split(" ");

const ANIMALS: readonly string[] = (
  "Badger Beaver Bison Crane Falcon Ferret Finch Fox Gecko Heron Ibis Koala Lemur Lynx Marten Moose " +
  "Newt Otter Owl Panda Puffin Quail Raven Robin Seal Sparrow Stoat Swan Tapir Toucan Walrus Wren"
).split(" ");

/** A random default name not in `taken`; with the 1,024 pairs used up, a numbered one. */
export function pickDefaultName(taken: ReadonlySet<string>): string {
  for (let attempt = 0; attempt < 16; attempt++) {
    const name = `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
    if (!taken.has(name)) return name;
  }
  for (let n = 2; ; n++) {
    const name = `${pick(ADJECTIVES)} ${pick(ANIMALS)} ${n}`;
    if (!taken.has(name)) return name;
  }
}

/** A short random connection id (8 hex digits), not in `taken`. Ids are only unique per room. */
export function pickConnectionId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0).toString(16).padStart(8, "0");
    if (!taken.has(id)) return id;
  }
}

function pick<T>(list: readonly T[]): T {
  const item = list[Math.floor(Math.random() * list.length)];
  if (item === undefined) throw new RangeError("pick() needs a non-empty list");
  return item;
}
