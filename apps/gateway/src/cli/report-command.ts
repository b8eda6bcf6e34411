import { existsSync } from 'node:fs';
import { costReport } from '@loom/cost';
import { createMetricStore, openSqlitePersistence } from '@loom/monitor';
import type { ReportResponse } from '../api/api-types.js';
import { buildReport, reportRange, reportResponseToMarkdown } from '../api/report-api.js';
import type { LoomConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { metricFileOf } from '../runtime/metric-persistence.js';
import { ledgerLocation, openLedger } from '../runtime/open-ledger.js';
import { asFlagError } from './flag-error.js';
import { SERVE_DEFAULT_LEDGER } from './serve-command.js';

/** Flags of `loom report`. */
export interface ReportFlags {
  config: string;
  from?: string;
  to?: string;
  format?: string;
}

/** The range and format as the API would read them; a bad one names the flag. */
function readFlags(flags: ReportFlags): { query: URLSearchParams; format: 'md' | 'json' } {
  const format = flags.format ?? 'md';
  if (format !== 'md' && format !== 'json')
    throw new Error(`--format must be md or json, got '${flags.format}'`);
  const query = new URLSearchParams();
  if (flags.from !== undefined) query.set('from', String(flags.from));
  if (flags.to !== undefined) query.set('to', String(flags.to));
  try {
    reportRange(query, Date.now());
  } catch (error) {
    throw asFlagError(error);
  }
  return { query, format };
}

/** Where the config's gateway listens, as a client reaches it. */
function gatewayURL(config: LoomConfig): string {
  const host = config.server?.host ?? '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const shown = reachable.includes(':') ? `[${reachable}]` : reachable;
  return `http://${shown}:${config.server?.port ?? 4000}`;
}

/** The running gateway's report; undefined when nothing listens there. */
async function liveReport(
  config: LoomConfig,
  query: URLSearchParams,
): Promise<ReportResponse | undefined> {
  const key = config.server?.apiKeys?.[0];
  const token = typeof key === 'string' ? key : key?.key;
  let response: Response;
  try {
    response = await fetch(`${gatewayURL(config)}/api/report?${query}`, {
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return undefined;
    throw error;
  }
  const body = (await response.json()) as ReportResponse & { error?: { message: string } };
  if (!response.ok)
    throw new Error(
      `the gateway at ${gatewayURL(config)} answered ${response.status}: ${body.error?.message ?? ''}`,
    );
  return body;
}

/** The report from what a stopped gateway left: the metric history file and the ledger. */
async function persistedReport(
  config: LoomConfig,
  file: string,
  query: URLSearchParams,
): Promise<ReportResponse> {
  const location = ledgerLocation(config.storage?.ledger ?? SERVE_DEFAULT_LEDGER, file);
  const metricFile = metricFileOf(config, file, location);
  if (!metricFile || !existsSync(metricFile)) {
    throw new Error(
      `no gateway answers at ${gatewayURL(config)} and no metric history was kept${metricFile ? ` (${metricFile} does not exist)` : ' (a SQLite ledger or monitor.persistence keeps one)'}`,
    );
  }
  // Only minute and hour slots are kept on disk: a store with no second-level history reads them.
  const store = createMetricStore({ retention: { '1s': 1 } });
  const persistence = await openSqlitePersistence({ path: metricFile });
  const ledger = await openLedger(location);
  try {
    persistence.load(store, Date.now());
    const report = await buildReport(
      { store, costs: (range) => costReport(ledger, range), alerts: [], source: 'persisted' },
      reportRange(query, Date.now()),
    );
    const alerts = 'Alerts are not kept across restarts: this report lists none.';
    return { ...report, note: report.note ? `${report.note} ${alerts}` : alerts };
  } finally {
    persistence.close();
    await ledger.close();
  }
}

/**
 * `loom report`: the performance report of a period from the gateway the config describes, or,
 * when none is running, from the metric history and ledger it left. Returns the text to print.
 */
export async function reportCommand(flags: ReportFlags): Promise<string> {
  const { query, format } = readFlags(flags);
  const config = await loadConfig(flags.config);
  const report =
    (await liveReport(config, query)) ?? (await persistedReport(config, flags.config, query));
  return format === 'json'
    ? JSON.stringify(report, null, 2)
    : reportResponseToMarkdown(report).trimEnd();
}
