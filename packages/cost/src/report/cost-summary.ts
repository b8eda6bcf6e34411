import type { BudgetStatus } from '../budgets/budget-status.js';
import type { LedgerGroup } from '../ledger/cost-record.js';
import type { Micros } from '../money/micros.js';
import type { CostReport, CostReportQuery } from './cost-report.js';

/** The original design's `get_cost_summary()`, for a time range. */
export interface CostSummary {
  from?: number;
  to?: number;
  totalMicros: Micros;
  records: number;
  tokens: { input: number; output: number };
  estimated: number;
  unpriced: number;
  /** Spend per calendar day (UTC). */
  daily: LedgerGroup[];
  byProvider: LedgerGroup[];
  byModel: LedgerGroup[];
  /** Every budget counter now: spent, reserved and what remains. */
  budgets: BudgetStatus[];
}

/** Builds the summary from three grouped reports and the budget counters. */
export async function costSummary(
  report: (query: CostReportQuery) => Promise<CostReport>,
  budgetStatus: () => Promise<BudgetStatus[]>,
  range: Pick<CostReportQuery, 'from' | 'to'> = {},
): Promise<CostSummary> {
  const [daily, byProvider, byModel, budgets] = await Promise.all([
    report({ ...range, groupBy: 'day' }),
    report({ ...range, groupBy: 'provider' }),
    report({ ...range, groupBy: 'model' }),
    budgetStatus(),
  ]);
  return {
    ...range,
    totalMicros: byProvider.totalMicros,
    records: byProvider.records,
    tokens: { input: byProvider.inputTokens, output: byProvider.outputTokens },
    estimated: byProvider.estimated,
    unpriced: byProvider.unpriced,
    daily: daily.groups,
    byProvider: byProvider.groups,
    byModel: byModel.groups,
    budgets,
  };
}
