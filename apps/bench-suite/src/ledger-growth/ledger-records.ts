import type { CostRecord } from '@loom/cost';

// One generator, written twice: in TypeScript for `append`, and as SQL for PostgreSQL's bulk
// path. Both must give the same row for the same index, so every formula below stays in integer
// arithmetic that JavaScript doubles and PostgreSQL bigints compute alike.

/** Records per session; consecutive records share one, and its start time. */
export const SESSION_RECORDS = 10;
/** History the records spread over, seconds (a minute short of 30 days: none lands after `now`). */
export const HISTORY_SECONDS = 30 * 86_400 - 60;
const USERS = 200;
const TEAMS = 5;
const PROVIDERS = ['openai', 'groq', 'anthropic'] as const;
// Model `i % 6` belongs to provider `i % 3`.
const MODELS = [
  'gpt-4o-mini',
  'llama-3.1-8b-instant',
  'claude-3-5-haiku',
  'gpt-4o',
  'llama-3.3-70b-versatile',
  'claude-sonnet-4',
] as const;
// Knuth's multiplicative hash: session starts are a low-discrepancy sequence, so any prefix of
// the ledger (each size grown from the last) already covers the 30 days evenly.
const GOLDEN = 2_654_435_761;

/** Seconds into the history at which `session` starts. */
function sessionOffsetSeconds(session: number): number {
  const hash = Math.imul(session, GOLDEN) >>> 0;
  // The top 24 bits times the span stays below 2^53: exact as a double.
  return Math.floor((Math.floor(hash / 256) * HISTORY_SECONDS) / 16_777_216);
}

/** The `index`-th record of a ledger whose history ends at `now` (epoch ms, whole second). */
export function ledgerRecord(index: number, now: number): CostRecord {
  const session = Math.floor(index / SESSION_RECORDS);
  const offsetMs =
    sessionOffsetSeconds(session) * 1000 + (index % SESSION_RECORDS) * 4000 + ((index * 7) % 1000);
  return {
    id: `r${index}`,
    time: now - HISTORY_SECONDS * 1000 + offsetMs - 40_000,
    requestId: `q${index}`,
    attempt: 1,
    provider: PROVIDERS[index % 3] as string,
    model: MODELS[index % 6] as string,
    inputTokens: 100 + (index % 900),
    outputTokens: 50 + (index % 400),
    cachedInputTokens: index % 50,
    reasoningTokens: 0,
    costMicros: 45 + (index % 1000),
    estimated: index % 17 === 0,
    unpriced: index % 101 === 0,
    type: 'chat',
    sessionId: `session-${session}`,
    user: `user-${session % USERS}`,
    tags: { team: `team-${session % TEAMS}` },
  };
}

/** Records `[from, to)`. */
export function ledgerRecords(from: number, to: number, now: number): CostRecord[] {
  const records: CostRecord[] = [];
  for (let index = from; index < to; index += 1) records.push(ledgerRecord(index, now));
  return records;
}

const list = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

/**
 * `ledgerRecord` as one PostgreSQL `INSERT ... SELECT` over `generate_series($1, $2 - 1)`, `$3`
 * being `now`, into `records` (a schema-qualified table), oldest first as `appendRange` writes.
 */
export function bulkInsertSql(records: string): string {
  const session = `(i / ${SESSION_RECORDS})`;
  const hash = `((${session} * ${GOLDEN}) % 4294967296)`;
  const offsetSeconds = `((${hash} / 256) * ${HISTORY_SECONDS} / 16777216)`;
  const offsetMs = `(${offsetSeconds} * 1000 + (i % ${SESSION_RECORDS}) * 4000 + (i * 7) % 1000)`;
  const flag = (modulus: number) => `CASE WHEN i % ${modulus} = 0 THEN 1 ELSE 0 END`;
  return `INSERT INTO ${records} (id, time, request_id, attempt, provider, model, input_tokens,
  output_tokens, cached_input_tokens, reasoning_tokens, cost_micros, estimated, unpriced, type,
  session_id, user_id, tags, metadata)
SELECT 'r' || i, $3::bigint - ${HISTORY_SECONDS * 1000} + ${offsetMs} - 40000, 'q' || i, 1,
  (${list(PROVIDERS)})[i % 3 + 1], (${list(MODELS)})[i % 6 + 1], 100 + i % 900, 50 + i % 400,
  i % 50, 0, 45 + i % 1000, ${flag(17)}, ${flag(101)}, 'chat', 'session-' || ${session},
  'user-' || ${session} % ${USERS}, jsonb_build_object('team', 'team-' || ${session} % ${TEAMS}),
  NULL
FROM generate_series($1::bigint, $2::bigint - 1) AS i
ORDER BY 2`;
}
