import type { Database } from 'better-sqlite3';
import type { MetricStore } from '../store/metric-store.js';
import type { SeriesInfo } from '../store/query-types.js';
import type { StoredSlot } from '../store/slot.js';
import { loadOptional } from './load-optional.js';

/** Options of `openSqlitePersistence`. */
export interface SqlitePersistenceOptions {
  /** Database file (created if missing), or `:memory:`. */
  path: string;
  /** 1 min slots kept on disk; default 1 440 (24 h). */
  minuteSlots?: number;
  /** 1 h slots kept on disk; default 168 (7 days). */
  hourSlots?: number;
}

const RESOLUTION_MS = { '1m': 60_000, '1h': 3_600_000 } as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS loom_metric_series (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  unit TEXT,
  attributes TEXT
);
CREATE TABLE IF NOT EXISTS loom_metric_slots (
  series_id INTEGER NOT NULL REFERENCES loom_metric_series(id),
  resolution TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  count REAL NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  sketch BLOB,
  PRIMARY KEY (series_id, resolution, epoch)
) WITHOUT ROWID;
`;

interface SlotRow {
  name: string;
  kind: SeriesInfo['kind'];
  unit: string | null;
  attributes: string | null;
  resolution: '1m' | '1h';
  epoch: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: Buffer | null;
}

/**
 * Keeps a metric store's 1 min and 1 h slots (aggregates and encoded sketches) in a SQLite file so
 * history survives a restart. `flush` writes only slots changed since the previous flush and
 * deletes rows past retention; `load` merges what is on disk into a store.
 */
export class SqlitePersistence {
  private readonly seriesIds = new Map<string, number>();

  constructor(
    private readonly database: Database,
    private readonly retention: { '1m': number; '1h': number },
  ) {
    database.pragma('journal_mode = WAL');
    database.exec(SCHEMA);
  }

  /** Merges every stored slot still inside retention at `now` into `store`; returns slots read. */
  load(store: MetricStore, now: number): number {
    const rows = this.database
      .prepare(
        `SELECT s.name, s.kind, s.unit, s.attributes, x.resolution, x.epoch, x.count, x.sum, x.min,
                x.max, x.sketch
           FROM loom_metric_slots x JOIN loom_metric_series s ON s.id = x.series_id
          WHERE (x.resolution = '1m' AND x.epoch >= ?) OR (x.resolution = '1h' AND x.epoch >= ?)
          ORDER BY x.series_id, x.resolution, x.epoch`,
      )
      .all(this.horizon('1m', now), this.horizon('1h', now)) as SlotRow[];
    for (const row of rows) {
      const series: SeriesInfo = { name: row.name, kind: row.kind, lastTimestamp: 0 };
      if (row.unit !== null) series.unit = row.unit;
      if (row.attributes !== null) series.attributes = JSON.parse(row.attributes);
      series.lastTimestamp = (row.epoch + 1) * RESOLUTION_MS[row.resolution] - 1;
      const slot: StoredSlot = {
        epoch: row.epoch,
        count: row.count,
        sum: row.sum,
        min: row.min,
        max: row.max,
      };
      if (row.sketch) slot.sketch = new Uint8Array(row.sketch);
      store.restore(series, row.resolution, [slot]);
    }
    return rows.length;
  }

  /** Writes the slots changed since the last flush and drops rows past retention; returns rows written. */
  flush(store: MetricStore, now: number): number {
    const upsert = this.database.prepare(
      `INSERT INTO loom_metric_slots (series_id, resolution, epoch, count, sum, min, max, sketch)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, resolution, epoch) DO UPDATE SET
         count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
         sketch = excluded.sketch`,
    );
    let written = 0;
    this.database.transaction(() => {
      store.takeChanges((series, resolution, slots) => {
        const id = this.seriesId(series);
        for (const slot of slots) {
          const sketch = slot.sketch ? Buffer.from(slot.sketch) : null;
          upsert.run(id, resolution, slot.epoch, slot.count, slot.sum, slot.min, slot.max, sketch);
          written++;
        }
      });
      this.database
        .prepare(
          `DELETE FROM loom_metric_slots
            WHERE (resolution = '1m' AND epoch < ?) OR (resolution = '1h' AND epoch < ?)`,
        )
        .run(this.horizon('1m', now), this.horizon('1h', now));
    })();
    return written;
  }

  /** Closes the database. */
  close(): void {
    this.database.close();
  }

  private horizon(resolution: '1m' | '1h', now: number): number {
    return Math.floor(now / RESOLUTION_MS[resolution]) - this.retention[resolution] + 1;
  }

  private seriesId(series: SeriesInfo): number {
    const attributes = series.attributes ? JSON.stringify(sorted(series.attributes)) : null;
    const key = `${series.name}${attributes ?? ''}`;
    let id = this.seriesIds.get(key);
    if (id !== undefined) return id;
    this.database
      .prepare(
        `INSERT INTO loom_metric_series (name, key, kind, unit, attributes) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING`,
      )
      .run(series.name, key, series.kind, series.unit ?? null, attributes);
    id = (
      this.database.prepare('SELECT id FROM loom_metric_series WHERE key = ?').get(key) as {
        id: number;
      }
    ).id;
    this.seriesIds.set(key, id);
    return id;
  }
}

function sorted(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Opens (or creates) a SQLite metric file; loads `better-sqlite3` on first use. */
export async function openSqlitePersistence(
  options: SqlitePersistenceOptions,
): Promise<SqlitePersistence> {
  const module = await loadOptional(
    'better-sqlite3',
    'SQLite metric persistence',
    () => import('better-sqlite3'),
  );
  const Database = module.default;
  return new SqlitePersistence(new Database(options.path), {
    '1m': options.minuteSlots ?? 1_440,
    '1h': options.hourSlots ?? 168,
  });
}
