import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchedLedger,
  type CostRecord,
  type LedgerStore,
  MemoryLedger,
  openSqliteLedger,
} from '@loom/cost';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeRecord } from './ledger-conformance.js';

const here = dirname(fileURLToPath(import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'loom-cost-batch-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('BatchedLedger', () => {
  it('flushes on the interval, off the request path', async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryLedger();
      const ledger = new BatchedLedger(store, { flushIntervalMs: 100, batchSize: 1000 });
      ledger.write(makeRecord({ id: '1' }));
      expect(store.size).toBe(0);
      await vi.advanceTimersByTimeAsync(100);
      expect(store.size).toBe(1);
      await ledger.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('flushes when a batch fills up, and close() loses nothing', async () => {
    const store = new MemoryLedger();
    const ledger = new BatchedLedger(store, { flushIntervalMs: 60_000, batchSize: 10 });
    for (let index = 0; index < 25; index += 1) ledger.write(makeRecord({ id: `r${index}` }));
    await ledger.flush();
    expect(store.size).toBe(25);
    ledger.write(makeRecord({ id: 'last' }));
    await ledger.close();
    expect(store.size).toBe(26);
    expect(() => ledger.write(makeRecord({ id: 'late' }))).toThrow(/closed/);
  });

  it('bounds the queue and keeps a failed batch for the next flush', async () => {
    let fail = true;
    const stored: CostRecord[] = [];
    const store: LedgerStore = {
      async append(records) {
        if (fail) throw new Error('database down');
        stored.push(...records);
      },
      async query() {
        return [];
      },
      async close() {},
    };
    const errors: unknown[] = [];
    const ledger = new BatchedLedger(store, {
      flushIntervalMs: 60_000,
      batchSize: 100,
      maxQueue: 3,
      onError: (error) => errors.push(error),
    });
    for (let index = 0; index < 5; index += 1) ledger.write(makeRecord({ id: `r${index}` }));
    expect(ledger.dropped).toBe(2);
    await ledger.flush();
    expect(ledger.pending).toBe(3);
    fail = false;
    await ledger.close();
    expect(stored).toHaveLength(3);
    expect(errors.length).toBe(3);
  });

  it('a killed process loses at most what was queued since the last flush', async () => {
    const path = join(directory, 'crash.db');
    const child = spawn(
      process.execPath,
      [
        '--conditions=@loom/source',
        '--import',
        'tsx',
        join(here, 'fixtures/crashing-writer.ts'),
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('queued 100')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}: ${output}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const store = await openSqliteLedger({ path });
    const [total] = await store.query();
    await store.close();
    expect(total?.records).toBe(1000);
  }, 30_000);
});
