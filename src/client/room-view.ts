/**
 * What the room looks like: one lane per person (src/client/lanes.ts: Unix `talk`'s split
 * screen, for N people), a presence list, brief grouped notices near the compose bar, and a
 * screen-reader feed. Everything that came from another person goes in through textContent,
 * never as HTML, and every name is isolated (<bdi>) so no name can change the text around it.
 *
 * Built to keep up with a full room: text waits for the next animation frame and goes into the
 * DOM once per lane per frame, and one timer, running only while words are on screen, clears
 * faded lines and hands finished phrases to screen readers.
 */
import type { Peer, User } from "../protocol.ts";
import { type ShownName, showNames } from "./display-names.ts";
import { Lane } from "./lanes.ts";
import { Notices } from "./notices.ts";

export interface RoomElements {
  lanes: HTMLElement;
  people: HTMLUListElement;
  notices: HTMLElement;
  spoken: HTMLElement;
}

interface Person extends Peer {
  color: number;
  lane: Lane;
  laneEl: HTMLElement;
  nameEls: HTMLElement[];
  tagEls: HTMLElement[];
  awayEl: HTMLElement;
  item: HTMLLIElement;
  itemAwayEl: HTMLElement;
  shown: ShownName;
  /** Words not yet read out, and when the last of them came. */
  speech: { text: string; at: number };
  /** Set while the person's connection is broken and they may come back. */
  lostTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Stable colours: eight palette classes in style.css. A person keeps theirs while connected; it
 * starts from a hash of their id and moves on to the next colour nobody in the room has.
 */
const PALETTE_SIZE = 8;
/** A screen reader hears a person's words at a word boundary or after this pause, never per letter. */
const SPEAK_AFTER_MS = 900;
/**
 * How long a person whose connection broke keeps their lane, shown as reconnecting, before the
 * others read that they left: a page coming back within it (a blip, a tunnel) is the same
 * person again, with no churn to read.
 */
export const GRACE_MS = 30_000;
/** How often lanes are cleared of faded lines and pauses are read out. */
const SWEEP_MS = 200;
/** Most phrases kept in the screen-reader feed. */
const MAX_SPOKEN = 6;

export class RoomView {
  readonly els: RoomElements;
  readonly notices: Notices;
  readonly #people = new Map<string, Person>();
  #me: string | undefined;
  #fadeMs = 5_000;
  /** Text waiting for the next animation frame, per person. */
  readonly #pending = new Map<string, { text: string; typed: number | undefined }[]>();
  /** One's own words: everything typed up to here was heard by the room. */
  #heardUpTo = 0;
  /** One's own words that were never heard and faded before they could be sent again. */
  readonly #unsaid = new Set<number>();
  #frame: number | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(els: RoomElements) {
    this.els = els;
    this.notices = new Notices(els.notices);
    this.#applyFade();
  }

  get fadeMs(): number {
    return this.#fadeMs;
  }

