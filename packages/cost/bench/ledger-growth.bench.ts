// Reports as history grows: fills a SQLite ledger with 0 / 100k / 1M rows through `append` and
// times two reports the dashboard asks for, from a raw scan of the rows (before rollups) and from
// the hourly rollups; then how long a 1M-row ledger written before rollups takes to roll up at
// open. Sizes: `node bench/ledger-growth.bench.ts 0,100000`. Results: bench/results/cost-ledger-growth.json at the repository root.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CostRecord, type LedgerQuery, type LedgerStore, openSqliteLedger } from '@loom/cost';
import Database from 'better-sqlite3';

const sizes = (process.argv[2] ?? '0,100000,1000000').split(',').map(Number);
const DAY = 86_400_000;
const HISTORY_DAYS = 90;
const BATCH = 500;
const now = Date.UTC(2026, 5, 30, 14, 23, 17);
const round = (value: number) => Math.round(value * 100) / 100;

/** The `index`-th of `count` records spread evenly over the last 90 days. */
function record(index: number, count: number): CostRecord {
  const tags: Record<string, string> = { team: `team-${index % 5}` };
  if (index % 3 === 0) tags.env = index % 2 === 0 ? 'prod' : 'dev';
  return {
    id: `r${index}`,
    time: now - HISTORY_DAYS * DAY + Math.floor((index * HISTORY_DAYS * DAY) / Math.max(count, 1)),
    requestId: `q${index}`,
    attempt: 1,
    provider: ['openai', 'groq', 'anthropic'][index % 3] as string,
    model: `model-${index % 7}`,
    inputTokens: 100 + (index % 900),
    outputTokens: 50 + (index % 400),
    cachedInputTokens: index % 50,
    reasoningTokens: 0,
    costMicros: 45 + (index % 1000),
    estimated: index % 17 === 0,
    unpriced: index % 101 === 0,
    type: 'chat',
    user: `user-${index % 50}`,
    // A session of ten requests in a row.
    sessionId: `session-${Math.floor(index / 10)}`,
    tags,
  };
}

async function fill(store: LedgerStore, count: number): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < count; offset += BATCH) {
    const batch: CostRecord[] = [];
    for (let index = offset; index < Math.min(offset + BATCH, count); index += 1)
      batch.push(record(index, count));
    await store.append(batch);
  }
  const seconds = (performance.now() - started) / 1000;
  return count === 0 ? 0 : Math.round(count / seconds);
}

/** Median of `runs` timed queries, after one untimed to warm the page cache. */
async function timed(store: LedgerStore, query: LedgerQuery, runs: number): Promise<number> {
  await store.query(query);
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await store.query(query);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)] ?? 0);
}

const REPORTS: Record<string, LedgerQuery> = {
  'groupBy model, all time': { groupBy: 'model' },
  'groupBy day, last 30 days': { groupBy: 'day', from: now - 30 * DAY },
};

const directory = mkdtempSync(join(tmpdir(), 'loom-ledger-growth-'));
const rows: Array<Record<string, string | number>> = [];
let backfill: { rows: number; openMs: number } | undefined;
for (const size of sizes) {
  const path = join(directory, `ledger-${size}.db`);
  const ledger = await openSqliteLedger({ path });
  const appendPerSecond = await fill(ledger, size);
  for (const [report, query] of Object.entries(REPORTS)) {
    const rawScanMs = await timed(ledger, { ...query, rawScan: true }, size >= 1_000_000 ? 5 : 9);
    const rollupsMs = await timed(ledger, query, 21);
    rows.push({
      rows: size,
      report,
      rawScanMs,
      rollupsMs,
      speedup: rollupsMs > 0 ? round(rawScanMs / rollupsMs) : 0,
      appendPerSecond,
    });
  }
  await ledger.close();
  if (size === Math.max(...sizes) && size > 0) {
    // The same file as an earlier version left it: rows and no rollups.
    const database = new Database(path);
    database.exec(
      'DROP TABLE loom_cost_records_rollups; DROP TABLE loom_cost_records_rollup_state',
    );
    database.close();
    const started = performance.now();
    const reopened = await openSqliteLedger({ path });
    backfill = { rows: size, openMs: Math.round(performance.now() - started) };
    await reopened.close();
  }
  rmSync(path, { force: true });
}
rmSync(directory, { recursive: true, force: true });

console.table(rows);
if (backfill) console.log(`rolling up ${backfill.rows} rows at open: ${backfill.openMs} ms`);
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(resolve(here, '../../../bench/results'), { recursive: true });
writeFileSync(
  resolve(here, '../../../bench/results/cost-ledger-growth.json'),
  `${JSON.stringify(
    {
      benchmark: 'cost-ledger-growth',
      store: 'sqlite',
      historyDays: HISTORY_DAYS,
      appendBatch: BATCH,
      reports: rows,
      ...(backfill ? { backfillAtOpen: backfill } : {}),
      environment: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
    },
    null,
    2,
  )}\n`,
);
