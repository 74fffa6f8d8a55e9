import { STAGES, type Stage } from './cpu-stages';

const W = 760;
const BAR = 34;
const M = { top: 44, left: 70, right: 24 };
const COLOURS: Record<Stage, string> = {
  TLS: '#4e79a7',
  transport: '#76b7b2',
  framework: '#bab0ac',
  authorization: '#e15759',
  balancing: '#f28e2b',
  resilience: '#edc948',
  telemetry: '#b07aa1',
  'mesh glue': '#ff9da7',
  runtime: '#9c755f',
  'load generator': '#d9d9d9',
};

/** Two stacked bars, client and server side of a mesh call: CPU µs per call by stage, with a legend. */
export function meshStagesChart(stagesUs: { client: Record<Stage, number>; server: Record<Stage, number> }): string {
  const sides = [
    ['client', stagesUs.client],
    ['server', stagesUs.server],
  ] as const;
  const total = (split: Record<Stage, number>) => STAGES.reduce((sum, stage) => sum + split[stage], 0);
  const max = Math.max(1, ...sides.map(([, split]) => total(split)));
  const scale = (W - M.left - M.right) / max;
  const bars = sides.map(([label, split], row) => {
    const y = M.top + row * (BAR + 18);
    let x = M.left;
    const parts = STAGES.filter((stage) => split[stage] > 0).map((stage) => {
      const width = split[stage] * scale;
      const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${COLOURS[stage]}"><title>${stage}: ${split[stage].toFixed(1)} µs</title></rect>`;
      const text =
        width > 28
          ? `<text x="${(x + width / 2).toFixed(1)}" y="${y + BAR / 2 + 4}" text-anchor="middle" font-size="10">${split[stage].toFixed(0)}</text>`
          : '';
      x += width;
      return rect + text;
    });
    return `<text x="${M.left - 8}" y="${y + BAR / 2 + 4}" text-anchor="end">${label}</text>${parts.join('')}<text x="${(x + 4).toFixed(1)}" y="${y + BAR / 2 + 4}" font-size="11">${total(split).toFixed(0)} µs</text>`;
  });
  const legendY = M.top + sides.length * (BAR + 18) + 10;
  const legend = STAGES.map((stage, index) => {
    const x = M.left + (index % 5) * 136;
    const y = legendY + Math.floor(index / 5) * 18;
    return `<rect x="${x}" y="${y}" width="12" height="12" fill="${COLOURS[stage]}"/><text x="${x + 16}" y="${y + 10}" font-size="11">${stage}</text>`;
  });
  const height = legendY + 2 * 18 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-weight="bold">CPU per call through libs/mesh, by stage (µs)</text>`,
    ...bars,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
