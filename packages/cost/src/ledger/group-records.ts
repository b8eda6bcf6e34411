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
