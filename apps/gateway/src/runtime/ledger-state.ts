import type { Metric } from '@loom/core';
import type { LedgerConnectionState, LedgerHealth, LedgerStore } from '@loom/cost';
import type { DependencyStatus } from '../server/readiness.js';
import type { MonitorState } from './monitor-generation.js';

/** `loom.ledger.connected` (`loom_ledger_connected`): 1 while the ledger's server answers, else 0. */
export const LEDGER_CONNECTED = 'loom.ledger.connected';
/** `loom.ledger.queued_rows`: cost rows held in memory until the ledger's server takes them. */
export const LEDGER_QUEUED_ROWS = 'loom.ledger.queued_rows';

/** A ledger store with a server (PostgreSQL): it reports its state and what waits for it. */
export interface ServedLedger {
  health(): LedgerHealth;
  onStateChange?(listener: (state: LedgerConnectionState) => void): () => void;
}

/** The store as a `ServedLedger` when it has a server to report on; SQLite and memory have none. */
export function servedLedger(store: LedgerStore): ServedLedger | undefined {
  if (!store.health) return undefined;
  const served: ServedLedger = { health: store.health.bind(store) };
  const withEvents = store as LedgerStore & Partial<Pick<ServedLedger, 'onStateChange'>>;
  if (typeof withEvents.onStateChange === 'function')
    served.onStateChange = withEvents.onStateChange.bind(store);
  return served;
}

/**
 * The ledger as `/readyz` shows it. Never required: while its server is away, rows queue in
 * memory and requests are still answered, so the node stays in rotation.
 */
export function ledgerDependency(ledger: ServedLedger): DependencyStatus {
  const health = ledger.health();
  return { name: 'ledger', state: health.state, required: false, queuedRows: health.queuedRows };
}

// While rows wait, the queue changes quickly; when nothing changes, a point every 10 s keeps the
// series alive for absence rules.
const CHECK_MS = 1_000;
const REFRESH_MS = 10_000;

/**
 * Keeps `loom.ledger.connected` and `loom.ledger.queued_rows` in the metric store and on
 * `/metrics`, and logs when the ledger's server is back. Returns the function that stops it.
 */
export function reportLedgerState(
  ledger: ServedLedger,
  monitor: MonitorState | undefined,
  log: { info(message: string): void },
): () => void {
  let last: LedgerHealth | undefined;
  let recordedAt = 0;
  const record = (force: boolean) => {
    const health = ledger.health();
    const now = Date.now();
    const changed = health.state !== last?.state || health.queuedRows !== last.queuedRows;
    if (!force && !changed && now - recordedAt < REFRESH_MS) return;
    last = health;
    recordedAt = now;
    if (!monitor) return;
    const metrics = gauges(health, now);
    monitor.store.recordAll(metrics);
    monitor.prometheus.recordAll(metrics);
  };
  record(true);
  const unsubscribe = ledger.onStateChange?.((state) => {
    const waiting = ledger.health().queuedRows;
    if (state === 'ready')
      log.info(`cost ledger: connected; storing the ${waiting} cost row(s) queued meanwhile`);
    record(true);
  });
  const timer = setInterval(() => record(false), CHECK_MS);
  timer.unref();
  return () => {
    unsubscribe?.();
    clearInterval(timer);
  };
}

function gauges(health: LedgerHealth, timestamp: number): Metric[] {
  return [
    {
      name: LEDGER_CONNECTED,
      kind: 'gauge',
      value: health.state === 'ready' ? 1 : 0,
      unit: '{connection}',
      timestamp,
    },
    {
      name: LEDGER_QUEUED_ROWS,
      kind: 'gauge',
      value: health.queuedRows,
      unit: '{row}',
      timestamp,
    },
  ];
}
