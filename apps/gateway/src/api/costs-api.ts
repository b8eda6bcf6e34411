import { CALLER_TAGS, type CostPlugin, type LedgerGroupBy } from '@loom/cost';
import { invalidRequest } from '../errors/gateway-error.js';
import type { CostsResponse } from './api-types.js';
import { timeParam } from './query-params.js';

const GROUPS = /^(provider|model|session|user|key|team|owner|day|tag|tag:[^\s]+)$/;

/** The ledger grouping of a `groupBy`: the caller groups (key, team, owner) are their tags. */
function ledgerGroupBy(groupBy: string): LedgerGroupBy {
  if (groupBy === 'key' || groupBy === 'team' || groupBy === 'owner') {
    return `tag:${CALLER_TAGS[groupBy]}`;
  }
  return groupBy as LedgerGroupBy;
}

/** Reads `from`, `to` and `groupBy`; 400 naming the parameter when one is wrong. */
export function costQuery(query: URLSearchParams): {
  from?: number;
  to?: number;
  groupBy?: LedgerGroupBy;
} {
  const from = timeParam(query, 'from');
  const to = timeParam(query, 'to');
  if (from !== undefined && to !== undefined && to <= from) {
    throw invalidRequest(
      `Query parameter 'to' must be after 'from'.`,
      'to',
      'invalid_query_parameter',
    );
  }
  const groupBy = query.get('groupBy') ?? undefined;
  if (groupBy !== undefined && groupBy !== '' && !GROUPS.test(groupBy)) {
    throw invalidRequest(
      `Query parameter 'groupBy' must be provider, model, session, user, key, team, owner, day, tag or tag:<key>, got '${groupBy}'.`,
      'groupBy',
      'invalid_query_parameter',
    );
  }
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(groupBy ? { groupBy: ledgerGroupBy(groupBy) } : {}),
  };
}

/** `GET /api/costs`: the cost report of a range (ledger) and where every budget stands. */
export async function costsResponse(
  cost: CostPlugin | undefined,
  query: URLSearchParams,
): Promise<CostsResponse> {
  const range = costQuery(query);
  if (!cost) {
    return {
      enabled: false,
      totalMicros: 0,
      records: 0,
      inputTokens: 0,
      outputTokens: 0,
      unpriced: 0,
      groups: [],
      budgets: [],
    };
  }
  const [report, budgets] = await Promise.all([cost.report(range), cost.budgetStatus()]);
  return { enabled: true, ...report, budgets };
}
