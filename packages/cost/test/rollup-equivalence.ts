import type { CostRecord, LedgerGroup, LedgerGroupBy, LedgerQuery, LedgerStore } from '@loom/cost';
import { expect } from 'vitest';

export const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The first hour of the random records; they span `DAYS` days from it. */
export const START = Date.UTC(2026, 2, 1);
const DAYS = 4;

/** A seeded generator (mulberry32), so a failing case can be run again. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T;
const integer = (random: () => number, below: number) => Math.floor(random() * below);

/** A time in the span: often on an hour's first or last millisecond, or a day's. */
function randomTime(random: () => number): number {
  const hour = START + integer(random, DAYS * 24) * HOUR;
  return pick(random, [
    () => hour,
    () => hour + HOUR - 1,
    () => hour + integer(random, HOUR),
    () => hour + integer(random, HOUR),
    () => START + integer(random, DAYS) * DAY,
  ])();
}

function randomTags(random: () => number): Record<string, string> | undefined {
  const shape = integer(random, 5);
  if (shape === 0) return undefined;
  if (shape === 1) return {};
  const tags: Record<string, string> = {};
  if (random() < 0.7) tags.team = pick(random, ['search', 'ads', 'infra']);
  if (random() < 0.5) tags.env = pick(random, ['prod', 'dev']);
  if (random() < 0.2) tags['a.b'] = pick(random, ['x', 'y=z', '']);
  return tags;
}

/** `count` records with random times, providers, models, users, sessions, tags and costs. */
export function randomRecords(random: () => number, count: number, prefix = 'r'): CostRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const unpriced = random() < 0.1;
    const inputTokens = integer(random, 5000);
    const outputTokens = integer(random, 2000);
    const record: CostRecord = {
      id: `${prefix}${index}`,
      time: randomTime(random),
      requestId: `q${index}`,
      attempt: 1 + integer(random, 2),
      provider: pick(random, ['openai', 'groq', 'anthropic']),
      model: pick(random, ['gpt-4o-mini', 'gpt-4o', 'llama', 'claude', 'mystery']),
      inputTokens,
      outputTokens,
      cachedInputTokens: integer(random, inputTokens + 1),
      reasoningTokens: integer(random, outputTokens + 1),
      costMicros: unpriced ? 0 : integer(random, 250_000),
      estimated: random() < 0.2,
      unpriced,
      type: random() < 0.9 ? 'chat' : 'embedding',
    };
    const sessionId = pick(random, [undefined, 's1', 's2', 's3', 's4', '']);
    const user = pick(random, [undefined, 'ann', 'bob', 'cy']);
    const tags = randomTags(random);
    return {
      ...record,
      ...(sessionId === undefined ? {} : { sessionId }),
      ...(user === undefined ? {} : { user }),
      ...(tags === undefined ? {} : { tags }),
    };
  });
}

/** Appends in random batches, replaying some records already stored (ids make that a no-op). */
export async function appendWithReplays(
  store: LedgerStore,
  records: readonly CostRecord[],
  random: () => number,
): Promise<void> {
  for (let offset = 0; offset < records.length; ) {
    const size = 1 + integer(random, 60);
    const batch = records.slice(offset, offset + size);
    const replayed = records.slice(0, offset).filter(() => random() < 0.02);
    await store.append([...batch, ...replayed, ...batch.slice(0, integer(random, 3))]);
    offset += size;
  }
}

/** Ranges on hour and day edges, cutting hours, inside one hour, open-ended, empty, outside. */
export function randomRanges(random: () => number, count: number): LedgerQuery[] {
  const edge = () => START + (integer(random, DAYS * 24 + 4) - 2) * HOUR;
  const cut = () => edge() + 1 + integer(random, HOUR - 1);
  const day = () => START + integer(random, DAYS + 1) * DAY;
  const ranges: LedgerQuery[] = [
    {},
    { from: START + HOUR },
    { to: START + 30 * HOUR + 17 },
    { from: START + 5 * HOUR + 1, to: START + 5 * HOUR + 2000 },
    { from: START + 7 * HOUR - 10, to: START + 8 * HOUR + 10 },
    { from: START + 2 * HOUR, to: START + 2 * HOUR },
    { from: START + 40 * DAY },
    { to: START - DAY },
  ];
  const bounds = [edge, cut, day];
  while (ranges.length < count) {
    const a = pick(random, bounds)();
    const b = pick(random, bounds)();
    const open = integer(random, 6);
    if (open === 0) ranges.push({ from: a });
    else if (open === 1) ranges.push({ to: b });
    else ranges.push({ from: Math.min(a, b), to: Math.max(a, b) + (a === b ? HOUR : 0) });
  }
  return ranges;
}

export const GROUPINGS: Array<LedgerGroupBy | undefined> = [
  undefined,
  'provider',
  'model',
  'session',
  'user',
  'day',
  'tag',
  'tag:team',
  'tag:env',
  'tag:a.b',
  'tag:missing',
];

/** What a ledger must answer, summed here from the records themselves (first of each id). */
export function expectedGroups(records: readonly CostRecord[], query: LedgerQuery): LedgerGroup[] {
  const seen = new Set<string>();
  const groups = new Map<string, LedgerGroup>();
  for (const record of records) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    if (query.from !== undefined && record.time < query.from) continue;
    if (query.to !== undefined && record.time >= query.to) continue;
    for (const key of keysOf(record, query.groupBy)) {
      const group = groups.get(key) ?? { ...zero, key };
      group.records += 1;
      group.costMicros += record.costMicros;
      group.inputTokens += record.inputTokens;
      group.outputTokens += record.outputTokens;
      group.cachedInputTokens += record.cachedInputTokens;
      group.reasoningTokens += record.reasoningTokens;
      group.estimated += record.estimated ? 1 : 0;
      group.unpriced += record.unpriced ? 1 : 0;
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const zero = {
  records: 0,
  costMicros: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  estimated: 0,
  unpriced: 0,
};

function keysOf(record: CostRecord, groupBy: LedgerGroupBy | undefined): string[] {
  if (groupBy === undefined) return ['total'];
  if (groupBy === 'provider') return [record.provider];
  if (groupBy === 'model') return [record.model];
  if (groupBy === 'session') return [record.sessionId ?? '(none)'];
  if (groupBy === 'user') return [record.user ?? '(none)'];
  if (groupBy === 'day') return [new Date(record.time).toISOString().slice(0, 10)];
  const tags = Object.entries(record.tags ?? {});
  if (groupBy === 'tag')
    return tags.length === 0 ? ['(none)'] : tags.map(([key, value]) => `${key}=${value}`);
  return [record.tags?.[groupBy.slice(4)] ?? '(none)'];
}

/**
 * Every grouping over every range: the store's answer from rollups, and from a raw scan, equal
 * the sums of the records. Returns how many answers were compared.
 */
export async function expectRollupsMatchRecords(
  store: LedgerStore,
  records: readonly CostRecord[],
  ranges: readonly LedgerQuery[],
): Promise<number> {
  let compared = 0;
  for (const range of ranges) {
    for (const groupBy of GROUPINGS) {
      const query: LedgerQuery = { ...range, ...(groupBy ? { groupBy } : {}) };
      const expected = expectedGroups(records, query);
      const label = JSON.stringify(query);
      expect(await store.query(query), `rollups ${label}`).toEqual(expected);
      expect(await store.query({ ...query, rawScan: true }), `raw scan ${label}`).toEqual(expected);
      compared += 2;
    }
  }
  return compared;
}
