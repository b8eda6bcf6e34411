import type { LedgerGroup, LedgerGroupBy, LedgerStore } from '../ledger/cost-record.js';
import { addSums, emptyGroup } from '../ledger/group-records.js';
import { formatUsd, type Micros } from '../money/micros.js';

/** What to report on. */
export interface CostReportQuery {
  /** Inclusive start, epoch ms. */
  from?: number;
  /** Exclusive end, epoch ms. */
  to?: number;
  /** Grouping; default one `total` group. */
  groupBy?: LedgerGroupBy;
}

/** Totals and groups of a time range. */
export interface CostReport {
  from?: number;
  to?: number;
  groupBy?: LedgerGroupBy;
  /** Sum over all records (for `tag`, a record with two tags is counted once here). */
  totalMicros: Micros;
  records: number;
  inputTokens: number;
  outputTokens: number;
  /** Records whose counts were estimated. */
  estimated: number;
  /** Records without a price (their cost is unknown, not 0). */
  unpriced: number;
  groups: LedgerGroup[];
}

/**
 * Builds a report from a ledger: one grouped query, and a second for the total only when
 * grouping by `tag` (a record with two tags is in two groups); every other grouping puts each
 * record in exactly one group, so the groups sum to the total.
 */
export async function costReport(
  ledger: LedgerStore,
  query: CostReportQuery = {},
): Promise<CostReport> {
  const range = {
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
  };
  const groups = await ledger.query({
    ...range,
    ...(query.groupBy ? { groupBy: query.groupBy } : {}),
  });
  const [total] = query.groupBy === 'tag' ? await ledger.query(range) : [sumOf(groups)];
  return {
    ...range,
    ...(query.groupBy ? { groupBy: query.groupBy } : {}),
    totalMicros: total?.costMicros ?? 0,
    records: total?.records ?? 0,
    inputTokens: total?.inputTokens ?? 0,
    outputTokens: total?.outputTokens ?? 0,
    estimated: total?.estimated ?? 0,
    unpriced: total?.unpriced ?? 0,
    groups,
  };
}

function sumOf(groups: readonly LedgerGroup[]): LedgerGroup {
  const total = emptyGroup('total');
  for (const group of groups) addSums(total, group);
  return total;
}

const CSV_COLUMNS = [
  'key',
  'records',
  'costMicros',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'reasoningTokens',
  'estimated',
  'unpriced',
] as const;

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report's groups as CSV (amounts in micro-dollars). */
export function costReportToCsv(report: CostReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const group of report.groups)
    lines.push(CSV_COLUMNS.map((column) => csvField(group[column])).join(','));
  return `${lines.join('\n')}\n`;
}

/** The report as a Markdown table with a totals line. */
export function costReportToMarkdown(report: CostReport): string {
  const lines = [
    `# Cost report${report.groupBy ? ` by ${report.groupBy}` : ''}`,
    '',
    `Total ${formatUsd(report.totalMicros)} over ${report.records} records (${report.estimated} estimated, ${report.unpriced} unpriced).`,
    '',
    '| group | records | cost | input tokens | output tokens | unpriced |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const group of report.groups) {
    const key = group.key.replaceAll('|', '\\|');
    lines.push(
      `| ${key} | ${group.records} | ${formatUsd(group.costMicros)} | ${group.inputTokens} | ${group.outputTokens} | ${group.unpriced} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
