import { dirname, isAbsolute, resolve } from 'node:path';
import {
  type LedgerStore,
  MemoryLedger,
  openPostgresLedger,
  openSqliteLedger,
  withLedgerJournal,
} from '@loom/cost';
import { ConfigFileError } from '../config/config-error.js';

/** Where a `storage.ledger` URL points. */
export type LedgerLocation =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; schema?: string };

/**
 * Reads a `storage.ledger` value. A relative SQLite path is resolved against the config file's
 * folder, so `loom serve` and `loom costs` find the same database from any working directory.
 */
export function ledgerLocation(url: string, configFile: string): LedgerLocation {
  if (url === 'memory') return { kind: 'memory' };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // `?schema=` picks the ledger's schema; the driver would not know the parameter.
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    return {
      kind: 'postgres',
      connectionString: parsed.toString(),
      ...(schema ? { schema } : {}),
    };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    if (path === '') throw badLedger(url, configFile);
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(dirname(configFile), path) };
  }
  throw badLedger(url, configFile);
}

function badLedger(url: string, configFile: string): ConfigFileError {
  return new ConfigFileError(configFile, [
    {
      path: 'storage.ledger',
      message: `expected memory, sqlite://<path> or postgres://..., got "${url.split('@').pop()}"`,
    },
  ]);
}

/** How `openLedger` opens a store. */
export interface OpenLedgerOptions {
  /**
   * Front a SQLite file with a journal (`ledgerWrites: request`): a request's row is durable once
   * appended to it, one `write`, instead of after its own SQLite commit.
   */
  journal?: boolean;
  /**
   * The ledger's errors: the journal's (a failed copy into SQLite, retried; a damaged journal kept
   * aside) and PostgreSQL's (unreachable, once per outage; a row it refused; rows lost at close).
   */
  onError?: (error: unknown) => void;
}

/** Opens the ledger store a location names; the caller closes it. */
export async function openLedger(
  location: LedgerLocation,
  options: OpenLedgerOptions = {},
): Promise<LedgerStore> {
  switch (location.kind) {
    case 'memory':
      return new MemoryLedger();
    case 'sqlite': {
      const store = await openSqliteLedger({ path: location.path });
      if (!options.journal) return store;
      try {
        return await withLedgerJournal(store, {
          databasePath: location.path,
          ...(options.onError ? { onError: options.onError } : {}),
        });
      } catch (error) {
        await store.close();
        throw error;
      }
    }
    case 'postgres':
      return openPostgresLedger({
        connectionString: location.connectionString,
        ...(location.schema ? { schema: location.schema } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      });
  }
}

/**
 * A view of a ledger whose `close()` does nothing: each kernel generation's cost plugin closes
 * its ledger on stop, but the store itself must outlive reloads and is closed once, at shutdown.
 */
export function unclosable(store: LedgerStore): LedgerStore {
  const view: LedgerStore = {
    append: (records) => store.append(records),
    query: (query) => store.query(query),
    close: async () => {},
  };
  // Only when the store has it: its absence is what tells the cost plugin to wait for writes.
  if (store.appendSync) view.appendSync = store.appendSync.bind(store);
  if (store.health) view.health = store.health.bind(store);
  return view;
}
