import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CostRecord, openSqliteLedger } from '@loom/cost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costsCommand } from '../src/cli/costs-command.js';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

describe('loom costs', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack();
    await stack.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    await stack.client.chat.completions.create({
      model: 'local/llama3.2',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    // The ledger is written in batches; the CLI reads what has been flushed to SQLite.
    await stack.loom.cost.report(); // flushes the batched ledger writer
  });
  afterAll(() => stack?.close());

  it('reads the SQLite ledger the config names, grouped, as a table, JSON and CSV', async () => {
    const table = await costsCommand({ config: stack.file, groupBy: 'provider' });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^PROVIDER\s+RECORDS\s+COST\s+INPUT\s+OUTPUT\s+UNPRICED$/);
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual([
      'PROVIDER',
      'local',
      'primary',
      'TOTAL',
    ]);
    expect(lines[3]).toMatch(/^TOTAL\s+2\s+\$0\.\d{6}/);

    const json = JSON.parse(
      await costsCommand({ config: stack.file, groupBy: 'model', format: 'json' }),
    );
    expect(json.groups.map((group: { key: string }) => group.key)).toEqual([
      'gpt-4o-mini',
      'llama3.2',
    ]);
    expect(json.records).toBe(2);

    const csv = await costsCommand({ config: stack.file, groupBy: 'provider', format: 'csv' });
    expect(csv.split('\n')[0]).toBe(
      'key,records,costMicros,inputTokens,outputTokens,cachedInputTokens,reasoningTokens,estimated,unpriced',
    );
    const future = JSON.parse(
      await costsCommand({ config: stack.file, from: String(Date.now() + 60_000), format: 'json' }),
    );
    expect(future.records).toBe(0);
  });

  it('explains bad flags by their flag names', async () => {
    await expect(costsCommand({ config: stack.file, groupBy: 'colour' })).rejects.toThrow(
      "--group-by must be provider, model, session, user, key, team, owner, day, tag or tag:<key>, got 'colour'",
    );
    await expect(costsCommand({ config: stack.file, from: 'soon' })).rejects.toThrow(
      /^--from must be/,
    );
    await expect(costsCommand({ config: stack.file, format: 'xml' })).rejects.toThrow(
      "--format must be table, json or csv, got 'xml'",
    );
    const memory = join(stack.directory, 'memory.json');
    await writeFile(memory, JSON.stringify({ ...stack.raw, storage: { ledger: 'memory' } }));
    await expect(costsCommand({ config: memory })).rejects.toThrow('storage.ledger is memory');
  });

  it('--compact deletes what storage.retention no longer keeps and prints the counts', async () => {
    const file = join(stack.directory, 'retention.json');
    const storage = {
      ledger: 'sqlite://./retention.db',
      retention: { rawDays: 30, rollupDays: 60 },
    };
    await writeFile(file, JSON.stringify({ ...stack.raw, storage }));
    const day = 86_400_000;
    // Two rows whose hour is past the rollups' edge (6 rollup rows: total, provider, model,
    // session, user, untagged), one only past the raw edge, one recent.
    const oldHour = Math.floor((Date.now() - 100 * day) / 3_600_000) * 3_600_000;
    const times = [oldHour + 1, oldHour + 2, Date.now() - 45 * day, Date.now()];
    const records: CostRecord[] = times.map((time, index) => ({
      id: `c${index}`,
      time,
      requestId: `q${index}`,
      attempt: 1,
      provider: 'primary',
      model: 'gpt-4o-mini',
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      costMicros: 100,
      estimated: false,
      unpriced: false,
      type: 'chat',
    }));
    const ledger = await openSqliteLedger({ path: join(stack.directory, 'retention.db') });
    await ledger.append(records);
    await ledger.close();

    expect(await costsCommand({ config: file, compact: true })).toBe(
      'Deleted 3 raw rows older than 30 days and 6 rollup rows (rollups older than 60 days).',
    );
    const report = JSON.parse(await costsCommand({ config: file, format: 'json' }));
    expect(report.records).toBe(2);
    expect(await costsCommand({ config: file, compact: true })).toMatch(/^Deleted 0 raw rows/);

    await writeFile(
      file,
      JSON.stringify({ ...stack.raw, storage: { ...storage, retention: { rawDays: 0 } } }),
    );
    expect(await costsCommand({ config: file, compact: true })).toMatch(/nothing deleted/);
  });
});
