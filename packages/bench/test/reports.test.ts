import { startOpenAIServer } from '@loom/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BenchResults,
  builtInPrompt,
  createHttpTarget,
  latencyPriorsFromResults,
  parseResults,
  runBenchmark,
  toMarkdown,
  toSvgChart,
} from '../src/index.js';

/** Checks XML well-formedness: every tag closed in order, attributes quoted, one root. */
function checkWellFormed(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const roots: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let position = 0;
  for (let match = tag.exec(body); match; match = tag.exec(body)) {
    const between = body.slice(position, match.index);
    if (between.includes('<') || /&(?!amp;|lt;|gt;|quot;|apos;)/.test(between)) {
      throw new Error(`bad text before offset ${match.index}: ${between.slice(0, 40)}`);
    }
    position = match.index + match[0].length;
    const [, closing, name = '', , selfClosing] = match;
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots.push(name);
      stack.push(name);
    } else if (stack.length === 0) roots.push(name);
  }
  if (body.slice(position).trim() !== '') throw new Error('text after the root element');
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  return roots;
}

let results: BenchResults;
beforeAll(async () => {
  const upstream = await startOpenAIServer({ latencyMs: 2 });
  const target = createHttpTarget({ baseURL: upstream.baseURL, model: 'gpt-4o-mini' });
  try {
    results = await runBenchmark({
      target,
      scenario: 'chat',
      prompts: [builtInPrompt('short')],
      concurrency: [1, 8, 32],
      requests: 64,
      warmup: 8,
    });
  } finally {
    await target.close?.();
    await upstream.close();
  }
});

describe('reports', () => {
  it('the results pass their own schema', () => {
    expect(parseResults(JSON.parse(JSON.stringify(results)), 'round trip')).toEqual(results);
  });

  it('draws a well-formed SVG chart of p50/p95/p99 against concurrency, with the numbers', () => {
    const svg = toSvgChart(results);
    expect(checkWellFormed(svg)).toEqual(['svg']);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg.match(/<circle /g)).toHaveLength(9);
    for (const text of ['p50', 'p95', 'p99', 'concurrency', 'latency (ms)', '>1<', '>8<', '>32<']) {
      expect(svg).toContain(text);
    }
    for (const run of results.runs) {
      const value = run.latencyMs.p99;
      const shown =
        value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
      expect(svg).toContain(`>${shown}</text>`);
    }
    // Points stay inside the 640 x 400 canvas.
    for (const [, cx, cy] of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
      expect(Number(cx)).toBeLessThan(640);
      expect(Number(cy)).toBeLessThanOrEqual(400);
    }
  });

  it('escapes names in the chart', () => {
    const named = { ...results, target: { ...results.target, name: 'http://a/?x=1&y=<2>' } };
    const svg = toSvgChart(named);
    expect(checkWellFormed(svg)).toEqual(['svg']);
    expect(svg).toContain('x=1&amp;y=&lt;2&gt;');
  });

  it('writes a Markdown table with one row per run', () => {
    const table = toMarkdown(results);
    const rows = table.split('\n').filter((line) => line.startsWith('| c='));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(`| ${results.runs[1]?.latencyMs.p50.toFixed(2)} |`);
  });

  it('turns results into per-deployment latency priors from the least-loaded run', () => {
    const priors = latencyPriorsFromResults(results);
    const id = Object.keys(priors)[0] ?? '';
    expect(id).toContain('gpt-4o-mini');
    const unloaded = results.runs[0]?.deployments[id];
    expect(priors[id]).toEqual({ p50Ms: unloaded?.p50Ms, p95Ms: unloaded?.p95Ms, samples: 64 });
    expect(priors[id]?.p50Ms).toBeGreaterThanOrEqual(2);
  });
});
