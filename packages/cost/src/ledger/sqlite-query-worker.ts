import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqlValue } from './sql-rows.js';

// Plain JavaScript, run with `eval` so the same code serves the bundles and the sources under
// test. It loads better-sqlite3 by the path resolved beside @loom/cost: a bare name would be
// resolved from the working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const database = new Database(workerData.path, { readonly: true, fileMustExist: true });
const statements = new Map();
parentPort.on('message', ({ id, text, values }) => {
  try {
    let statement = statements.get(text);
    if (!statement) {
      if (statements.size >= 64) statements.clear();
      statement = database.prepare(text);
      statements.set(text, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...values) });
  } catch (error) {
    parentPort.postMessage({
      id,
      error: { name: error.name, message: error.message, code: error.code },
    });
  }
});
`;

interface Pending {
  resolve(rows: Record<string, unknown>[]): void;
  reject(error: Error): void;
}

interface Reply {
  id: number;
  rows?: Record<string, unknown>[];
  error?: { name: string; message: string; code?: string };
}

/** Where `better-sqlite3` resolves from this package, for the worker to load it by path. */
export function betterSqlitePath(): string {
  const from = typeof __filename === 'string' ? __filename : import.meta.url;
  return createRequire(from).resolve('better-sqlite3');
}

/**
 * Runs read statements on a worker thread with its own read-only connection to the ledger file,
 * so a report over many rows never blocks the event loop that serves requests. WAL lets it read
 * while the main connection writes; a query sent after an append returns sees that append.
 * The thread starts at the first query and does not keep the process alive.
 */
export class SqliteQueryWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: { path: string; modulePath: string }) {}

  /** The rows `text` selects with `values` bound to its placeholders. */
  all(text: string, values: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, text, values });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    const busy = this.pending.size > 0;
    this.failAll(new Error('The SQLite ledger was closed while a query was running'));
    if (!worker) return;
    // A thread stops only between statements: closing does not wait for a long report to end.
    if (busy) worker.unref();
    const stopped = worker.terminate();
    if (!busy) await stopped;
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.options });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(worker, reply));
    worker.on('error', (error) => this.stopped(worker, error));
    worker.on('exit', (code) =>
      this.stopped(worker, new Error(`The SQLite query thread exited with code ${code}`)),
    );
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    // Idle, the thread must not keep the process alive; busy, it must (a CLI awaits its report).
    if (this.pending.size === 0) worker.unref();
    if (reply.error) {
      const error = Object.assign(new Error(reply.error.message), {
        name: reply.error.name,
        code: reply.error.code,
      });
      pending.reject(error);
    } else {
      pending.resolve(reply.rows ?? []);
    }
  }

  private stopped(worker: Worker, error: Error): void {
    // The next query starts a new thread.
    if (this.worker === worker) this.worker = undefined;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) entry.reject(error);
  }
}
