import type { CostRecord, LedgerGroup } from './cost-record.js';
import { NO_GROUP } from './cost-record.js';
import { addToGroup, emptyGroup } from './group-records.js';
import { bucketOf } from './rollup-buckets.js';

/**
 * What a rollup row sums by. `tag` rows hold one tag key and its value; `untagged` counts the
 * records with no tag at all. `tag:<key>` is read from both (records without that key are the
 * total less those with it), and `day` from `total`.
 */
export type RollupDimension =
  | 'total'
  | 'provider'
  | 'model'
  | 'session'
  | 'user'
  | 'tag'
  | 'untagged';

/** Sums of the records of one hour that share one dimension's value. */
export interface RollupEntry {
  dimension: RollupDimension;
  bucket: number;
  /** The tag's key for `tag` rows, else empty. */
  tagKey: string;
  /** The dimension's value (`(none)` for a record without a session or user), else empty. */
  value: string;
  sums: LedgerGroup;
}

type EntryKey = [RollupDimension, string, string];

/** The rollup rows one record adds to, as dimension, tag key and value. */
export function rollupKeysOf(record: CostRecord): EntryKey[] {
  const keys: EntryKey[] = [
    ['total', '', ''],
    ['provider', '', record.provider],
    ['model', '', record.model],
    ['session', '', record.sessionId ?? NO_GROUP],
    ['user', '', record.user ?? NO_GROUP],
  ];
  const tags = Object.entries(record.tags ?? {});
  if (tags.length === 0) keys.push(['untagged', '', '']);
  for (const [key, value] of tags) keys.push(['tag', key, String(value)]);
  return keys;
}

/** Adds a record to the entries it belongs to in `entries`, a map keyed per row. */
export function addToRollups(entries: Map<string, RollupEntry>, record: CostRecord): void {
  const bucket = bucketOf(record.time);
  for (const [dimension, tagKey, value] of rollupKeysOf(record)) {
    const key = `${bucket}\u0000${dimension}\u0000${tagKey}\u0000${value}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = { dimension, bucket, tagKey, value, sums: emptyGroup('') };
      entries.set(key, entry);
    }
    addToGroup(entry.sums, record);
  }
}
