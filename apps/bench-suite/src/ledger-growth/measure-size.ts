import { paths } from '../start-targets.js';
import type { BenchLedger, FillReport } from './bench-ledger.js';
import { startLedgerGateway } from './ledger-gateway.js';
import type { SizeResult } from './ledger-targets.js';
import { measureChat } from './measure-chat.js';
import { formatMs, getJson, measureApiCosts, measureCostsCli } from './measure-reports.js';

/** Where the gateway's own provider stands in the ledger: its rows and their cost. */
async function simRows(base: string): Promise<{ records: number; costMicros: number }> {
  const report = (await getJson(base, '/api/costs?groupBy=provider')) as {
    groups?: Array<{ key: string; records: number; costMicros: number }>;
  };
  const sim = report.groups?.find((group) => group.key === 'sim');
  return { records: sim?.records ?? 0, costMicros: sim?.costMicros ?? 0 };
}

/**
 * Starts the gateway on `ledger` as it is now, measures the reports on the idle gateway, then
 * chat with the dashboard closed and open, and stops it.
 */
export async function measureSize(options: {
  appDir: string;
  upstream: string;
  configDir: string;
  ledger: BenchLedger;
  rows: number;
  fill: FillReport;
  chat: { clients: number; seconds: number };
  log: (line: string) => void;
}): Promise<SizeResult> {
  const { log } = options;
  const gateway = await startLedgerGateway({
    appDir: options.appDir,
    upstream: options.upstream,
    configDir: options.configDir,
    ledgerUrl: options.ledger.url,
  });
  const base = gateway.child.url;
  try {
    log(`    gateway ready in ${formatMs(gateway.startMs)}`);
    const apiCosts = await measureApiCosts(base);
    log(
      `    /api/costs?groupBy=model p50 ${formatMs(apiCosts.p50Ms)}, p95 ${formatMs(apiCosts.p95Ms)} ` +
        `(${apiCosts.records} records)`,
    );
    const costsCli = await measureCostsCli(paths(options.appDir).gatewayCli, gateway.configFile);
    log(`    loom costs --group-by day: ${costsCli.runsMs.join(', ')} ms`);
    const before = await simRows(base);
    const chat = await measureChat(base, { ...options.chat, log });
    const after = await simRows(base);
    const gatewayRows = {
      records: after.records - before.records,
      costMicros: after.costMicros - before.costMicros,
    };
    if (gatewayRows.records > 0 && gatewayRows.costMicros <= 0)
      log('    warning: the gateway wrote its rows unpriced; costs are not measured as configured');
    return {
      store: options.ledger.store,
      rows: options.rows,
      fill: options.fill,
      gatewayStartMs: gateway.startMs,
      apiCosts,
      costsCli,
      chat,
      gatewayRows,
    };
  } finally {
    await gateway.child.stop();
  }
}
