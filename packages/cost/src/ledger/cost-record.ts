import type { JSONValue } from '@loom/core';
import type { Micros } from '../money/micros.js';

/** What one attempt that consumed tokens cost. Amounts are integer micro-dollars. */
export interface CostRecord {
  /** Unique id; stores ignore a second record with the same id (replays are idempotent). */
  id: string;
  /** When the attempt ended, epoch milliseconds. */
  time: number;
  /** Kernel request id. */
  requestId: string;
  /** Attempt number within the request, from 1. */
  attempt: number;
  /** Provider id. */
  provider: string;
  /** Upstream model id. */
  model: string;
  /** Prompt tokens, cached ones included. */
  inputTokens: number;
  /** Generated tokens, reasoning included. */
  outputTokens: number;
  /** Part of the prompt served from cache. */
  cachedInputTokens: number;
  /** Part of the output spent on reasoning. */
  reasoningTokens: number;
  /** Cost, integer micro-dollars (0 when `unpriced`). */
  costMicros: Micros;
  /** Some count was estimated rather than reported by the upstream. */
  estimated: boolean;
  /** No price was known: `costMicros` is 0 because the price is missing, not because it was free. */
  unpriced: boolean;
  /** Chat (and streams) or embeddings. */
  type: 'chat' | 'embedding';
  /** Session from the request's metadata. */
  sessionId?: string;
  /** End user from the request's metadata. */
  user?: string;
  /** Tags from the request's metadata. */
  tags?: Record<string, string>;
  /** Anything else worth keeping (failed attempt's error code, ...). */
  metadata?: Record<string, JSONValue>;
}

/** What a ledger can group by; `tag` groups by each `key=value`, `tag:team` by one tag's value. */
export type LedgerGroupBy =
  | 'provider'
  | 'model'
  | 'session'
  | 'user'
  | 'tag'
  | 'day'
  | `tag:${string}`;

/** A time range and grouping to sum over. Days are UTC calendar days. */
export interface LedgerQuery {
  /** Inclusive start, epoch milliseconds; default the beginning. */
  from?: number;
  /** Exclusive end, epoch milliseconds; default forever. */
  to?: number;
  /** Grouping; default everything in one group named `total`. */
  groupBy?: LedgerGroupBy;
  /**
   * Sum the raw rows of the whole range instead of the hourly rollups (whose answer is the
   * same): slower as history grows; for checks and benchmarks.
   */
  rawScan?: boolean;
}

/** Sums of one group. */
export interface LedgerGroup {
  /** Group value (`openai`, `2026-01-31`, `team=search`); `(none)` when the field was empty. */
  key: string;
  /** Records in the group. */
  records: number;
  /** Total cost, micro-dollars. */
  costMicros: Micros;
  /** Token sums. */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** Records whose counts were estimated. */
  estimated: number;
  /** Records without a price. */
  unpriced: number;
}

/** A place cost records are kept. One small interface for memory, SQLite and PostgreSQL. */
export interface LedgerStore {
  /** Appends records; a record whose id is already stored is ignored. */
  append(records: readonly CostRecord[]): Promise<void>;
  /**
   * Offered by stores that can keep records durably (past a crash of this process) before
   * returning, such as a journal: `ledgerWrites: 'request'` then stores each row as its attempt
   * ends, and no request waits for a write. Throws when it cannot.
   */
  appendSync?(records: readonly CostRecord[]): void;
  /** Sums records in the range, by group, sorted by key. */
  query(query?: LedgerQuery): Promise<LedgerGroup[]>;
  /**
   * Offered by stores that reach a server (PostgreSQL): whether it is reachable, and the rows
   * `append` accepted that wait in memory for it. A journal in front keeps its file until they
   * are stored.
   */
  health?(): LedgerHealth;
  /**
   * Deletes raw rows older than `rawBefore` (and rollup rows older than `rollupsBefore`), in
   * bounded steps. Reports over whole hours older than `rawBefore` still read the rollups; a range
   * that cuts such an hour reads only the rows that remain of it. A replayed record older than
   * `rawBefore` is no longer known by id, and counts again.
   */
  compact?(options: LedgerCompactOptions): Promise<LedgerCompactResult>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** What `LedgerStore.compact` deletes. Edges are aligned down to an hour. */
export interface LedgerCompactOptions {
  /** Raw rows before this time, epoch ms, go (never a kept hour's rows: aligned down). */
  rawBefore: number;
  /** Rollup rows of hours before this time go; must not be after `rawBefore`. Default: none. */
  rollupsBefore?: number;
  /** Rows deleted per transaction; default 10 000. Other work runs between steps. */
  stepRows?: number;
  /** Stops between steps (a closing gateway), reporting what was deleted so far. */
  signal?: AbortSignal;
}

/** What one compaction deleted. */
export interface LedgerCompactResult {
  rawDeleted: number;
  rollupsDeleted: number;
}

/**
 * A ledger server's reachability. `connecting`: not reached since the store opened; `down`:
 * lost after it was reached. In both, writes are queued and retried.
 */
export type LedgerConnectionState = 'ready' | 'connecting' | 'down';

/** What a host reports in /readyz and /metrics about a store with a server. */
export interface LedgerHealth {
  state: LedgerConnectionState;
  /** Rows accepted by `append` and not stored yet (they wait for the server, in memory). */
  queuedRows: number;
  /** Rows the server refused as invalid data since the store opened (reported, not stored). */
  refusedRows: number;
  /** The error that took the server away, while it is not `ready`. */
  lastError?: string;
}

/** Label of records whose grouping field is empty. */
export const NO_GROUP = '(none)';
