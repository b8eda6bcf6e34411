import type {
  CostRecord,
  LedgerGroup,
  LedgerGroupBy,
  LedgerQuery,
  LedgerStore,
} from './cost-record.js';
import { addToGroup, emptyGroup, groupKeysOf, sortGroups } from './group-records.js';

const BUCKET_MS = 3_600_000;

type Rollup = Map<number, Map<string, LedgerGroup>>;

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

function merge(into: Map<string, LedgerGroup>, from: Map<string, LedgerGroup>): void {
  for (const [key, source] of from) {
    const group = into.get(key) ?? emptyGroup(key);
    group.records += source.records;
    group.costMicros += source.costMicros;
    group.inputTokens += source.inputTokens;
    group.outputTokens += source.outputTokens;
    group.cachedInputTokens += source.cachedInputTokens;
    group.reasoningTokens += source.reasoningTokens;
    group.estimated += source.estimated;
    group.unpriced += source.unpriced;
    into.set(key, group);
  }
}

/** Groupings rolled up from the first record on: what reports and summaries ask for. */
export const DEFAULT_ROLLUPS: ReadonlyArray<LedgerGroupBy | undefined> = [
  undefined,
  'provider',
  'model',
  'day',
];

/**
 * An in-memory ledger. Records are kept in hourly buckets with per-bucket sums (rollups) kept up
 * to date on every append, so a summary over millions of records only merges a few sums per hour
 * (partial hours at the range's edges are scanned). The usual groupings are rolled up from the
 * start; any other is built on its first query and maintained from then on.
 */
export class MemoryLedger implements LedgerStore {
  private readonly buckets = new Map<number, CostRecord[]>();
  private readonly ids = new Set<string>();
  private readonly rollups = new Map<string, Rollup>();
  private count = 0;

  constructor(rollups: ReadonlyArray<LedgerGroupBy | undefined> = DEFAULT_ROLLUPS) {
    for (const groupBy of rollups) this.rollupFor(groupBy);
  }

  /** Number of stored records. */
  get size(): number {
    return this.count;
  }

  async append(records: readonly CostRecord[]): Promise<void> {
    for (const record of records) {
      if (this.ids.has(record.id)) continue;
      this.ids.add(record.id);
      this.count += 1;
      const bucket = Math.floor(record.time / BUCKET_MS);
      let list = this.buckets.get(bucket);
      if (!list) {
        list = [];
        this.buckets.set(bucket, list);
      }
      list.push(record);
      for (const [name, rollup] of this.rollups) this.addToRollup(rollup, bucket, record, name);
    }
  }

  async query(query: LedgerQuery = {}): Promise<LedgerGroup[]> {
    const from = query.from ?? Number.NEGATIVE_INFINITY;
    const to = query.to ?? Number.POSITIVE_INFINITY;
    const rollup = this.rollupFor(query.groupBy);
    const groups = new Map<string, LedgerGroup>();
    for (const [bucket, records] of this.buckets) {
      const start = bucket * BUCKET_MS;
      const end = start + BUCKET_MS;
      if (end <= from || start >= to) continue;
      if (start >= from && end <= to) {
        const sums = rollup.get(bucket);
        if (sums) merge(groups, sums);
        continue;
      }
      for (const record of records) {
        if (record.time >= from && record.time < to) addTo(groups, record, query.groupBy);
      }
    }
    return sortGroups(groups.values());
  }

  async close(): Promise<void> {}

  private rollupFor(groupBy: LedgerGroupBy | undefined): Rollup {
    const name = groupBy ?? '';
    let rollup = this.rollups.get(name);
    if (!rollup) {
      rollup = new Map();
      for (const [bucket, records] of this.buckets) {
        for (const record of records) this.addToRollup(rollup, bucket, record, name);
      }
      this.rollups.set(name, rollup);
    }
    return rollup;
  }

  private addToRollup(rollup: Rollup, bucket: number, record: CostRecord, name: string): void {
    let groups = rollup.get(bucket);
    if (!groups) {
      groups = new Map();
      rollup.set(bucket, groups);
    }
    addTo(groups, record, name === '' ? undefined : (name as LedgerGroupBy));
  }
}
