import type { CostRecord, LedgerStore } from '@loom/cost';
import { describe, expect, it } from 'vitest';

/** A record with defaults; `time` in ms. */
export function makeRecord(overrides: Partial<CostRecord> & { id: string }): CostRecord {
  return {
    time: Date.UTC(2026, 0, 15, 12),
    requestId: `request-${overrides.id}`,
    attempt: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 100,
    outputTokens: 50,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costMicros: 45,
    estimated: false,
    unpriced: false,
    type: 'chat',
    ...overrides,
  };
}

const records: CostRecord[] = [
  makeRecord({ id: 'a', sessionId: 's1', user: 'ann', tags: { team: 'search', env: 'prod' } }),
  makeRecord({
    id: 'b',
    provider: 'groq',
    model: 'llama',
    costMicros: 10,
    user: 'bob',
    tags: { team: 'ads' },
  }),
  makeRecord({
    id: 'c',
    time: Date.UTC(2026, 0, 16, 1),
    costMicros: 5,
    estimated: true,
    sessionId: 's1',
  }),
  makeRecord({
    id: 'd',
    time: Date.UTC(2026, 0, 16, 2),
    costMicros: 0,
    unpriced: true,
    model: 'mystery',
  }),
];

/** The behaviour every ledger store must have; `open` gives a fresh, empty store. */
export function testLedgerStore(name: string, open: () => Promise<LedgerStore>): void {
  describe(`ledger store conformance: ${name}`, () => {
    it('sums everything, counting estimated and unpriced records', async () => {
      const store = await open();
      await store.append(records);
      const [total] = await store.query();
      expect(total).toMatchObject({
        key: 'total',
        records: 4,
        costMicros: 60,
        estimated: 1,
        unpriced: 1,
        inputTokens: 400,
      });
      await store.close();
    });

    it('ignores a record whose id is already stored', async () => {
      const store = await open();
      await store.append(records);
      await store.append([records[0] as CostRecord]);
      expect((await store.query())[0]?.records).toBe(4);
      await store.close();
    });

    it('groups by provider, model, session, user, day and tags', async () => {
      const store = await open();
      await store.append(records);
      const keys = async (groupBy: Parameters<LedgerStore['query']>[0]) =>
        (await store.query(groupBy)).map((group) => [group.key, group.costMicros]);
      expect(await keys({ groupBy: 'provider' })).toEqual([
        ['groq', 10],
        ['openai', 50],
      ]);
      expect(await keys({ groupBy: 'model' })).toEqual([
        ['gpt-4o-mini', 50],
        ['llama', 10],
        ['mystery', 0],
      ]);
      expect(await keys({ groupBy: 'session' })).toEqual([
        ['(none)', 10],
        ['s1', 50],
      ]);
      expect(await keys({ groupBy: 'user' })).toEqual([
        ['(none)', 5],
        ['ann', 45],
        ['bob', 10],
      ]);
      expect(await keys({ groupBy: 'day' })).toEqual([
        ['2026-01-15', 55],
        ['2026-01-16', 5],
      ]);
      expect(await keys({ groupBy: 'tag:team' })).toEqual([
        ['(none)', 5],
        ['ads', 10],
        ['search', 45],
      ]);
      expect(await keys({ groupBy: 'tag' })).toEqual([
        ['(none)', 5],
        ['env=prod', 45],
        ['team=ads', 10],
        ['team=search', 45],
      ]);
      await store.close();
    });

    it('filters by a half-open time range', async () => {
      const store = await open();
      await store.append(records);
      const groups = await store.query({
        from: Date.UTC(2026, 0, 16),
        to: Date.UTC(2026, 0, 16, 2),
      });
      expect(groups).toEqual([
        expect.objectContaining({ key: 'total', records: 1, costMicros: 5 }),
      ]);
      expect(await store.query({ from: Date.UTC(2027, 0, 1) })).toEqual([]);
      await store.close();
    });
  });
}
