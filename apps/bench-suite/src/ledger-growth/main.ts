// The ledger-growth step of `pnpm bench` (issue #24): the built gateway on a cost ledger of
// 0 / 100k / 1M / 10M rows, SQLite and PostgreSQL, each ledger grown from one size to the next.
// At each size: `/api/costs` and `loom costs` times, and chat throughput with and without a
// dashboard polling. Writes bench/results/ledger-growth.json and LEDGER-GROWTH.md at the root.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEnvironment } from '@loom/bench';
import type { Child } from '../processes.js';
import { paths, startUpstream } from '../start-targets.js';
import type { BenchLedger, StoreKind } from './bench-ledger.js';
import { formatFill, formatRows } from './ledger-summary.js';
import { checkTargets, type LedgerGrowthReport, type SizeResult } from './ledger-targets.js';
import { measureCliStartup } from './measure-reports.js';
import { measureSize } from './measure-size.js';
import {
  type PostgresFill,
  postgresBenchLedger,
  postgresUnavailable,
} from './postgres-bench-ledger.js';
import { sqliteBenchLedger } from './sqlite-bench-ledger.js';
import { writeLedgerReport } from './write-report.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const log = (line: string) => process.stdout.write(`${line}\n`);

const DEFAULT_SIZES = '0,100000,1000000,10000000';
const DEFAULT_SECONDS = 8;
const CLIENTS = 8;

function listSetting(text: string, name: string): number[] {
  const sizes = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (sizes.some((size) => !Number.isInteger(size) || size < 0))
    throw new Error(`${name} must be whole numbers separated by commas, got '${text}'`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** argv or the environment; anything but the defaults writes `-quick` result files. */
function settings() {
  const sizesText = process.argv[2] ?? process.env.LOOM_LEDGER_SIZES ?? DEFAULT_SIZES;
  const seconds = Number(process.env.LOOM_LEDGER_CHAT_SECONDS ?? DEFAULT_SECONDS);
  if (!(seconds > 0)) throw new Error('LOOM_LEDGER_CHAT_SECONDS must be a positive number');
  const stores = (process.env.LOOM_LEDGER_STORES ?? 'sqlite,postgres').split(',');
  if (stores.some((store) => store !== 'sqlite' && store !== 'postgres'))
    throw new Error('LOOM_LEDGER_STORES lists sqlite and/or postgres');
  const postgresFill = (process.env.LOOM_LEDGER_PG_FILL ?? 'auto') as PostgresFill;
  if (!['auto', 'append', 'bulk'].includes(postgresFill))
    throw new Error('LOOM_LEDGER_PG_FILL is auto, append or bulk');
  const sizes = listSetting(sizesText, 'LOOM_LEDGER_SIZES');
  return {
    sizes,
    seconds,
    stores: stores as StoreKind[],
    postgresUrl: process.env.LOOM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    postgresFill,
    quick: sizes.join(',') !== DEFAULT_SIZES || seconds !== DEFAULT_SECONDS,
  };
}

/** A URL without its password, for logs. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

async function main(): Promise<void> {
  const startedAt = new Date();
  const clock = performance.now();
  const options = settings();
  const now = Math.floor(Date.now() / 1000) * 1000;
  const configDir = await mkdtemp(join(tmpdir(), 'loom-ledger-growth-'));
  const results: SizeResult[] = [];
  const skipped: LedgerGrowthReport['skipped'] = [];
  let upstream: Child | undefined;
  try {
    upstream = await startUpstream(appDir);
    const cliStartup = await measureCliStartup(paths(appDir).gatewayCli);
    log(
      `ledger growth: sizes ${options.sizes.map(formatRows).join(', ')}, stores ${options.stores.join(', ')}`,
    );
    for (const store of options.stores) {
      let ledger: BenchLedger;
      if (store === 'postgres') {
        const reason = await postgresUnavailable(options.postgresUrl);
        if (reason) {
          const line = `cannot connect to ${redact(options.postgresUrl)} (${reason})`;
          log(`postgres: SKIPPED, ${line}`);
          skipped.push({ store, reason: line });
          continue;
        }
        ledger = postgresBenchLedger({
          connectionString: options.postgresUrl,
          now,
          fill: options.postgresFill,
          largestSize: Math.max(...options.sizes),
          log,
        });
      } else {
        ledger = sqliteBenchLedger(await mkdtemp(join(tmpdir(), 'loom-ledger-sqlite-')), now, log);
      }
      try {
        for (const size of options.sizes) {
          log(`${store} ${formatRows(size)}: filling...`);
          const fill = await ledger.grow(size);
          const upkeep =
            fill.maintenanceSeconds === undefined
              ? ''
              : `, VACUUM ANALYZE + CHECKPOINT ${fill.maintenanceSeconds} s`;
          log(`    filled ${fill.added} rows in ${fill.seconds} s (${formatFill(fill)})${upkeep}`);
          results.push(
            await measureSize({
              appDir,
              upstream: upstream.url,
              configDir,
              ledger,
              rows: size,
              fill,
              chat: { clients: CLIENTS, seconds: options.seconds },
              log,
            }),
          );
        }
      } finally {
        await ledger.dispose();
      }
    }
    const report: LedgerGrowthReport = {
      benchmark: 'ledger-growth',
      description:
        'The built gateway on cost ledgers of growing size (SQLite, PostgreSQL): report times and chat throughput with and without a polling dashboard',
      environment: describeEnvironment(startedAt, new Date()),
      durationSeconds: Math.round((performance.now() - clock) / 1000),
      settings: {
        sizes: options.sizes,
        chatSeconds: options.seconds,
        clients: CLIENTS,
        postgresFill: options.postgresFill,
      },
      cliStartup,
      skipped,
      results,
      targets: checkTargets(results),
      pass: false,
    };
    report.pass = report.targets.every((target) => target.pass);
    await writeLedgerReport(report, join(paths(appDir).root, 'bench/results'), options.quick, log);
  } finally {
    await upstream?.stop();
    await rm(configDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `ledger growth failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
});
