import type { BenchEnvironment } from '@loom/bench';
import type { TargetCheck as SuiteTargetCheck } from '../summary.js';
import type { FillReport, StoreKind } from './bench-ledger.js';
import type { ChatFigures } from './measure-chat.js';
import type { ApiCostsFigures, CliFigures } from './measure-reports.js';

/** Everything measured on one store at one size. */
export interface SizeResult {
  store: StoreKind;
  /** Generator rows in the ledger (the gateway's own rows from earlier sizes come on top). */
  rows: number;
  fill: FillReport;
  /** `loom serve` from spawn to listening, ms. */
  gatewayStartMs: number;
  apiCosts: ApiCostsFigures;
  costsCli: CliFigures;
  chat: ChatFigures;
  /** Rows this size's chat traffic wrote through the gateway, and what they cost (priced). */
  gatewayRows: { records: number; costMicros: number };
}

/** One target of issue #24 on one store and size. */
export interface TargetCheck extends SuiteTargetCheck {
  store: StoreKind;
  rows: number;
}

/** bench/results/ledger-growth.json. */
export interface LedgerGrowthReport {
  benchmark: 'ledger-growth';
  description: string;
  environment: BenchEnvironment;
  durationSeconds: number;
  settings: {
    sizes: number[];
    chatSeconds: number;
    clients: number;
    postgresFill: string;
  };
  /** `loom costs --help`: the CLI process without a ledger, to subtract from the report's time. */
  cliStartup: CliFigures;
  skipped: Array<{ store: StoreKind; reason: string }>;
  results: SizeResult[];
  targets: TargetCheck[];
  pass: boolean;
}

/** The size at which `loom costs` is held to its limit (issue #24: 10M rows). */
export const CLI_TARGET_ROWS = 10_000_000;

function check(
  result: SizeResult,
  name: string,
  measured: number,
  limit: number,
  unit: string,
  kind: 'max' | 'min',
): TargetCheck {
  return {
    store: result.store,
    rows: result.rows,
    name,
    measured,
    limit,
    unit,
    kind,
    pass: kind === 'max' ? measured <= limit : measured >= limit,
  };
}

/**
 * The "Done when" of issue #24 against every measured store and size. `loom costs` is held to
 * its limit at 10M rows; a run that stops short of 10M holds its largest size to it instead.
 */
export function checkTargets(results: SizeResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const result of results) {
    const largest = Math.max(
      ...results.filter((other) => other.store === result.store).map((other) => other.rows),
    );
    checks.push(
      check(result, '/api/costs?groupBy=model p50', result.apiCosts.p50Ms, 20, 'ms', 'max'),
    );
    if (result.rows >= CLI_TARGET_ROWS || result.rows === largest) {
      checks.push(
        check(
          result,
          'loom costs --group-by day (30 days)',
          result.costsCli.medianMs,
          1000,
          'ms',
          'max',
        ),
      );
    }
    checks.push(
      check(
        result,
        'chat served, dashboard open / closed',
        result.chat.throughputRatio,
        0.9,
        'x',
        'min',
      ),
      check(
        result,
        'slowest chat request, open / closed',
        result.chat.slowestRatio,
        1.5,
        'x',
        'max',
      ),
    );
  }
  return checks;
}
