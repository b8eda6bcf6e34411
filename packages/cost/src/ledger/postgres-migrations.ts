import type { Pool } from 'pg';
import { rollupMigration } from './postgres-rollups.js';
import { inTransaction } from './postgres-transaction.js';

/** Versioned schema changes of the PostgreSQL ledger, applied in order, each exactly once. */
export interface Migration {
  /** Increasing version number. */
  version: number;
  /** SQL for a schema-qualified table prefix (`"loom"."cost_"`). */
  up(table: (name: string) => string): string;
}

/** Every migration so far. Append new ones; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: (table) => `
CREATE TABLE ${table('records')} (
  id TEXT PRIMARY KEY, time BIGINT NOT NULL, request_id TEXT NOT NULL, attempt INTEGER NOT NULL,
  provider TEXT NOT NULL, model TEXT NOT NULL, input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL, cached_input_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL, cost_micros BIGINT NOT NULL, estimated SMALLINT NOT NULL,
  unpriced SMALLINT NOT NULL, type TEXT NOT NULL, session_id TEXT, user_id TEXT, tags JSONB,
  metadata JSONB
);
CREATE INDEX ON ${table('records')} (time);`,
  },
  {
    // Report queries filter by time and group by one of these; budget reseeding sums one scope.
    version: 2,
    up: (table) => `
CREATE INDEX ON ${table('records')} (provider, time);
CREATE INDEX ON ${table('records')} (model, time);
CREATE INDEX ON ${table('records')} (session_id, time) WHERE session_id IS NOT NULL;
CREATE INDEX ON ${table('records')} (user_id, time) WHERE user_id IS NOT NULL;
CREATE INDEX ON ${table('records')} USING GIN (tags);`,
  },
  {
    // Hourly rollups, written by a trigger in each insert's own statement (whoever the writer),
    // and the mark below which rows are rolled up: rows older than the migration are rolled up
    // afterwards in steps (`backfillRollups`).
    version: 3,
    up: rollupMigration,
  },
];

/**
 * Applies pending migrations in one transaction, under an advisory lock that serialises
 * concurrent starts of several gateways on the same database.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  table: (name: string) => string,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table('migrations')]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table('migrations')} (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
    );
    const applied = await client.query<{ version: number }>(
      `SELECT version FROM ${table('migrations')}`,
    );
    const done = new Set(applied.rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.up(table));
      await client.query(
        `INSERT INTO ${table('migrations')} (version, applied_at) VALUES ($1, $2)`,
        [migration.version, Date.now()],
      );
    }
  });
}
