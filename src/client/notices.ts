/**
 * The room's comings and goings, said briefly: joins, leaves and renames that happen close
 * together become one line ("Ana, Bo and 3 others joined"), a rename to the same name says
 * nothing, and never more than MAX_LINES lines show at once. Screen readers hear each line once
 * (the element is a polite live region).
 */

export type Change =
  | { kind: "joined"; name: string }
  | { kind: "left"; name: string }
  | { kind: "renamed"; from: string; to: string };

/** Changes within this many ms of the first one are said together. */
export const GROUP_MS = 1_200;
/** How long a line stays. */
export const NOTICE_MS = 5_000;
/** Most lines shown at once: the oldest goes first. */
export const MAX_LINES = 3;

/** A piece of a notice: plain words, or a person's name (shown isolated, so it cannot run into the words). */
export type Part = string | { name: string };

/** The lines a group of changes reads as, in the order the kinds first came. Pure. */
export function describeChanges(changes: readonly Change[]): Part[][] {
  const joined: string[] = [];
  const left: string[] = [];
  const renamed: [string, string][] = [];
  const order: Change["kind"][] = [];
  for (const change of changes) {
    if (!order.includes(change.kind)) order.push(change.kind);
    if (change.kind === "joined") joined.push(change.name);
    else if (change.kind === "left") left.push(change.name);
    else if (change.from !== change.to) renamed.push([change.from, change.to]);
  }
  const lines: Part[][] = [];
  for (const kind of order) {
    if (kind === "joined" && joined.length > 0) lines.push([...listNames(joined), " joined"]);
    if (kind === "left" && left.length > 0) lines.push([...listNames(left), " left"]);
    if (kind === "renamed" && renamed.length > 0) {
      lines.push(
        renamed.length <= 2
          ? renamed.flatMap(([from, to], i) => [...(i > 0 ? ["; "] : []), { name: from }, " is now ", { name: to }])
          : [`${renamed.length} people changed their names`],
      );
    }
  }
  return lines;
}

/** "Ana", "Ana and Bo", "Ana, Bo and Cy", "Ana, Bo and 3 others". */
export function listNames(names: readonly string[]): Part[] {
  const shown = names.length <= 3 ? names : names.slice(0, 2);
  const parts: Part[] = [];
  shown.forEach((name, i) => {
    if (i > 0) parts.push(i === names.length - 1 ? " and " : ", ");
    parts.push({ name });
  });
  if (names.length > 3) parts.push(` and ${names.length - 2} others`);
  return parts;
}

/** The text a line of parts reads as (for screen readers and the tests). */
export function partsText(parts: readonly Part[]): string {
  return parts.map((p) => (typeof p === "string" ? p : p.name)).join("");
}

export class Notices {
  readonly #element: HTMLElement;
  #pending: Change[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(element: HTMLElement) {
    this.#element = element;
  }

  /** Notes a change; it is said with whatever else happens within GROUP_MS. */
  add(change: Change): void {
    this.#pending.push(change);
    this.#timer ??= setTimeout(() => this.#flush(), GROUP_MS);
  }

  /** A line of its own, now (a hint, an error), still within MAX_LINES. */
  say(text: string): void {
    this.#show([text]);
  }

  #flush(): void {
    this.#timer = undefined;
    const changes = this.#pending;
    this.#pending = [];
    for (const line of describeChanges(changes)) this.#show(line);
  }

  #show(parts: readonly Part[]): void {
    const line = document.createElement("p");
    for (const part of parts) {
      if (typeof part === "string") line.append(part);
      else {
        const name = document.createElement("bdi");
        name.className = "who-name";
        name.textContent = part.name;
        line.append(name);
      }
    }
    this.#element.append(line);
    while (this.#element.childElementCount > MAX_LINES) this.#element.firstElementChild?.remove();
    setTimeout(() => line.remove(), NOTICE_MS);
  }
}
