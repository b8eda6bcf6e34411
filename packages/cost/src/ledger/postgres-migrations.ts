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
];
