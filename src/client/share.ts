/**
 * The invite panel: the room link, a one-click copy, and a QR code for phones. The QR matrix
 * comes from `uqr` and is drawn as one SVG path, with no markup parsed and no image data URL.
 */
import { encode } from "uqr";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Draws `text` as a QR code into `svg`, with the standard 4-module quiet zone. */
export function drawQr(svg: SVGSVGElement, text: string): void {
  const { data, size } = encode(text, { ecc: "M", border: 0 });
  const quiet = 4;
  let d = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
    });
  });
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", d);
  svg.setAttribute("viewBox", `0 0 ${size + 2 * quiet} ${size + 2 * quiet}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.replaceChildren(path);
}

/** Copies `text` to the clipboard; resolves to whether it worked. */
export async function copyText(text: string, fallbackInput: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or an old browser): select the link so the person can copy it.
    fallbackInput.focus();
    fallbackInput.select();
    return false;
  }
}
