import type { CheckoutStep } from './checkout-step';

const W = 480;
const H = 320;
const M = { top: 40, right: 56, bottom: 48, left: 56 };
const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#3b3b3b', '#d37295'];

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const niceMax = (value: number) => {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
};

/** Axis ticks and labels of one vertical scale, on the left or the right of a panel. */
function yAxis(x0: number, max: number, side: 'left' | 'right', label: string, colour: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = H - M.bottom - f * (H - M.top - M.bottom);
    const value = max * f;
    const text = value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 0 : 1);
    const tx = side === 'left' ? M.left - 6 : W - M.right + 6;
    return `<text x="${x0 + tx}" y="${y + 4}" text-anchor="${side === 'left' ? 'end' : 'start'}" fill="${colour}">${text}</text><line x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`;
  });
  const lx = side === 'left' ? x0 + 14 : x0 + W - 10;
  return `${ticks.join('')}<text transform="translate(${lx},${(H - M.bottom + M.top) / 2}) rotate(-90)" text-anchor="middle" fill="${colour}">${esc(label)}</text>`;
}

/** Left panel: confirmed checkouts/s (bars) and saga p99 (line) against the number of shoppers. */
function throughputPanel(steps: readonly CheckoutStep[], x0: number): string {
  const plotW = W - M.left - M.right;
  const band = plotW / Math.max(1, steps.length);
  const maxRate = niceMax(Math.max(...steps.map((s) => s.checkoutsPerSecond)));
  const maxP99 = niceMax(Math.max(1_000, ...steps.map((s) => s.saga.p99Ms)));
  const y = (value: number, max: number) => H - M.bottom - (value / max) * (H - M.top - M.bottom);
  const bars = steps.map(
    (s, i) =>
      `<rect x="${x0 + M.left + i * band + band * 0.2}" y="${y(s.checkoutsPerSecond, maxRate)}" width="${band * 0.6}" height="${H - M.bottom - y(s.checkoutsPerSecond, maxRate)}" fill="${palette[0]}"/><text x="${x0 + M.left + (i + 0.5) * band}" y="${H - M.bottom + 16}" text-anchor="middle">${s.shoppers}</text>`,
  );
  const points = steps.map((s, i) => `${x0 + M.left + (i + 0.5) * band},${y(s.saga.p99Ms, maxP99)}`).join(' ');
  const limit = y(1_000, maxP99);
  return [
    `<text x="${x0 + W / 2}" y="20" text-anchor="middle" font-weight="bold">Checkouts/s and saga p99 by shoppers</text>`,
    yAxis(x0, maxRate, 'left', 'confirmed checkouts/s', palette[0] as string),
    yAxis(x0, maxP99, 'right', 'checkout → CONFIRMED p99 (ms)', palette[2] as string),
    ...bars,
    `<line x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${limit}" y2="${limit}" stroke="${palette[2]}" stroke-dasharray="4 3"/><text x="${x0 + W - M.right - 4}" y="${limit - 4}" text-anchor="end" fill="${palette[2]}">1 s target</text>`,
    `<polyline points="${points}" fill="none" stroke="${palette[2]}" stroke-width="2"/>`,
    ...steps.map((s, i) => `<circle cx="${x0 + M.left + (i + 0.5) * band}" cy="${y(s.saga.p99Ms, maxP99)}" r="3" fill="${palette[2]}"/>`),
    `<text x="${x0 + W / 2}" y="${H - 10}" text-anchor="middle">shoppers (closed loop)</text>`,
  ].join('\n');
}

/** Right panel: CPU ms per confirmed checkout, stacked by process group, per step. */
function cpuPanel(steps: readonly CheckoutStep[], groups: readonly string[], x0: number): string {
  const plotW = W - M.left - M.right - 110;
  const band = plotW / Math.max(1, steps.length);
  const max = niceMax(Math.max(...steps.map((s) => groups.reduce((sum, g) => sum + (s.cpuMsPerCheckout[g] ?? 0), 0))));
  const scale = (H - M.top - M.bottom) / max;
  const stacks = steps.map((s, i) => {
    let top = H - M.bottom;
    const parts = groups.map((g, gi) => {
      const h = (s.cpuMsPerCheckout[g] ?? 0) * scale;
      top -= h;
      return `<rect x="${x0 + M.left + i * band + band * 0.15}" y="${top}" width="${band * 0.7}" height="${h}" fill="${palette[gi % palette.length]}"><title>${esc(g)}: ${(s.cpuMsPerCheckout[g] ?? 0).toFixed(1)} ms</title></rect>`;
    });
    return `${parts.join('')}<text x="${x0 + M.left + (i + 0.5) * band}" y="${H - M.bottom + 16}" text-anchor="middle">${s.shoppers}</text>`;
  });
  const legend = groups.map(
    (g, gi) =>
      `<rect x="${x0 + W - M.right - 100}" y="${M.top + gi * 16}" width="10" height="10" fill="${palette[gi % palette.length]}"/><text x="${x0 + W - M.right - 86}" y="${M.top + gi * 16 + 9}">${esc(g)}</text>`,
  );
  return [
    `<text x="${x0 + W / 2}" y="20" text-anchor="middle" font-weight="bold">CPU ms per checkout, by process</text>`,
    yAxis(x0, max, 'left', 'CPU ms per confirmed checkout', '#333'),
    ...stacks,
    ...legend,
    `<text x="${x0 + (W - 110) / 2}" y="${H - 10}" text-anchor="middle">shoppers (closed loop)</text>`,
  ].join('\n');
}

/** The bench's chart as one SVG document: throughput and saga p99 on the left, CPU per checkout stacked by process on the right. */
export function checkoutChartSvg(steps: readonly CheckoutStep[], groups: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" viewBox="0 0 ${2 * W} ${H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
${throughputPanel(steps, 0)}
${cpuPanel(steps, groups, W)}
</svg>
`;
}