  set fadeMs(ms: number) {
    this.#fadeMs = ms;
    for (const person of this.#people.values()) person.lane.fadeMs = ms;
    this.#applyFade();
  }

  /**
   * Takes in a welcome: the people in it are the room, as of now. The first one builds the room;
   * after a reconnect, everyone still here keeps their lane and words, and who came or went
   * meanwhile is said as usual.
   */
  sync(me: User, peers: Peer[]): void {
    const first = this.#me === undefined;
    if (this.#me !== undefined && this.#me !== me.id) this.#remove(this.#me);
    this.#me = me.id;
    const here = new Set([me.id, ...peers.map((p) => p.id)]);
    for (const person of [...this.#people.values()]) {
      if (!here.has(person.id)) this.#depart(person, !first);
    }
    for (const peer of peers) {
      const known = this.#people.get(peer.id);
      if (known) {
        this.#returned(known);
        known.name = peer.name;
        known.away = peer.away;
      } else {
        this.#add(peer);
        if (!first) this.notices.add({ kind: "joined", name: peer.name });
      }
    }
    const mine = this.#people.get(me.id);
    if (mine) mine.name = me.name;
    else this.#add({ ...me, away: false });
    this.#relabel();
  }

  get othersCount(): number {
    return this.#people.size - (this.#me && this.#people.has(this.#me) ? 1 : 0);
  }

  /** How a person is shown (their name, and its tag when another reads the same). */
  nameOf(id: string): string {
    return this.#label(id);
  }

  /** The names of everyone here but `me`, as shown (for refusing a name someone holds). */
  namesOfOthers(me: string | undefined): string[] {
    return [...this.#people.values()].filter((p) => p.id !== me).map((p) => p.shown.name);
  }

  /** A person's lane, to keep it in view. */
  laneOf(id: string | undefined): HTMLElement | undefined {
    return id === undefined ? undefined : this.#people.get(id)?.laneEl;
  }

  /** Everything a person's lane shows now, line by line. */
  laneText(id: string): string {
    return this.#people.get(id)?.lane.text ?? "";
  }

  join(user: User): void {
    const known = this.#people.get(user.id);
    if (known) {
      // Back within the grace period: the same person, the same lane, nothing to announce.
      this.#returned(known);
      known.name = user.name;
      this.#relabel();
      return;
    }
    this.#add({ ...user, away: false });
    this.#relabel();
    this.notices.add({ kind: "joined", name: this.#label(user.id) });
  }

  /** `lost`: their connection broke, so they may come back within GRACE_MS as the same person. */
  leave(user: User, lost = false): void {
    // A leave for someone we never saw (or saw leave already) is harmless: ignore it.
    const person = this.#people.get(user.id);
    if (!person || user.id === this.#me) return;
    if (!lost) {
      this.#depart(person, true);
      return;
    }
    if (person.lostTimer !== undefined) return;
    person.laneEl.classList.add("lost");
    person.item.classList.add("lost");
    person.lostTimer = setTimeout(() => this.#depart(person, true), GRACE_MS);
    this.#relabel();
  }

  /** Shows one's own words; `heard` false when nobody else is here to hear them. */
  sayMine(text: string, typed: number, heard: boolean): void {
    if (this.#me) this.#queue(this.#me, text, heard ? typed : undefined);
  }

  /** The room heard one's own words up to `typed`: they are said, no longer pending. */
  heard(typed: number): void {
    this.#heardUpTo = Math.max(this.#heardUpTo, typed);
    this.#restyleMine();
  }

  /** One's own words numbered `typed` were never heard, and faded before they could be: not said. */
  unsaid(typed: Iterable<number>): void {
    for (const t of typed) this.#unsaid.add(t);
    this.#restyleMine();
  }

  rename(user: User, _oldName: string): void {
    const person = this.#people.get(user.id);
    if (!person) return;
    const from = this.#label(user.id);
    person.name = user.name;
    this.#relabel();
    if (user.id !== this.#me) this.notices.add({ kind: "renamed", from, to: this.#label(user.id) });
  }

  setAway(user: User, away: boolean): void {
    const person = this.#people.get(user.id);
    if (!person) return;
    person.away = away;
    this.#relabel();
  }

  /** Shows words in a person's lane at the next animation frame; they fade and are gone after fadeMs. */
  say(id: string, text: string): void {
    if (this.#people.has(id)) this.#queue(id, text, undefined);
  }

  #queue(id: string, text: string, typed: number | undefined): void {
    const queue = this.#pending.get(id) ?? [];
    queue.push({ text, typed });
    this.#pending.set(id, queue);
    this.#frame ??= requestAnimationFrame(() => this.#render());
  }

  /** The class one's own words numbered `typed` carry: pending until heard, or not said. */
  #classOfMine(typed: number): string | undefined {
    if (this.#unsaid.has(typed)) return "unsaid";
    return typed > this.#heardUpTo ? "pending" : undefined;
  }

  #restyleMine(): void {
    const mine = this.#me ? this.#people.get(this.#me) : undefined;
    mine?.lane.restyle((typed) => this.#classOfMine(typed), performance.now());
  }

  /** A short-lived line for hints and errors, read out politely by screen readers. */
  notice(text: string): void {
    this.notices.say(text);
  }

  #render(): void {
    this.#frame = undefined;
    const now = performance.now();
    for (const [id, queue] of this.#pending) {
      const person = this.#people.get(id);
      if (!person) continue;
      for (const { text, typed } of queue) {
        const className = typed === undefined ? undefined : this.#classOfMine(typed);
        person.lane.append(text, now, className, typed);
        if (id !== this.#me) {
          person.speech.text += text;
          person.speech.at = now;
        }
      }
      if (id !== this.#me && /[\s.,!?;:]$/u.test(person.speech.text)) this.#speak(person);
    }
    this.#pending.clear();
    this.#sweeper ??= setInterval(() => this.#sweep(), SWEEP_MS);
  }

  /** Clears faded lines and reads out phrases that paused; stops itself once nothing is shown. */
  #sweep(): void {
    const now = performance.now();
    let showing = false;
    for (const person of this.#people.values()) {
      if (!person.lane.sweep(now)) showing = true;
      if (person.speech.text && now - person.speech.at >= SPEAK_AFTER_MS) this.#speak(person);
    }
    if (!showing && this.#pending.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  /** Hands a person's words to the live region a word or phrase at a time. */
  #speak(person: Person): void {
    const phrase = person.speech.text.trim();
    person.speech.text = "";
    if (!phrase) return;
    const line = document.createElement("p");
    line.textContent = `${person.shown.name}: ${phrase}`;
    this.els.spoken.append(line);
    while (this.els.spoken.childElementCount > MAX_SPOKEN) this.els.spoken.firstElementChild?.remove();
    setTimeout(() => line.remove(), this.#fadeMs);
  }

  /** The fade's length, for style.css's animation; set through the CSSOM, which the CSP allows. */
  #applyFade(): void {
    this.els.lanes.style.setProperty("--fade", `${this.#fadeMs}ms`);
  }

  #add(peer: Peer): void {
    const color = this.#freeColor(peer.id);
    const mine = peer.id === this.#me;
    const laneEl = document.createElement("section");
    laneEl.className = `lane c${color}`;
    laneEl.dataset.id = peer.id;
    if (mine) laneEl.classList.add("mine");
    const head = document.createElement("h2");
    head.className = "who";
    const [headName, headTag] = nameParts(mine);
    const awayEl = document.createElement("span");
    awayEl.className = "away-badge";
    awayEl.textContent = "looked away";
    const lostEl = document.createElement("span");
    lostEl.className = "lost-badge";
    lostEl.textContent = "reconnecting…";
    head.append(...headName, awayEl, lostEl);
    const words = document.createElement("div");
    words.className = "words";
    laneEl.append(head, words);

    const item = document.createElement("li");
    item.className = `person c${color}`;
    const [itemName, itemTag] = nameParts(mine);
    const itemAwayEl = document.createElement("span");
    itemAwayEl.className = "away-mark";
    item.append(...itemName, itemAwayEl);

    const person: Person = {
      ...peer,
      color,
      lane: new Lane(words, this.#fadeMs),
      laneEl,
      nameEls: [headTag.name, itemTag.name],
      tagEls: [headTag.tag, itemTag.tag],
      awayEl,
      item,
      itemAwayEl,
      shown: { name: peer.name, tag: null },
      speech: { text: "", at: 0 },
      lostTimer: undefined,
    };
    this.#people.set(peer.id, person);
    // Your own lane sits last, next to the field you type in.
    const myLane = this.#me ? this.#people.get(this.#me)?.laneEl : undefined;
    if (myLane && myLane !== laneEl && myLane.isConnected) this.els.lanes.insertBefore(laneEl, myLane);
    else this.els.lanes.append(laneEl);
    this.els.people.append(item);
  }

  #freeColor(id: string): number {
    const taken = new Set([...this.#people.values()].map((p) => p.color));
    const start = paletteIndex(id);
    for (let i = 0; i < PALETTE_SIZE; i++) {
      const color = (start + i) % PALETTE_SIZE;
      if (!taken.has(color)) return color;
    }
    return start;
  }

  /** Someone is gone for good: their lane goes, and the others read that they left. */
  #depart(person: Person, announce: boolean): void {
    const name = this.#label(person.id);
    this.#remove(person.id);
    this.#relabel();
    if (announce) this.notices.add({ kind: "left", name });
  }

  /** Someone whose connection broke is back: their lane lights up again. */
  #returned(person: Person): void {
    clearTimeout(person.lostTimer);
    person.lostTimer = undefined;
    person.laneEl.classList.remove("lost");
    person.item.classList.remove("lost");
  }

  #remove(id: string): void {
    const person = this.#people.get(id);
    if (!person) return;
    clearTimeout(person.lostTimer);
    person.laneEl.remove();
    person.item.remove();
    this.#people.delete(id);
    this.#pending.delete(id);
  }

  /** A person's name as the notices show it: the shown name, and its tag when another reads the same. */
  #label(id: string): string {
    const shown = this.#people.get(id)?.shown;
    return shown ? `${shown.name}${shown.tag ? ` ${shown.tag}` : ""}` : "";
  }

  /** Shows every name again: a join, leave or rename can make two names read the same, or no longer. */
  #relabel(): void {
    const shown = showNames([...this.#people.values()]);
    for (const person of this.#people.values()) {
      person.shown = shown.get(person.id) ?? { name: person.name, tag: null };
      const you = person.id === this.#me;
      for (const el of person.nameEls) el.textContent = person.shown.name;
      for (const el of person.tagEls) {
        el.textContent = person.shown.tag ?? "";
        el.hidden = person.shown.tag === null;
      }
      const label = this.#label(person.id);
      person.laneEl.setAttribute("aria-label", you ? `Your words, as ${label}` : `${label}'s words`);
      person.awayEl.hidden = !person.away;
      person.laneEl.classList.toggle("away", person.away);
      person.item.classList.toggle("away", person.away);
      person.itemAwayEl.textContent = person.away ? " (looked away)" : "";
    }
  }
}

/** The pieces a name is shown with: the name itself (isolated), its tag, and "(you)" outside it. */
function nameParts(mine: boolean): [Node[], { name: HTMLElement; tag: HTMLElement }] {
  const name = document.createElement("bdi");
  name.className = "name";
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.hidden = true;
  const nodes: Node[] = [name, tag];
  if (mine) {
    const you = document.createElement("span");
    you.className = "you";
    you.textContent = " (you)";
    nodes.push(you);
  }
  return [nodes, { name, tag }];
}

export function paletteIndex(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % PALETTE_SIZE;
}
