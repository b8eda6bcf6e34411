import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqliteLedger } from '@loom/cost';
import {
  appendRange,
  type BenchLedger,
  type FillReport,
  rateOf,
  secondsSince,
  throttled,
} from './bench-ledger.js';

/**
 * A SQLite ledger file in `directory`, filled only through `openSqliteLedger().append` (rows and
 * rollups in one transaction per batch, as the gateway writes them). The store is closed between
 * sizes so the gateway is the only process holding the file while it is measured.
 */
export function sqliteBenchLedger(
  directory: string,
  now: number,
  log: (line: string) => void,
): BenchLedger {
  const path = join(directory, 'ledger.db');
  let rows = 0;
  return {
    store: 'sqlite',
    url: `sqlite://${path}`,
    async grow(size): Promise<FillReport> {
      const from = rows;
      const started = performance.now();
      const ledger = await openSqliteLedger({ path });
      const every = throttled(log);
      try {
        rows = await appendRange(ledger, { from, to: size, now }, (stored) => {
          every(
            () => `    sqlite: ${stored} rows, ${rateOf(stored - from, secondsSince(started))}/s`,
          );
          return true;
        });
      } finally {
        await ledger.close();
      }
      const seconds = secondsSince(started);
      const added = rows - from;
      return {
        added,
        appendRows: added,
        bulkRows: 0,
        seconds,
        rowsPerSecond: rateOf(added, seconds),
        ...(added > 0 ? { appendRowsPerSecond: rateOf(added, seconds) } : {}),
      };
    },
    async dispose() {
      // The gateway's journals and the metric history sit beside the file.
      await rm(directory, { recursive: true, force: true });
    },
  };
}
