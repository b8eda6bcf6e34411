import type { BenchResults, Percentiles, RunResult } from '../results-schema.js';

const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(2));
const pick = (p: Percentiles | undefined, key: 'p50' | 'p99') => ms(p?.[key]);

function errorsCell(run: RunResult): string {
  const entries = Object.entries(run.errors);
  if (run.skipped) entries.push(['skipped', run.skipped]);
  return entries.length === 0
    ? '0'
    : entries.map(([name, count]) => `${name}: ${count}`).join(', ');
}

/**
 * The results as a Markdown table: one row per run with throughput, latency percentiles, time to
 * first token and inter-token latency (streams), tokens/s, errors by class and cost per 1,000.
 */
export function toMarkdown(results: BenchResults): string {
  const stream = results.runs.some((run) => run.ttftMs);
  const cost = results.runs.some((run) => run.costPer1kUsd !== undefined);
  const head = ['run', 'requests', 'req/s', 'tok/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  if (stream) head.push('TTFT p50', 'TTFT p99', 'ITL p50', 'ITL p99');
  if (cost) head.push('$ / 1k req');
  head.push('errors');
  const rows = results.runs.map((run) => {
    const cells = [
      run.label,
      String(run.requests),
      run.throughputRps.toFixed(1),
      run.outputTokensPerSecond.toFixed(0),
      ms(run.latencyMs.p50),
      ms(run.latencyMs.p95),
      ms(run.latencyMs.p99),
      ms(run.latencyMs.max),
    ];
    if (stream) {
      cells.push(pick(run.ttftMs, 'p50'), pick(run.ttftMs, 'p99'));
      cells.push(pick(run.interTokenMs, 'p50'), pick(run.interTokenMs, 'p99'));
    }
    if (cost) cells.push(run.costPer1kUsd === undefined ? '-' : run.costPer1kUsd.toFixed(4));
    cells.push(errorsCell(run));
    return `| ${cells.join(' | ')} |`;
  });
  const title = `**${results.scenario}** against ${results.target.kind} \`${results.target.name}\`, model \`${results.target.model}\``;
  const env = results.environment;
  const footer = `Node ${env.node}, ${env.cores} x ${env.cpu}, ${env.platform} ${env.release}${env.gitSha ? `, git ${env.gitSha.slice(0, 10)}` : ''}, ${env.startedAt}`;
  return [
    title,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows,
    '',
    footer,
    '',
  ].join('\n');
}
