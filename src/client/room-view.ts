/**
 * What the room looks like: one lane per person (like Unix `talk`'s split screen, for N people),
 * a presence list, brief join/leave notices, and a screen-reader feed. Everything that came from
 * another person goes in through textContent, never as HTML.
 *
 * Words fade and are removed `fadeMs` after they arrived, on a timer of their own, so they
 * vanish on time with reduced motion too, where there is no fade animation.
 */
import type { Peer, User } from "../protocol.ts";

export interface RoomElements {
  lanes: HTMLElement;
  people: HTMLUListElement;
  notices: HTMLElement;
  spoken: HTMLElement;
}

interface Person extends Peer {
  color: number;
  lane: HTMLElement;
  words: HTMLElement;
  nameEl: HTMLElement;
  awayEl: HTMLElement;
  item: HTMLLIElement;
}

/**
 * Stable colours: eight palette classes in style.css. A person keeps theirs while connected; it
 * starts from a hash of their id and moves on to the next colour nobody in the room has.
 */
const PALETTE_SIZE = 8;
/** How long join and leave notices stay. */
const NOTICE_MS = 4_000;
/** A screen reader hears a person's words at a word boundary or after this pause, never per letter. */
const SPEAK_AFTER_MS = 900;

export class RoomView {
  readonly #people = new Map<string, Person>();
  #me: string | undefined;
  fadeMs = 5_000;
  readonly #reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
  readonly #speech = new Map<string, { text: string; timer: ReturnType<typeof setTimeout> | undefined }>();

  readonly els: RoomElements;

  constructor(els: RoomElements) {
    this.els = els;
  }

  /** Starts over from a welcome: the people in it are the room, as of now. */
  reset(me: User, peers: Peer[]): void {
    for (const id of [...this.#people.keys()]) this.#remove(id);
    this.#me = me.id;
    for (const peer of peers) this.#add(peer);
    this.#add({ ...me, away: false });
  }

  get othersCount(): number {
    return this.#people.size - (this.#me && this.#people.has(this.#me) ? 1 : 0);
  }

  join(user: User): void {
    if (this.#people.has(user.id)) return;
    this.#add({ ...user, away: false });
    this.notice(`${user.name} joined`);
  }

  leave(user: User): void {
    // A leave for someone we never saw (or saw leave already) is harmless: ignore it.
    if (!this.#people.has(user.id) || user.id === this.#me) return;
    this.#remove(user.id);
    this.notice(`${user.name} left`);
  }

  rename(user: User, oldName: string): void {
    const person = this.#people.get(user.id);
    if (!person) return;
    person.name = user.name;
    this.#label(person);
    if (user.id !== this.#me) this.notice(`${oldName} is now ${user.name}`);
  }

  setAway(user: User, away: boolean): void {
    const person = this.#people.get(user.id);
    if (!person) return;
    person.away = away;
    this.#label(person);
  }

  /** Shows words in a person's lane, fading out and gone after fadeMs. */
  say(id: string, text: string): void {
    const person = this.#people.get(id);
    if (!person) return;
    const span = document.createElement("span");
    span.textContent = text;
    person.words.append(span);
    if (!this.#reducedMotion.matches) {
      // Fully visible for most of its life, then gone. Web Animations: no inline style, no CSP issue.
      span.animate([{ opacity: 1 }, { opacity: 1, offset: 0.6 }, { opacity: 0 }], {
        duration: this.fadeMs,
        easing: "ease-in",
        fill: "forwards",
      });
    }
    setTimeout(() => span.remove(), this.fadeMs);
    if (id !== this.#me) this.#speak(person, text);
  }

  /** A short-lived line for joins, leaves and hints; read out politely by screen readers. */
  notice(text: string): void {
    const line = document.createElement("p");
    line.textContent = text;
    this.els.notices.append(line);
    setTimeout(() => line.remove(), NOTICE_MS);
  }

  #add(peer: Peer): void {
    const color = this.#freeColor(peer.id);
    const lane = document.createElement("section");
    lane.className = `lane c${color}`;
    if (peer.id === this.#me) lane.classList.add("mine");
    const head = document.createElement("h2");
    head.className = "who";
    const nameEl = document.createElement("span");
    nameEl.className = "name";
    const awayEl = document.createElement("span");
    awayEl.className = "away-badge";
    awayEl.textContent = "looked away";
    head.append(nameEl, awayEl);
    const words = document.createElement("p");
    words.className = "words";
    lane.append(head, words);

    const item = document.createElement("li");
    item.className = `person c${color}`;

    const person: Person = { ...peer, color, lane, words, nameEl, awayEl, item };
    this.#people.set(peer.id, person);
    this.#label(person);
    // Your own lane sits last, next to the field you type in.
    const mine = this.#me ? this.#people.get(this.#me)?.lane : undefined;
    if (mine && mine !== lane && mine.isConnected) this.els.lanes.insertBefore(lane, mine);
    else this.els.lanes.append(lane);
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

  #remove(id: string): void {
    const person = this.#people.get(id);
    if (!person) return;
    person.lane.remove();
    person.item.remove();
    this.#people.delete(id);
  }

  #label(person: Person): void {
    const you = person.id === this.#me;
    person.nameEl.textContent = you ? `${person.name} (you)` : person.name;
    person.lane.setAttribute("aria-label", you ? `Your words, as ${person.name}` : `${person.name}'s words`);
    person.awayEl.hidden = !person.away;
    person.lane.classList.toggle("away", person.away);
    person.item.textContent = you ? `${person.name} (you)` : person.away ? `${person.name} (looked away)` : person.name;
    person.item.classList.toggle("away", person.away);
  }

  /** Buffers a person's words and hands them to the live region a word or phrase at a time. */
  #speak(person: Person, text: string): void {
    const entry = this.#speech.get(person.id) ?? { text: "", timer: undefined };
    entry.text += text;
    clearTimeout(entry.timer);
    const say = () => {
      const phrase = entry.text.trim();
      entry.text = "";
      entry.timer = undefined;
      if (!phrase) return;
      const line = document.createElement("p");
      line.textContent = `${person.name}: ${phrase}`;
      this.els.spoken.append(line);
      setTimeout(() => line.remove(), this.fadeMs);
    };
    this.#speech.set(person.id, entry);
    if (/[\s.,!?;:]$/u.test(entry.text)) say();
    else entry.timer = setTimeout(say, SPEAK_AFTER_MS);
  }
}

export function paletteIndex(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % PALETTE_SIZE;
}
