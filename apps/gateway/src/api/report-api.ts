import type { Alert } from '@loom/core';
import type { CostReport, CostReportQuery } from '@loom/cost';
import { createPerformanceReport, type MetricStore, reportToMarkdown } from '@loom/monitor';
import { invalidRequest } from '../errors/gateway-error.js';
import type { ReportCost, ReportResponse } from './api-types.js';
import { timeParam } from './query-params.js';

/** What a report is built from: a live gateway's, or what a stopped one left on disk. */
export interface ReportSources {
  store: MetricStore;
  /** The ledger's report for a range (the cost plugin's, or `costReport` over a ledger file). */
  costs(query: CostReportQuery): Promise<CostReport>;
  /** Alerts sent, newest or oldest first; those inside the range are listed. */
  alerts: readonly Alert[];
  source: ReportResponse['source'];
}

const DAY_MS = 86_400_000;
const RESOLUTION_WORDS = { '1s': '1 s', '1m': '1 min', '1h': '1 h' } as const;

/** `from` and `to` of a report query (default: the 24 hours up to `now`); 400 when wrong. */
export function reportRange(query: URLSearchParams, now: number): { from: number; to: number } {
  const to = timeParam(query, 'to') ?? now;
  const from = timeParam(query, 'from') ?? to - DAY_MS;
  if (to <= from)
    throw invalidRequest(
      "Query parameter 'to' must be after 'from'.",
      'to',
      'invalid_query_parameter',
    );
  return { from, to };
}

function costOf(report: CostReport): ReportCost {
  return {
    totalUsd: report.totalMicros / 1e6,
    records: report.records,
    byProvider: report.groups
      .map((group) => ({
        provider: group.key,
        costUsd: group.costMicros / 1e6,
        records: group.records,
      }))
      .sort((a, b) => b.costUsd - a.costUsd),
  };
}

/**
 * The performance report of [from, to) from the metric store, with the ledger's cost (so it agrees
 * with `/api/costs`) and a note when the range reaches past the finest history.
 */
export async function buildReport(
  sources: ReportSources,
  range: { from: number; to: number },
): Promise<ReportResponse> {
  const { costUsd: _fromMetrics, ...performance } = createPerformanceReport(sources.store, {
    ...range,
    alerts: sources.alerts,
  });
  const resolution = sources.store.resolutionFor(range);
  const cost = costOf(await sources.costs({ ...range, groupBy: 'provider' }));
  const note =
    resolution === '1s'
      ? undefined
      : `The period starts before the finest history kept, so its figures come from ${RESOLUTION_WORDS[resolution]} slots (a slot counts when it starts inside the period).`;
  return {
    ...performance,
    resolution,
    ...(note ? { note } : {}),
    source: sources.source,
    cost,
  };
}

/** The report as Markdown: `@loom/monitor`'s rendering plus where it came from and the cost. */
export function reportResponseToMarkdown(report: ReportResponse): string {
  const body = reportToMarkdown({ ...report, costUsd: report.cost.totalUsd });
  const origin =
    report.source === 'live' ? 'a running gateway' : 'the files a stopped gateway left';
  const lines = [
    '',
    '## Cost by provider',
    '',
    ...(report.cost.byProvider.length === 0
      ? ['No cost recorded.']
      : [
          '| provider | cost (USD) | records |',
          '| --- | ---: | ---: |',
          ...report.cost.byProvider.map(
            (entry) => `| ${entry.provider} | ${entry.costUsd.toFixed(6)} | ${entry.records} |`,
          ),
        ]),
    '',
    `Figures from ${origin}, at ${RESOLUTION_WORDS[report.resolution]} resolution.${report.note ? ` ${report.note}` : ''}`,
    '',
  ];
  return `${body.trimEnd()}\n${lines.join('\n')}`;
}
