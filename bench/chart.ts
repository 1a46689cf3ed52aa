/**
 * A self-contained SVG of latency distributions, app against the references: one panel per
 * scenario, one cumulative curve per target on a log-scale time axis. No fonts, scripts or
 * links, so it renders the same on GitHub, in an editor and offline.
 */
export interface Curve {
  label: string;
  /** Latency samples in ms. */
  samples: ArrayLike<number>;
}

export interface Panel {
  title: string;
  curves: Curve[];
}

const COLOURS = ["#d1495b", "#00798c", "#8a6d00"];
/** The y axis runs from p0 to p99.9: three nines. */
const MAX_NINES = 3;
const W = 320;
const H = 220;
const PAD = { left: 48, right: 12, top: 28, bottom: 46 };

export function latencyChart(panels: Panel[]): string {
  const width = W * panels.length;
  // A loop, not Math.min(...samples): a big room gives more samples than a call has arguments.
  let least = Number.POSITIVE_INFINITY;
  let most = 0;
  for (const panel of panels) {
    for (const curve of panel.curves) {
      for (let i = 0; i < curve.samples.length; i++) {
        const v = curve.samples[i] ?? 0;
        if (v > 0 && v < least) least = v;
        if (v > most) most = v;
      }
    }
  }
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Number.isFinite(least) ? least : 0.01)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, most)));
  const parts = panels.map((panel, i) => panelSvg(panel, i * W, lo, hi));
  const title = `One-way keystroke latency, app against the references: ${panels.map((p) => p.title).join("; ")}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${H}" width="${width}" height="${H}" font-family="system-ui, sans-serif" font-size="11" role="img">
<title>${escapeXml(title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join("\n")}
</svg>
`;
}

function panelSvg(panel: Panel, x0: number, lo: number, hi: number): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (ms: number) => x0 + PAD.left + (Math.log10(Math.max(lo, ms) / lo) / Math.log10(hi / lo)) * plotW;
  // Tail-stretched: p50, p90, p99 and p99.9 are evenly spaced, so the tail is visible.
  const nines = (q: number) => Math.min(MAX_NINES, -Math.log10(1 - q));
  const y = (q: number) => PAD.top + (1 - nines(q) / MAX_NINES) * plotH;
  const out: string[] = [`<text x="${x0 + PAD.left}" y="16" font-weight="600">${escapeXml(panel.title)}</text>`];
  for (let t = lo; t <= hi * 1.0001; t *= 10) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${y(0)}" y2="${y(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${x(t)}" y="${y(0) + 13}" text-anchor="middle" fill="#555">${t >= 1 ? t : t.toFixed(2)}</text>`);
  }
  for (const [q, label] of [
    [0, "p0"],
    [0.9, "p90"],
    [0.99, "p99"],
    [0.999, "p99.9"],
  ] as const) {
    out.push(`<line x1="${x(lo)}" x2="${x(hi)}" y1="${y(q)}" y2="${y(q)}" stroke="#ddd"/>`);
    out.push(`<text x="${x(lo) - 4}" y="${y(q) + 4}" text-anchor="end" fill="#555">${label}</text>`);
  }
  out.push(
    `<text x="${x0 + PAD.left + plotW / 2}" y="${y(0) + 26}" text-anchor="middle" fill="#555">one-way latency, ms</text>`,
  );
  panel.curves.forEach((curve, i) => {
    const sorted = Float64Array.from(curve.samples).sort();
    if (sorted.length === 0) return;
    const points: string[] = [];
    // Evenly spaced on the tail-stretched axis, up to the last sample.
    const top = Math.min(MAX_NINES, Math.log10(sorted.length));
    for (let k = 0; k <= 200; k++) {
      const q = 1 - 10 ** (-(k / 200) * top);
      const v = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? lo;
      points.push(`${x(v).toFixed(1)},${y(q).toFixed(1)}`);
    }
    const colour = COLOURS[i % COLOURS.length];
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(" ")}"/>`);
    out.push(
      `<text x="${x0 + PAD.left + 4 + i * 92}" y="${H - 6}" fill="${colour}" font-weight="600">${escapeXml(curve.label)}</text>`,
    );
  });
  return out.join("\n");
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
