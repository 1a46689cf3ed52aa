/**
 * Attention while the page is in the background: the tab's title and icon say that someone came
 * or spoke, and on coming back a notice says what was missed (it has faded by then: that is the
 * point of the place). The room itself hears "looked away" from the page (main.ts).
 */

const DOT_ICON = "/favicon-dot.svg";

export class Attention {
  readonly #title = document.title;
  readonly #icon: HTMLLinkElement | null = document.querySelector('link[rel="icon"]');
  readonly #plainIcon = this.#icon?.getAttribute("href") ?? "/favicon.svg";
  #spoke = new Set<string>();
  #joined = 0;

  /**
   * `onBack` is told, on coming back, who spoke and how many came meanwhile; nothing is told
   * when nothing happened.
   */
  constructor(onBack: (spoke: string[], joined: number) => void) {
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) return;
      const spoke = [...this.#spoke];
      const joined = this.#joined;
      this.#spoke = new Set();
      this.#joined = 0;
      document.title = this.#title;
      this.#icon?.setAttribute("href", this.#plainIcon);
      if (spoke.length > 0 || joined > 0) onBack(spoke, joined);
    });
  }

  /** Someone (shown as `name`) spoke while this page may be hidden. */
  spoke(name: string): void {
    if (!document.hidden) return;
    this.#spoke.add(name);
    this.#update();
  }

  /** Someone came while this page may be hidden. */
  joined(): void {
    if (!document.hidden) return;
    this.#joined++;
    this.#update();
  }

  #update(): void {
    const what = this.#spoke.size > 0 ? "New words" : "Someone came";
    document.title = `● ${what} · ${this.#title}`;
    this.#icon?.setAttribute("href", DOT_ICON);
  }
}
