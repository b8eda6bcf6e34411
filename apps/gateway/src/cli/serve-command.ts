import { basename } from 'node:path';
import { buildKernel } from '../config/build-kernel.js';
import { loadConfig } from '../config/load-config.js';
import { createGateway } from '../server/create-gateway.js';
import { gatewayServerOptions } from '../server/server-options.js';

/** Flags of `loom serve`. */
export interface ServeFlags {
  config: string;
  port?: number;
  host?: string;
}

/**
 * Loads the config, starts the kernel and the gateway, prints the URL, and on SIGINT / SIGTERM
 * stops accepting, drains in-flight requests and streams, then stops the kernel.
 */
export async function serveCommand(flags: ServeFlags): Promise<void> {
  const config = await loadConfig(flags.config);
  const kernel = buildKernel(config, basename(flags.config));
  await kernel.start();
  const gateway = createGateway({ kernel, ...gatewayServerOptions(config.server) });
  const port = flags.port ?? config.server?.port ?? 4000;
  const running = await gateway.listen(port, flags.host ?? config.server?.host ?? '127.0.0.1');
  process.stdout.write(`loom gateway listening on ${running.url}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: draining in-flight requests...\n`);
    await running.close();
    await kernel.stop();
    process.stdout.write('loom gateway stopped\n');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
