import { dirname, isAbsolute, join, parse, resolve } from 'node:path';
import { type MetricStore, openSqlitePersistence } from '@loom/monitor';
import type { LoomConfig } from '../config/config-schema.js';
import type { LedgerLocation } from './open-ledger.js';

/**
 * The file the metric history (1 min and 1 h slots) is kept in: `monitor.persistence`, relative to
 * the config file; by default beside a SQLite ledger (`loom.db` -> `loom-metrics.db`); none with a
 * memory or PostgreSQL ledger unless configured, or with `monitor.persistence: false`.
 */
export function metricFileOf(
  config: LoomConfig,
  file: string,
  ledger: LedgerLocation,
): string | undefined {
  const configured = config.monitor?.persistence;
  if (configured === false || config.monitor?.enabled === false) return undefined;
  if (configured !== undefined)
    return isAbsolute(configured) ? configured : resolve(dirname(resolve(file)), configured);
  if (ledger.kind !== 'sqlite' || ledger.path === ':memory:') return undefined;
  const { dir, name } = parse(ledger.path);
  return join(dir, `${name}-metrics.db`);
}

/** A metric store kept on disk: what was there is loaded, changes are written every minute. */
export interface PersistedMetrics {
  path: string;
  /** Writes what changed since the last flush. */
  flush(): void;
  /** Flushes and closes the file. */
  close(): void;
}

const FLUSH_INTERVAL_MS = 60_000;

/**
 * Loads the history kept at `path` into `store`, then writes the store's changes there every
 * minute and when closed, so `loom report` can read a period after the gateway stopped.
 */
export async function persistMetrics(
  store: MetricStore,
  path: string,
  onError: (error: unknown) => void,
): Promise<PersistedMetrics> {
  const persistence = await openSqlitePersistence({ path });
  persistence.load(store, Date.now());
  const flush = () => {
    try {
      persistence.flush(store, Date.now());
    } catch (error) {
      onError(error);
    }
  };
  const timer = setInterval(flush, FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    path,
    flush,
    close() {
      clearInterval(timer);
      flush();
      persistence.close();
    },
  };
}
