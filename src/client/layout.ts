/**
 * The page's shape around the keyboard, and where typing goes. A phone's on-screen keyboard
 * shrinks the visual viewport, not the layout viewport, so the page sizes itself to the visual
 * one (visualViewport): the header stays one line, the compose bar sits just above the
 * keyboard, your own lane (the last) stays in view above it, and while the keyboard is up the
 * invite and the presence list step aside. Every key goes to the compose field, whatever was
 * clicked last, and Space or Enter never toggle a control on its way there.
 */

/** The visual viewport this much shorter than the window means an on-screen keyboard is up. */
const KEYBOARD_PX = 120;

export function fitToKeyboard(mine: () => HTMLElement | undefined): void {
  const vv = window.visualViewport;
  if (!vv) return;
  const root = document.documentElement;
  const resize = () => {
    // Set through the CSSOM (the CSP allows it): style.css sizes the body with it.
    root.style.setProperty("--viewport-height", `${vv.height}px`);
    const keyboard = window.innerHeight - vv.height > KEYBOARD_PX;
    root.classList.toggle("keyboard", keyboard);
    // Less room than before: your own lane (the last) stays in view above the field.
    mine()?.scrollIntoView({ block: "nearest" });
  };
  vv.addEventListener("resize", resize);
  resize();
}

/**
 * Sends every key meant as text to `field`, whatever has focus: a click on the invite or a
 * button leaves focus there, and the next sentence would otherwise go nowhere (or Space would
 * toggle the invite). Fields of their own (`keep`) are left alone.
 */
export function keepTypingIn(field: HTMLTextAreaElement, keep: (el: Element) => boolean): void {
  document.addEventListener(
    "keydown",
    (event) => {
      const target = event.target;
      if (field.disabled || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (target === field || (target instanceof Element && keep(target))) return;
      const typing = event.key.length === 1 || event.key === "Enter";
      if (!typing) return;
      // Focus moves before the key does anything: the text lands in the field, and the control
      // that had focus never sees the Space or Enter that would have toggled it.
      field.focus({ preventScroll: true });
    },
    { capture: true },
  );
}
