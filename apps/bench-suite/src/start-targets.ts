import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { type Child, startChild } from './processes.js';

/** Where things live, from this app's folder. */
export const paths = (appDir: string) => ({
  app: appDir,
  root: resolve(appDir, '../..'),
  gatewayCli: resolve(appDir, '../gateway/dist/cli.js'),
  portkey: join(appDir, 'node_modules/@portkey-ai/gateway/build/start-server.js'),
});

const READY = /READY (http:\/\/\S+)/;
const TSX = ['--import', 'tsx'];

/** The simulated OpenAI upstream, zero latency, in its own process. */
export function startUpstream(appDir: string): Promise<Child> {
  return startChild('upstream', process.execPath, [...TSX, 'src/children/upstream.ts'], {
    cwd: appDir,
    ready: READY,
  });
}

/** The bare undici proxy (the floor). */
export function startBareProxy(appDir: string, upstream: string): Promise<Child> {
  return startChild(
    'bare proxy',
    process.execPath,
    [...TSX, 'src/children/bare-proxy.ts', upstream],
    {
      cwd: appDir,
      ready: READY,
    },
  );
}

/** The suite's gateway config: one provider on the upstream, no health checks. */
export function benchGatewayConfig(upstream: string) {
  return {
    providers: [
      {
        id: 'sim',
        type: 'openai',
        baseURL: `${upstream}/v1`,
        apiKey: 'sk-bench-upstream',
        connections: 128,
      },
    ],
    models: [{ name: 'gpt-4o-mini', targets: ['sim/gpt-4o-mini'] }],
    health: { intervalMs: 0 },
  };
}

/**
 * The Loom gateway as users run it: the built CLI, `loom serve --config`, in its own process,
 * with `benchGatewayConfig` (nothing else on the hot path).
 */
export async function startLoomGateway(
  appDir: string,
  upstream: string,
  configDir: string,
  nodeArgs: string[] = [],
) {
  const { gatewayCli } = paths(appDir);
  if (!existsSync(gatewayCli)) {
    throw new Error(`${gatewayCli} is missing: build the gateway first (pnpm turbo run build)`);
  }
  const config = benchGatewayConfig(upstream);
  const file = join(configDir, 'loom-bench.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  const args = [...nodeArgs, gatewayCli, 'serve', '--config', file, '--port', '0'];
  // Run it in the temporary folder: anything it writes by default (a SQLite ledger) goes there.
  return startChild('loom gateway', process.execPath, args, {
    cwd: configDir,
    ready: /listening on (http:\/\/\S+)/,
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** Portkey's open-source gateway 1.15.2 (the peer), headless, on a free port. */
export async function startPortkey(appDir: string): Promise<Child> {
  const port = await freePort();
  const child = await startChild(
    'portkey',
    process.execPath,
    [paths(appDir).portkey, '--headless', `--port=${port}`],
    {
      cwd: appDir,
      ready: /(http:\/\/localhost:\d+)/,
      timeoutMs: 30_000,
    },
  );
  return { ...child, url: `http://127.0.0.1:${port}` };
}

/** Headers that make Portkey route to the simulated upstream as an OpenAI provider. */
export function portkeyHeaders(upstream: string): Record<string, string> {
  return { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` };
}
