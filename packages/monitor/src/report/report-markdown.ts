import type { Distribution, PerformanceReport } from './performance-report.js';

const ms = (seconds: number) =>
  Number.isNaN(seconds) ? '–' : `${(seconds * 1_000).toFixed(1)} ms`;
const row = (cells: readonly unknown[]) => `| ${cells.join(' | ')} |`;

function distributionRow(label: string, value: Distribution): string {
  return row([label, value.count, ms(value.p50), ms(value.p95), ms(value.p99), ms(value.max)]);
}

/** Renders a performance report as Markdown (headings, tables). */
export function reportToMarkdown(report: PerformanceReport): string {
  const lines = [
    `# Loom performance report`,
    '',
    `${new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()}; percentiles within ${report.relativeError * 100} % relative error.`,
    '',
    '## Latency',
    '',
    row(['', 'count', 'p50', 'p95', 'p99', 'max']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    distributionRow('operation duration', report.latency),
    distributionRow('time to first chunk', report.timeToFirstChunk),
    '',
    '## Throughput',
    '',
    `- requests: ${report.throughput.requests} (${report.throughput.requestsPerSecond.toFixed(3)}/s)`,
    `- output tokens: ${report.throughput.outputTokens} (${report.throughput.outputTokensPerSecond.toFixed(1)}/s)`,
  ];
  if (report.costUsd !== undefined) lines.push(`- cost: $${report.costUsd.toFixed(6)}`);
  if (report.cache) {
    const { hits, misses, hitRatio } = report.cache;
    lines.push(
      `- cache: ${hits} hits, ${misses} misses (${(hitRatio * 100).toFixed(1)} % hit ratio)`,
    );
  }
  lines.push('', '## Errors', '');
  if (report.errors.length === 0) lines.push('None.');
  else
    lines.push(
      row(['error.type', 'count']),
      row(['---', '---:']),
      ...report.errors.map((error) => row([error.type, error.count])),
    );
  lines.push(
    '',
    '## Deployments',
    '',
    row(['provider', 'model', 'attempts', 'p95']),
    row(['---', '---', '---:', '---:']),
  );
  lines.push(
    ...report.deployments.map((deployment) =>
      row([deployment.provider, deployment.model, deployment.attempts, ms(deployment.latencyP95)]),
    ),
  );
  lines.push('', '## Top sessions', '');
  if (report.topSessions.length === 0) lines.push('None.');
  else {
    lines.push(
      row(['session', 'requests', 'tokens', 'cost']),
      row(['---', '---:', '---:', '---:']),
    );
    lines.push(
      ...report.topSessions.map((s) =>
        row([
          s.sessionId,
          s.requests,
          s.tokens,
          s.costUsd === undefined ? '–' : `$${s.costUsd.toFixed(6)}`,
        ]),
      ),
    );
  }
  lines.push('', '## Alerts', '');
  if (report.alerts.length === 0) lines.push('None.');
  else
    lines.push(
      ...report.alerts.map(
        (a) =>
          `- ${new Date(a.timestamp).toISOString()} **${a.state}** ${a.rule} (${a.severity}): ${a.message}`,
      ),
    );
  return `${lines.join('\n')}\n`;
}
