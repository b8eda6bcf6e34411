import { createServer } from 'node:net';
import { parseDurationFlag } from '@loom/bench/duration';
import type { OutageTimeline } from '../demo/outage-script.js';
import type { RunningDemo } from '../demo/start-demo.js';
import { GATEWAY_FOLDER, missingPackages } from '../plugins/resolve-package.js';

/** Flags of `loom demo`. */
export interface DemoFlags {
  /** Gateway port; without it 4000, or a free port when 4000 is taken. */
  port?: number;
  /** False with `--no-traffic`. */
  traffic: boolean;
  /**
   * How long to run before stopping on its own, as typed: `90s`, `1500ms`, `2m`; a bare number is
   * seconds.
   */
  duration?: string;
  /** Folder for the SQLite ledger (kept). */
  data?: string;
}

/** Help text of each flag, shown by `loom demo --help`. */
export const DEMO_FLAG_HELP = {
  port: 'Port for the gateway and dashboard (default 4000, or a free one when 4000 is taken)',
  noTraffic: 'Do not start the traffic generator (send your own requests to the gateway)',
  duration:
    'Stop by itself after this long (for scripts and CI): 90s, 1500ms, 2m, a bare number is seconds; default: until Ctrl-C',
  data: 'Keep the SQLite cost ledger in this folder (default: a temp folder, removed at exit)',
} as const;

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Checks the flags (cac hands over whatever was typed); the `--duration` in ms, if given. */
function validate(flags: DemoFlags): number | undefined {
  if (
    flags.port !== undefined &&
    !(Number.isInteger(flags.port) && flags.port >= 0 && flags.port <= 65_535)
  )
    throw new Error(`--port must be an integer from 0 to 65535, got ${String(flags.port)}`);
  return flags.duration === undefined ? undefined : parseDurationFlag('duration', flags.duration);
}

function banner(
  demo: RunningDemo,
  flags: DemoFlags,
  stopAfterMs: number | undefined,
  outage: OutageTimeline,
): string {
  const outageAt = Math.round(outage.startMs / 1000);
  const outageFor = Math.round(outage.durationMs / 1000);
  return [
    '',
    `  Loom demo: dashboard at ${demo.dashboardURL}`,
    `  OpenAI-compatible API at ${demo.url}/v1 (models: chat, chat-private; any API key)`,
    '  Upstreams (simulated): openai (hosted, priced per token), gpu (vLLM, $2.50/h), local (Ollama, free)',
    flags.traffic
      ? '  Traffic: ~3 requests/s from 4 users, half of them streamed'
      : '  Traffic: none (--no-traffic); try: curl ' +
        `${demo.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"chat","messages":[{"role":"user","content":"hi"}]}'`,
    `  Script: the openai upstream fails from ${outageAt} s to ${outageAt + outageFor} s; watch the failover and the alert`,
    `  Ledger: ${demo.dataDir}`,
    stopAfterMs ? `  Stops after ${stopAfterMs / 1000} s.` : '  Ctrl-C stops.',
    '',
  ].join('\n');
}

const DEMO_PROVIDERS = ['@loom/provider-openai', '@loom/provider-vllm', '@loom/provider-ollama'];

/**
 * `loom demo`: runs the demo until Ctrl-C (or `--duration`), printing the dashboard URL and what
 * happens. Stopping drains requests, flushes the ledger and stops the upstreams before exiting.
 */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const stopAfterMs = validate(flags);
  // The demo's simulated upstreams are reached through the real providers, optional peers of the
  // gateway: say which to install before anything starts.
  const missing = missingPackages(DEMO_PROVIDERS, [GATEWAY_FOLDER, process.cwd()]);
  if (missing.length > 0)
    throw new Error(
      `the demo routes through Loom's providers; install them: npm install ${missing.join(' ')}`,
    );
  const host = '127.0.0.1';
  const port = flags.port ?? ((await portIsFree(4000, host)) ? 4000 : 0);
  // The demo pulls in the simulated upstreams: load them only when the demo runs.
  const [{ startDemo }, { DEFAULT_OUTAGE }] = await Promise.all([
    import('../demo/start-demo.js'),
    import('../demo/outage-script.js'),
  ]);
  const demo = await startDemo({
    port,
    host,
    traffic: flags.traffic,
    ...(flags.data === undefined ? {} : { dataDir: flags.data }),
  });

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    const counts = demo.narrator.counts();
    process.stdout.write(`\n${why}: stopping (draining requests, flushing the ledger)...\n`);
    await demo.close();
    const spent = (counts.costMicros / 1e6).toFixed(6);
    process.stdout.write(
      `Demo stopped: ${counts.requests} requests, ${counts.failovers} failovers, ` +
        `${counts.alertsFired} alerts, $${spent} spent.\n`,
    );
    process.exit(0);
  };
  const timer = stopAfterMs
    ? setTimeout(() => void stop(`${stopAfterMs / 1000} s elapsed`), stopAfterMs)
    : undefined;
  // Handlers before the banner: whoever reads it may signal at once (see serve).
  process.once('SIGINT', () => void stop('Ctrl-C'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdout.write(`${banner(demo, flags, stopAfterMs, DEFAULT_OUTAGE)}\n`);
}
