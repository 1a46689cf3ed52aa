/**
 * How the page shows names, whatever someone else's page sealed: names are end-to-end encrypted,
 * so the room cannot check them and the page applies the rules (src/name-rules.ts) wherever it
 * shows one. A name that breaks them is not shown; two people
 * whose names read the same get their id's first digits beside it, so nobody can pass as another.
 */
import { nameKey } from "../name-rules.ts";
import { checkName, type User } from "../protocol.ts";

export interface ShownName {
  /** The name as shown, isolated from the text around it. */
  name: string;
  /** Shown beside the name when another person's reads the same, else null. */
  tag: string | null;
}

/** What a name that breaks the rules is shown as. */
export const UNNAMED = "Unnamed";

/** How each of `people` is shown, by id. Pure. */
export function showNames(people: readonly User[]): Map<string, ShownName> {
  const names = new Map<string, string>();
  const holders = new Map<string, number>();
  for (const { id, name } of people) {
    const shown = checkName(name.trim()) === null ? name.trim() : UNNAMED;
    names.set(id, shown);
    const key = nameKey(shown);
    holders.set(key, (holders.get(key) ?? 0) + 1);
  }
  const out = new Map<string, ShownName>();
  for (const [id, name] of names) {
    out.set(id, { name, tag: (holders.get(nameKey(name)) ?? 0) > 1 ? `#${id.slice(0, 4)}` : null });
  }
  return out;
}
