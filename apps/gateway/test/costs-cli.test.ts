import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
      "--group-by must be provider, model, session, user, day, tag or tag:<key>, got 'colour'",
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
});
