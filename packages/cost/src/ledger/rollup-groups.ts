import type { LedgerGroup, LedgerGroupBy } from './cost-record.js';
import { NO_GROUP } from './cost-record.js';
import { addSums, emptyGroup, mergeGroups } from './group-records.js';
import { dayOfBucket } from './rollup-buckets.js';
import type { RollupDimension, RollupEntry } from './rollup-entries.js';

/** The rollup dimensions a grouping reads. */
export function dimensionsOf(groupBy: LedgerGroupBy | undefined): RollupDimension[] {
  switch (groupBy) {
    case undefined:
    case 'day':
      return ['total'];
    case 'tag':
      return ['tag', 'untagged'];
    case 'provider':
    case 'model':
    case 'session':
    case 'user':
      return [groupBy];
    default:
      return ['total', 'tag'];
  }
}

/** The group an entry's sums go to for `groupBy`, or undefined when it is not read for it. */
function groupKeyOf(entry: RollupEntry, groupBy: LedgerGroupBy | undefined): string | undefined {
  switch (groupBy) {
    case undefined:
      return entry.dimension === 'total' ? 'total' : undefined;
    case 'day':
      return entry.dimension === 'total' ? dayOfBucket(entry.bucket) : undefined;
    case 'tag':
      if (entry.dimension === 'untagged') return NO_GROUP;
      return entry.dimension === 'tag' ? `${entry.tagKey}=${entry.value}` : undefined;
    case 'provider':
    case 'model':
    case 'session':
    case 'user':
      return entry.dimension === groupBy ? entry.value : undefined;
    default:
      return entry.dimension === 'tag' && entry.tagKey === groupBy.slice(4)
        ? entry.value
        : undefined;
  }
}

/**
 * Sums rollup entries into the groups of `groupBy`. For `tag:<key>`, the records without that
 * tag are the `total` rows less the ones with it.
 */
export function groupsFromRollups(
  entries: Iterable<RollupEntry>,
  groupBy: LedgerGroupBy | undefined,
  into: Map<string, LedgerGroup>,
): void {
  const oneTag = groupBy?.startsWith('tag:') ? groupBy.slice(4) : undefined;
  const untagged = emptyGroup(NO_GROUP);
  for (const entry of entries) {
    const key = groupKeyOf(entry, groupBy);
    if (key !== undefined) {
      const group = into.get(key);
      if (group) addSums(group, entry.sums);
      else into.set(key, { ...entry.sums, key });
    }
    if (oneTag === undefined) continue;
    if (entry.dimension === 'total') addSums(untagged, entry.sums);
    else if (key !== undefined) addSums(untagged, entry.sums, -1);
  }
  if (untagged.records > 0) mergeGroups(into, [untagged]);
}
