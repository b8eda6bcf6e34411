import { compactEdges, deleteInSteps } from './compact-edges.js';
import type {
  CostRecord,
  LedgerCompactOptions,
  LedgerCompactResult,
  LedgerGroup,
  LedgerGroupBy,
  LedgerQuery,
  LedgerStore,
} from './cost-record.js';
import { addToGroup, emptyGroup, groupKeysOf, sortGroups } from './group-records.js';
import { BUCKET_MS, bucketOf, planQuery, type Span } from './rollup-buckets.js';
import { type RollupDimension, type RollupEntry, rollupKeysOf } from './rollup-entries.js';
import { dimensionsOf, groupsFromRollups } from './rollup-groups.js';

/** One hour: its records, and their sums by every rollup dimension. */
interface Bucket {
  records: CostRecord[];
  rollups: Map<RollupDimension, Map<string, RollupEntry>>;
}

function addToBucket(bucket: Bucket, index: number, record: CostRecord): void {
  bucket.records.push(record);
  for (const [dimension, tagKey, value] of rollupKeysOf(record)) {
    let entries = bucket.rollups.get(dimension);
    if (!entries) {
      entries = new Map();
      bucket.rollups.set(dimension, entries);
    }
    const key = `${tagKey}\u0000${value}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = { dimension, bucket: index, tagKey, value, sums: emptyGroup('') };
      entries.set(key, entry);
    }
    addToGroup(entry.sums, record);
  }
}

function addTo(
  groups: Map<string, LedgerGroup>,
  record: CostRecord,
  groupBy: LedgerGroupBy | undefined,
): void {
  for (const key of groupKeysOf(record, groupBy)) {
    let group = groups.get(key);
    if (!group) {
      group = emptyGroup(key);
      groups.set(key, group);
    }
    addToGroup(group, record);
  }
}

const overlaps = (index: number, span: Span) =>
  (index + 1) * BUCKET_MS > span.from && index * BUCKET_MS < span.to;

/**
 * An in-memory ledger. Records are kept in hourly buckets, each with its sums by every grouping
 * dimension (rollups) updated on every append, so a report over millions of records merges a
 * few sums per hour; the partial hours at a range's edges are summed from their records.
 */
export class MemoryLedger implements LedgerStore {
  private readonly buckets = new Map<number, Bucket>();
  private readonly ids = new Set<string>();

  /** Number of stored records. */
  get size(): number {
    return this.ids.size;
  }

  async append(records: readonly CostRecord[]): Promise<void> {
    for (const record of records) {
      if (this.ids.has(record.id)) continue;
      this.ids.add(record.id);
      const index = bucketOf(record.time);
      let bucket = this.buckets.get(index);
      if (!bucket) {
        bucket = { records: [], rollups: new Map() };
        this.buckets.set(index, bucket);
      }
      addToBucket(bucket, index, record);
    }
  }

  async query(query: LedgerQuery = {}): Promise<LedgerGroup[]> {
    const plan = planQuery(query);
    const groups = new Map<string, LedgerGroup>();
    if (plan.buckets)
      groupsFromRollups(this.rollupsIn(plan.buckets, query.groupBy), query.groupBy, groups);
    for (const span of plan.rows) {
      for (const [index, bucket] of this.buckets) {
        if (!overlaps(index, span)) continue;
        for (const record of bucket.records)
          if (record.time >= span.from && record.time < span.to)
            addTo(groups, record, query.groupBy);
      }
    }
    return sortGroups(groups.values());
  }

  /** Drops the records of hours before `rawBefore` (their sums stay) and older hours whole. */
  async compact(options: LedgerCompactOptions): Promise<LedgerCompactResult> {
    const edges = compactEdges(options);
    const rawEdge = bucketOf(edges.rawBefore);
    const rawDeleted = await deleteInSteps(
      edges.stepRows,
      () => {
        let deleted = 0;
        for (const [index, bucket] of this.buckets) {
          if (index >= rawEdge || bucket.records.length === 0) continue;
          // Whole hours at a time: a step may pass stepRows by up to one hour's records.
          for (const record of bucket.records) this.ids.delete(record.id);
          deleted += bucket.records.length;
          bucket.records = [];
          if (deleted >= edges.stepRows) break;
        }
        return deleted;
      },
      options.signal,
    );
    let rollupsDeleted = 0;
    const rollupEdge = edges.rollupBucket;
    if (rollupEdge !== undefined && !options.signal?.aborted)
      for (const [index, bucket] of this.buckets) {
        if (index >= rollupEdge) continue;
        for (const entries of bucket.rollups.values()) rollupsDeleted += entries.size;
        this.buckets.delete(index);
      }
    return { rawDeleted, rollupsDeleted };
  }

  async close(): Promise<void> {}

  private *rollupsIn(whole: Span, groupBy: LedgerGroupBy | undefined): Generator<RollupEntry> {
    const dimensions = dimensionsOf(groupBy);
    for (const [index, bucket] of this.buckets) {
      if (index < whole.from || index >= whole.to) continue;
      for (const dimension of dimensions) {
        const entries = bucket.rollups.get(dimension);
        if (entries) yield* entries.values();
      }
    }
  }
}
