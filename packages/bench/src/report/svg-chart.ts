import type { BenchResults, RunResult } from '../results-schema.js';

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { top: 48, right: 120, bottom: 56, left: 72 };
const SERIES = [
  { key: 'p50', color: '#2563eb' },
  { key: 'p95', color: '#d97706' },
  { key: 'p99', color: '#dc2626' },
] as const;

/** Escapes text for XML content and attribute values. */
function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A round axis maximum (1, 2 or 5 times a power of ten) at or above `value`. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

const label = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/**
 * A line chart of latency p50 / p95 / p99 (ms) against concurrency (closed-loop runs) or arrival
 * rate (when there are only open-loop runs), as a standalone SVG document with axes, a legend
 * and each point's value.
 */
export function toSvgChart(results: BenchResults): string {
  const closed = results.runs.filter(
    (run) => run.concurrency !== undefined && run.mode === 'closed',
  );
  const runs: RunResult[] = closed.length > 0 ? closed : results.runs;
  const xName = closed.length > 0 ? 'concurrency' : 'arrival rate (req/s)';
  const xValue = (run: RunResult) => String(run.concurrency ?? run.ratePerSecond ?? run.label);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = niceMax(Math.max(...runs.map((run) => run.latencyMs.p99)));
  const x = (index: number) =>
    MARGIN.left + (runs.length === 1 ? plotWidth / 2 : (index * plotWidth) / (runs.length - 1));
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const parts: string[] = [];
  const title = `${results.scenario} latency, ${results.target.kind} ${results.target.name}`;
  parts.push(
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  );
  // Axes, horizontal grid and y ticks.
  const bottom = MARGIN.top + plotHeight;
  parts.push(
    `<line x1="${MARGIN.left}" y1="${bottom}" x2="${MARGIN.left + plotWidth}" y2="${bottom}" stroke="#333"/>`,
  );
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#333"/>`,
  );
  for (let tick = 0; tick <= 5; tick++) {
    const value = (top * tick) / 5;
    const ty = y(value).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${ty}" x2="${MARGIN.left + plotWidth}" y2="${ty}" stroke="#e5e7eb"/>`,
    );
    parts.push(
      `<text x="${MARGIN.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle" font-size="11">${label(value)}</text>`,
    );
  }
  runs.forEach((run, index) => {
    parts.push(
      `<text x="${x(index).toFixed(1)}" y="${bottom + 18}" text-anchor="middle" font-size="11">${escapeXml(xValue(run))}</text>`,
    );
  });
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle" font-size="12">${escapeXml(xName)}</text>`,
  );
  parts.push(
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">latency (ms)</text>`,
  );
  // One line per percentile, with a labelled point per run.
  SERIES.forEach(({ key, color }, position) => {
    const points = runs.map(
      (run, index) => `${x(index).toFixed(1)},${y(run.latencyMs[key]).toFixed(1)}`,
    );
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`,
    );
    runs.forEach((run, index) => {
      const px = x(index).toFixed(1);
      const py = y(run.latencyMs[key]);
      parts.push(`<circle cx="${px}" cy="${py.toFixed(1)}" r="3.5" fill="${color}"/>`);
      parts.push(
        `<text x="${px}" y="${(py - 7).toFixed(1)}" text-anchor="middle" font-size="10" fill="${color}">${label(run.latencyMs[key])}</text>`,
      );
    });
    const legendY = MARGIN.top + 8 + position * 20;
    const legendX = MARGIN.left + plotWidth + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 20}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
    );
    parts.push(
      `<text x="${legendX + 26}" y="${legendY}" dominant-baseline="middle" font-size="12">${key}</text>`,
    );
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
