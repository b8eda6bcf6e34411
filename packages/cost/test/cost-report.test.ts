import { costReport, costReportToCsv, costReportToMarkdown, MemoryLedger } from '@loom/cost';
import { describe, expect, it } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

describe('costReport', () => {
  it('totals a range and groups it, with CSV and Markdown exports', async () => {
    const ledger = new MemoryLedger();
    await ledger.append([
      makeRecord({ id: 'a', costMicros: 1_500_000, tags: { team: 'a,b' } }),
      makeRecord({ id: 'b', costMicros: 0, unpriced: true, model: 'mystery' }),
      makeRecord({ id: 'c', costMicros: 5, estimated: true, time: Date.UTC(2030, 0, 1) }),
    ]);
    const report = await costReport(ledger, { to: Date.UTC(2029, 0, 1), groupBy: 'model' });
    expect(report).toMatchObject({ totalMicros: 1_500_000, records: 2, unpriced: 1, estimated: 0 });
    expect(report.groups.map((group) => group.key)).toEqual(['gpt-4o-mini', 'mystery']);
    const csv = costReportToCsv(await costReport(ledger, { groupBy: 'tag:team' }));
    expect(csv.split('\n')[0]).toBe(
      'key,records,costMicros,inputTokens,outputTokens,cachedInputTokens,reasoningTokens,estimated,unpriced',
    );
    expect(csv).toContain('"a,b",1,1500000');
    const markdown = costReportToMarkdown(report);
    expect(markdown).toContain('Total $1.500000 over 2 records (0 estimated, 1 unpriced).');
    expect(markdown).toContain('| mystery | 1 | $0.000000 |');
  });
});

describe('costReport queries', () => {
  it('asks the ledger once, and a second time for the total only when grouping by tag', async () => {
    const ledger = new MemoryLedger();
    await ledger.append([
      makeRecord({ id: 'a', costMicros: 10, tags: { team: 'x', env: 'prod' } }),
      makeRecord({ id: 'b', costMicros: 5, provider: 'groq', estimated: true }),
    ]);
    const asked: unknown[] = [];
    const counted = {
      append: ledger.append.bind(ledger),
      close: ledger.close.bind(ledger),
      query: (query?: Parameters<typeof ledger.query>[0]) => {
        asked.push(query);
        return ledger.query(query);
      },
    };
    const byProvider = await costReport(counted, { groupBy: 'provider' });
    expect(asked).toHaveLength(1);
    expect(byProvider).toMatchObject({ totalMicros: 15, records: 2, estimated: 1 });
    const byTag = await costReport(counted, { groupBy: 'tag' });
    expect(asked).toHaveLength(3);
    expect(byTag).toMatchObject({ totalMicros: 15, records: 2 });
    expect(byTag.groups.reduce((sum, group) => sum + group.costMicros, 0)).toBe(25);
    expect(await costReport(counted, { from: Date.UTC(2030, 0, 1) })).toMatchObject({
      totalMicros: 0,
      records: 0,
      groups: [],
    });
  });
});

describe('getCostSummary', () => {
  it('gives total, daily, tokens, by provider and by model, and what each budget has left', async () => {
    const { ask, startHarness } = await import('./helpers.js');
    const harness = await startHarness({
      budgets: [{ name: 'daily', limitUsd: 1, action: 'alert' }],
    });
    await harness.kernel.chat(ask('hello there'));
    await harness.kernel.chat(ask('and again'));
    const summary = await harness.plugin.getCostSummary();
    await harness.kernel.stop();
    expect(summary.records).toBe(2);
    expect(summary.totalMicros).toBeGreaterThan(0);
    expect(summary.tokens.input).toBeGreaterThan(0);
    expect(summary.byProvider.map((group) => group.key)).toEqual(['openai']);
    expect(summary.byModel.map((group) => group.key)).toEqual(['gpt-4o-mini']);
    expect(summary.daily.map((group) => group.key)).toEqual(['2026-01-15']);
    expect(summary.budgets).toEqual([
      expect.objectContaining({ budget: 'daily', spentMicros: summary.totalMicros }),
    ]);
  });
});
