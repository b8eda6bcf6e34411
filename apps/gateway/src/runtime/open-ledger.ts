import { dirname, isAbsolute, resolve } from 'node:path';
import { type LedgerStore, MemoryLedger, openPostgresLedger, openSqliteLedger } from '@loom/cost';
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

/** Opens the ledger store a location names; the caller closes it. */
export async function openLedger(location: LedgerLocation): Promise<LedgerStore> {
  switch (location.kind) {
    case 'memory':
      return new MemoryLedger();
    case 'sqlite':
      return openSqliteLedger({ path: location.path });
    case 'postgres':
      return openPostgresLedger({
        connectionString: location.connectionString,
        ...(location.schema ? { schema: location.schema } : {}),
      });
  }
}

/**
 * A view of a ledger whose `close()` does nothing: each kernel generation's cost plugin closes
 * its ledger on stop, but the store itself must outlive reloads and is closed once, at shutdown.
 */
export function unclosable(store: LedgerStore): LedgerStore {
  return {
    append: (records) => store.append(records),
    query: (query) => store.query(query),
    close: async () => {},
  };
}
