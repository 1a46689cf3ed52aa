/**
 * One person's lane of words, the way Unix `talk` shows it: text runs on in lines, every letter
 * keeps its place while it fades, a line leaves only once all of it has faded, and the lane
 * moves by whole lines, never sideways. A pause of TURN_PAUSE_MS (or Enter) starts a new line,
 * so separate bursts never run together.
 *
 * Fast: text that arrives between two animation frames goes into the DOM as one span per lane
 * at the next frame, and the fade is a CSS animation (style.css), so a full room typing at the
 * flood guard's rate costs the page one small DOM write per lane per frame.
 */

/** A pause this long (ms) between two pieces of a person's text starts a new line. */
export const TURN_PAUSE_MS = 1_500;
/** A line this long (code units) ends at its next space, so a lane never holds an endless line. */
export const MAX_LINE_LENGTH = 240;
/** Text that arrives within this many ms of a span shares it (and its fade): 10 fades a second at most. */
const SPAN_MS = 100;
/**
 * One's own words that were never heard stay this long, struck out, before they go (style.css's
 * `unsaid` animation lasts as long): a person sees what did not get through.
 */
export const UNSAID_MS = 2_500;

/** Where a piece of text goes: each string is said on its own line, the first one maybe on the current one. */
export interface Placement {
  /** True when the first piece starts a new line (after a pause, or because the line is full). */
  newLine: boolean;
  /** The text cut at its line breaks: every piece after the first starts a new line. */
  pieces: string[];
}

/** The current line, as placeText sees it. */
export interface LineState {
  length: number;
  /** The text on it ends with a space: a full line may end here. */
  endsWithSpace: boolean;
  /** When its last text came (ms). */
  lastAt: number;
}

/** Decides where `text`, arriving at `now`, goes after the current line (null if there is none). Pure. */
export function placeText(text: string, line: LineState | null, now: number): Placement {
  const pieces = text.split("\n");
  if (!line || line.length === 0) return { newLine: line === null, pieces };
  const full = line.length >= MAX_LINE_LENGTH && (line.endsWithSpace || /^\s/.test(pieces[0] ?? ""));
  return { newLine: now - line.lastAt >= TURN_PAUSE_MS || full, pieces };
}

interface Line extends LineState {
  element: HTMLElement;
}

export class Lane {
  readonly element: HTMLElement;
  fadeMs: number;
  readonly #lines: Line[] = [];
  /** The span that text arriving within SPAN_MS joins. */
  #open: { span: HTMLSpanElement; at: number } | undefined;
  /** Spans of one's own words, with the last piece of typed text each holds (see restyle). */
  readonly #typed = new Map<HTMLSpanElement, number>();

  constructor(element: HTMLElement, fadeMs: number) {
    this.element = element;
    this.fadeMs = fadeMs;
  }

  /**
   * Adds text said at `now` (ms, performance.now()). `typed` numbers one's own words, so that
   * restyle() can later mark them as heard or not said.
   */
  append(text: string, now: number, className?: string, typed?: number): void {
    const { newLine, pieces } = placeText(text, this.#lines.at(-1) ?? null, now);
    pieces.forEach((piece, i) => {
      if (i > 0 || newLine) this.#newLine(now);
      if (piece) this.#write(piece, now, className, typed);
    });
  }

  /**
   * Gives each span of one's own words the class `classOf` says for the last piece it holds, at
   * `now`. Pending words do not fade (style.css): once heard they fade from now, once given up
   * they stay struck out for UNSAID_MS, and their line stays at least as long.
   */
  restyle(classOf: (typed: number) => string | undefined, now: number): void {
    for (const [span, typed] of this.#typed) {
      if (!span.isConnected) {
        this.#typed.delete(span);
        continue;
      }
      const wanted = classOf(typed) ?? "";
      if (span.className === wanted) continue;
      const was = span.className;
      span.className = wanted;
      const line = this.#lines.find((l) => l.element === span.parentElement);
      if (!line) continue;
      if (wanted === "unsaid") line.lastAt = Math.max(line.lastAt, now - this.fadeMs + UNSAID_MS);
      else if (was === "pending") line.lastAt = Math.max(line.lastAt, now);
    }
  }

  /** Removes lines whose every letter has faded; returns true when the lane is empty. */
  sweep(now: number): boolean {
    while (this.#lines.length > 0) {
      const first = this.#lines[0];
      if (!first || now - first.lastAt < this.fadeMs) break;
      // One's own words wait on screen, unfaded, until the room has heard them or they are given up.
      if (first.element.querySelector(".pending")) break;
      // Only the oldest line leaves, and only once all of it is gone: the rest move up by a line.
      first.element.remove();
      this.#lines.shift();
    }
    if (this.#lines.length === 0) {
      this.#open = undefined;
      return true;
    }
    return false;
  }

  /** Everything shown now, line by line (for the page's own checks and the tests). */
  get text(): string {
    return this.#lines.map((l) => l.element.textContent ?? "").join("\n");
  }

  #newLine(now: number): void {
    const element = document.createElement("div");
    element.className = "line";
    this.element.append(element);
    this.#lines.push({ element, length: 0, endsWithSpace: false, lastAt: now });
    this.#open = undefined;
  }

  #write(text: string, now: number, className: string | undefined, typed: number | undefined): void {
    const line = this.#lines.at(-1);
    if (!line) return;
    const open = this.#open;
    let span: HTMLSpanElement;
    if (
      open &&
      now - open.at < SPAN_MS &&
      open.span.parentElement === line.element &&
      open.span.className === (className ?? "")
    ) {
      span = open.span;
      span.append(text);
    } else {
      span = document.createElement("span");
      if (className) span.className = className;
      span.textContent = text;
      line.element.append(span);
      this.#open = { span, at: now };
    }
    if (typed !== undefined) this.#typed.set(span, typed);
    line.length += text.length;
    line.endsWithSpace = /\s$/.test(text);
    line.lastAt = now;
  }
}
