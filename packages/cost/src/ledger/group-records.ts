import type { CostRecord, LedgerGroup, LedgerGroupBy } from './cost-record.js';
import { NO_GROUP } from './cost-record.js';

/** The group keys a record belongs to (a record with two tags is in two `tag` groups). */
export function groupKeysOf(record: CostRecord, groupBy: LedgerGroupBy | undefined): string[] {
  switch (groupBy) {
    case undefined:
      return ['total'];
    case 'provider':
      return [record.provider];
    case 'model':
      return [record.model];
    case 'session':
      return [record.sessionId ?? NO_GROUP];
    case 'user':
      return [record.user ?? NO_GROUP];
    case 'day':
      return [new Date(record.time).toISOString().slice(0, 10)];
    case 'tag': {
      const entries = Object.entries(record.tags ?? {});
      return entries.length === 0 ? [NO_GROUP] : entries.map(([key, value]) => `${key}=${value}`);
    }
    default:
      return [record.tags?.[groupBy.slice(4)] ?? NO_GROUP];
  }
}

/** An empty group to add to. */
export function emptyGroup(key: string): LedgerGroup {
  return {
    key,
    records: 0,
    costMicros: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    estimated: 0,
    unpriced: 0,
  };
}

/** Adds one record to a group's sums. */
export function addToGroup(group: LedgerGroup, record: CostRecord): void {
  group.records += 1;
  group.costMicros += record.costMicros;
  group.inputTokens += record.inputTokens;
  group.outputTokens += record.outputTokens;
  group.cachedInputTokens += record.cachedInputTokens;
  group.reasoningTokens += record.reasoningTokens;
  if (record.estimated) group.estimated += 1;
  if (record.unpriced) group.unpriced += 1;
}

/** Sorts groups by key, for stable output across stores. */
export function sortGroups(groups: Iterable<LedgerGroup>): LedgerGroup[] {
  return [...groups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Adds (or with `sign` -1, subtracts) another group's sums. */
export function addSums(into: LedgerGroup, from: LedgerGroup, sign: 1 | -1 = 1): void {
  into.records += sign * from.records;
  into.costMicros += sign * from.costMicros;
  into.inputTokens += sign * from.inputTokens;
  into.outputTokens += sign * from.outputTokens;
  into.cachedInputTokens += sign * from.cachedInputTokens;
  into.reasoningTokens += sign * from.reasoningTokens;
  into.estimated += sign * from.estimated;
  into.unpriced += sign * from.unpriced;
}

/** Adds groups to `into` by key: the parts of one answer (rollups, edge rows) become one. */
export function mergeGroups(into: Map<string, LedgerGroup>, groups: Iterable<LedgerGroup>): void {
  for (const group of groups) {
    const existing = into.get(group.key);
    if (existing) addSums(existing, group);
    else into.set(group.key, { ...group });
  }
}
