import { basename } from 'node:path';
import {
  CALLER_TAGS,
  type CostReport,
  costReport,
  costReportToCsv,
  formatUsd,
  type LedgerGroupBy,
} from '@loom/cost';
import { costQuery } from '../api/costs-api.js';
import { loadConfig } from '../config/load-config.js';
import { retentionOf } from '../config/retention-schema.js';
import { compactLedger } from '../runtime/ledger-retention.js';
import { ledgerLocation, openLedger } from '../runtime/open-ledger.js';
import { asFlagError } from './flag-error.js';
import { SERVE_DEFAULT_LEDGER } from './serve-command.js';

/** Flags of `loom costs`. */
export interface CostsFlags {
  config: string;
  from?: string;
  to?: string;
  groupBy?: string;
  format?: string;
  /** Run one retention pass (`storage.retention`) instead of reporting. */
  compact?: boolean;
}

const FORMATS = ['table', 'json', 'csv'] as const;

/** The first column's title: `KEY` for the caller tag `loom.key`, else the grouping itself. */
function groupTitle(groupBy: string | undefined): string {
  const caller = Object.entries(CALLER_TAGS).find(([, tag]) => groupBy === `tag:${tag}`);
  return (caller?.[0] ?? groupBy ?? 'group').toUpperCase();
}

function table(report: CostReport): string {
  const rows = [
    [groupTitle(report.groupBy), 'RECORDS', 'COST', 'INPUT', 'OUTPUT', 'UNPRICED'],
    ...report.groups.map((group) => [
      group.key,
      String(group.records),
      formatUsd(group.costMicros),
      String(group.inputTokens),
      String(group.outputTokens),
      String(group.unpriced),
    ]),
    [
      'TOTAL',
      String(report.records),
      formatUsd(report.totalMicros),
      String(report.inputTokens),
      String(report.outputTokens),
      String(report.unpriced),
    ],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!),
        )
        .join('  '),
    )
    .join('\n');
}

/**
 * Reports spend from the ledger the config's `storage.ledger` names (default, as `loom serve`:
 * `sqlite://./loom.db` next to the config). Returns the text to print.
 */
export async function costsCommand(flags: CostsFlags): Promise<string> {
  const format = (flags.format ?? 'table') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new Error(`--format must be table, json or csv, got '${flags.format}'`);
  const query = new URLSearchParams();
  if (flags.from !== undefined) query.set('from', String(flags.from));
  if (flags.to !== undefined) query.set('to', String(flags.to));
  if (flags.groupBy !== undefined) query.set('groupBy', String(flags.groupBy));
  let range: { from?: number; to?: number; groupBy?: LedgerGroupBy };
  try {
    range = costQuery(query);
  } catch (error) {
    throw asFlagError(error);
  }
  const config = await loadConfig(flags.config);
  const location = ledgerLocation(config.storage?.ledger ?? SERVE_DEFAULT_LEDGER, flags.config);
  if (location.kind === 'memory')
    throw new Error(
      `${basename(flags.config)}: storage.ledger is memory; nothing outlives the gateway process to report on`,
    );
  const ledger = await openLedger(location);
  try {
    if (flags.compact) {
      const retention = retentionOf(config.storage?.retention);
      const result = await compactLedger(ledger, retention);
      if (!result)
        return 'Retention keeps raw rows forever (storage.retention.rawDays: 0); nothing deleted.';
      const rollups =
        retention.rollupDays === 0 ? 'kept forever' : `older than ${retention.rollupDays} days`;
      return (
        `Deleted ${result.rawDeleted} raw rows older than ${retention.rawDays} days and ` +
        `${result.rollupsDeleted} rollup rows (rollups ${rollups}).`
      );
    }
    const report = await costReport(ledger, range);
    if (format === 'json') return JSON.stringify(report, null, 2);
    if (format === 'csv') return costReportToCsv(report).trimEnd();
    return table(report);
  } finally {
    await ledger.close();
  }
}
