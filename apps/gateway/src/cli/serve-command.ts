import { clientScopedBudgetWarnings } from '../config/budget-warnings.js';
import { ConfigFileError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { dashboardRoutes } from '../dashboard/dashboard-routes.js';
import { startLoom } from '../runtime/start-loom.js';

/** Flags of `loom serve`. */
export interface ServeFlags {
  config: string;
  port?: number;
  host?: string;
  /** Reload when the config file changes; default true. */
  watch?: boolean;
}

/** The ledger `loom serve` uses when the config names none: SQLite next to the config file. */
export const SERVE_DEFAULT_LEDGER = 'sqlite://./loom.db';

/**
 * `loadConfig`, with the way out for someone starting without a config: the default file
 * missing on a first run means `loom init` has not been run yet.
 */
async function loadServedConfig(file: string) {
  try {
    return await loadConfig(file);
  } catch (error) {
    const missing =
      error instanceof ConfigFileError &&
      error.issues.length === 1 &&
      error.issues[0]?.path === '' &&
      error.issues[0]?.message === 'file not found';
    if (!missing) throw error;
    const init = file === 'loom.yaml' ? 'loom init' : `loom init --config ${file}`;
    throw new ConfigFileError(error.file, [
      { path: '', message: `file not found; run \`${init}\` to write one` },
    ]);
  }
}

/**
 * Keeps serving when the gateway's own output loses its reader (a closed pipe, a log collector
 * that went away): a failed write to stdout or stderr is an 'error' event on it, and an 'error'
 * nobody listens to ends the process. The lines are lost either way; the requests need not be.
 */
function outliveLostOutput(): void {
  for (const output of [process.stdout, process.stderr]) output.on('error', () => {});
}

/**
 * Loads the config and starts Loom (kernel, cost and monitor plugins, gateway, JSON API,
 * `/metrics`, dashboard). SIGHUP and edits of the config file reload it (an invalid new config
 * is reported and the running one kept); SIGINT / SIGTERM stop accepting, drain in-flight
 * requests and streams, flush the ledger and exit 0.
 */
export async function serveCommand(flags: ServeFlags): Promise<void> {
  outliveLostOutput();
  const config = await loadServedConfig(flags.config);
  const loom = await startLoom(config, {
    file: flags.config,
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    defaultLedger: SERVE_DEFAULT_LEDGER,
    routes: dashboardRoutes(),
    watch: flags.watch !== false,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: draining in-flight requests...\n`);
    await loom.close();
    process.stdout.write('loom gateway stopped\n');
    process.exit(0);
  };
  // Handlers before the announcement: whoever reads it may signal at once, and a signal with no
  // handler yet would kill the process without draining or flushing.
  process.on('SIGHUP', () => void loom.reloadFromFile());
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdout.write(`loom gateway listening on ${loom.url} (dashboard at ${loom.url}/)\n`);
  // On stderr: stdout carries the JSON access log.
  for (const line of clientScopedBudgetWarnings(config)) process.stderr.write(`warning: ${line}\n`);
}
