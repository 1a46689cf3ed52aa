/**
 * Connection ids, and the default names every page derives from them ("Quiet Heron"), so the
 * room is readable before anyone chooses a name.
 */

const ADJECTIVES: readonly string[] = (
  "Amber Brave Calm Clever Cosmic Curious Dapper Eager Gentle Golden Happy Jolly Kind Lively Lucky Mellow " +
  "Merry Misty Nimble Quiet Rapid Rosy Silver Sleepy Snowy Sunny Swift Tidy Velvet Witty Wild Zesty"
).split(" ");

const ANIMALS: readonly string[] = (
  "Badger Beaver Bison Crane Falcon Ferret Finch Fox Gecko Heron Ibis Koala Lemur Lynx Marten Moose " +
  "Newt Otter Owl Panda Puffin Quail Raven Robin Seal Sparrow Stoat Swan Tapir Toucan Walrus Wren"
).split(" ");

/**
 * The default name of the person with `id`, the same on every page: two words picked by a hash of
 * the id. Names are end-to-end encrypted, so the room names nobody: a person who chose no name
 * is shown by this one. Two people may draw the same words; the page then tells them apart by
 * their ids (src/client/display-names.ts).
 */
export function defaultNameFor(id: string): string {
  let hash = 2_166_136_261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16_777_619) >>> 0;
  return `${ADJECTIVES[hash % ADJECTIVES.length]} ${ANIMALS[Math.floor(hash / ADJECTIVES.length) % ANIMALS.length]}`;
}

/** A short random connection id (8 hex digits), not in `taken`. Ids are only unique per room. */
export function pickConnectionId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = (crypto.getRandomValues(new Uint32Array(1))[0] ?? 0).toString(16).padStart(8, "0");
    if (!taken.has(id)) return id;
  }
}
