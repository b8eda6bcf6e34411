import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Child, startChild } from '../processes.js';
import { benchGatewayConfig, paths } from '../start-targets.js';

/** A gateway serving one ledger, and the config file `loom costs` reads the same ledger by. */
export interface LedgerGateway {
  child: Child;
  configFile: string;
  /** From spawn to `listening on`, ms: opening the ledger is part of it. */
  startMs: number;
}

/** What the simulated upstream's model costs here; set, so rows are priced whatever the catalog. */
const PRICE = { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 };

/**
 * `loom serve` as `startLoomGateway` runs it (one provider on the upstream, no health checks),
 * plus `storage.ledger` and a price for the upstream's model, so every answer writes a priced row
 * into the ledger under test (`ledgerWrites` left at its default, `request`).
 */
export async function startLedgerGateway(options: {
  appDir: string;
  upstream: string;
  configDir: string;
  ledgerUrl: string;
}): Promise<LedgerGateway> {
  const { gatewayCli } = paths(options.appDir);
  if (!existsSync(gatewayCli)) {
    throw new Error(`${gatewayCli} is missing: build the gateway first (pnpm turbo run build)`);
  }
  const config = {
    ...benchGatewayConfig(options.upstream),
    pricing: { providers: { sim: { models: { 'gpt-4o-mini': PRICE } } } },
    storage: { ledger: options.ledgerUrl },
  };
  const configFile = join(options.configDir, 'loom-ledger-bench.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const started = performance.now();
  const child = await startChild(
    'loom gateway',
    process.execPath,
    [gatewayCli, 'serve', '--config', configFile, '--port', '0'],
    // A large ledger may be opened, compacted and counted at start: give it time.
    { cwd: options.configDir, ready: /listening on (http:\/\/\S+)/, timeoutMs: 300_000 },
  );
  return { child, configFile, startMs: Math.round(performance.now() - started) };
}
