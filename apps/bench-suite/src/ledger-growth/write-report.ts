import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { consoleRows, formatRows, toLedgerMarkdown } from './ledger-summary.js';
import type { LedgerGrowthReport } from './ledger-targets.js';

/**
 * Writes ledger-growth.json and LEDGER-GROWTH.md (`-quick` variants for a run off the defaults,
 * so checking the step never overwrites the figures the README cites), prints the table and a
 * FAIL line per missed target. A missed target is a result, not an error: the exit code stays 0.
 */
export async function writeLedgerReport(
  report: LedgerGrowthReport,
  resultsDir: string,
  quick: boolean,
  log: (line: string) => void,
): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  const suffix = quick ? '-quick' : '';
  const json = `ledger-growth${suffix}.json`;
  const markdown = `LEDGER-GROWTH${suffix}.md`;
  await writeFile(join(resultsDir, json), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(resultsDir, markdown), toLedgerMarkdown(report));
  log('');
  console.table(consoleRows(report.results));
  for (const skip of report.skipped) log(`SKIPPED ${skip.store}: ${skip.reason}`);
  for (const target of report.targets) {
    if (target.pass) continue;
    const limit = `${target.kind === 'max' ? '<=' : '>='} ${target.limit} ${target.unit}`;
    log(
      `FAIL ${target.store} ${formatRows(target.rows)}: ${target.name} ${target.measured} ${target.unit} (limit ${limit})`,
    );
  }
  const passed = report.targets.filter((target) => target.pass).length;
  log(`${passed} of ${report.targets.length} target checks pass`);
  log(`written: bench/results/${json}, bench/results/${markdown}`);
}
