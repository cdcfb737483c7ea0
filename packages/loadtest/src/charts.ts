/** One line of a chart: (x, y) points, x in seconds. */
export type Line = { name: string; color: string; points: [number, number][] };

const W = 900;
const H = 220;
const PAD = { left: 60, right: 160, top: 24, bottom: 28 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A round number at or above `v` (1, 2, 5 × 10ⁿ), for the y axis's top. */
export const niceCeil = (v: number): number => {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
};

const path = (points: [number, number][], x: (v: number) => number, y: (v: number) => number): string =>
  points.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');

/** A self-contained SVG line chart (no script): axes with the top value and the run's length (`span` s, so charts of one run line up), a legend. */
export const lineChart = (title: string, unit: string, lines: Line[], span = 0): string => {
  const drawn = lines.filter((l) => l.points.length > 0);
  if (drawn.length === 0) return '';
  const all = drawn.flatMap((l) => l.points);
  const xMax = Math.max(1, span, ...all.map(([t]) => t));
  const yMax = niceCeil(Math.max(...all.map(([, v]) => v)));
  const x = (t: number) => PAD.left + (t / xMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const legend = drawn.map((l, i) => `<text x="${W - PAD.right + 12}" y="${PAD.top + 14 * i + 10}" font-size="11" fill="${l.color}">${esc(l.name)}</text>`);
  return `<figure><figcaption>${esc(title)}</figcaption>
<svg width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif">
<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#999"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#999"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" font-size="11" text-anchor="end">${yMax} ${esc(unit)}</text>
<text x="${PAD.left - 6}" y="${H - PAD.bottom}" font-size="11" text-anchor="end">0</text>
<text x="${W - PAD.right}" y="${H - 8}" font-size="11" text-anchor="end">${xMax.toFixed(0)} s</text>
${drawn.map((l) => `<path d="${path(l.points, x, y)}" fill="none" stroke="${l.color}" stroke-width="1.5"/>`).join('\n')}
${legend.join('\n')}
</svg></figure>`;
};

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
