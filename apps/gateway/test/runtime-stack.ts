import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedUpstream, startOllamaServer, startOpenAIServer } from '@loom/testkit';
import OpenAI from 'openai';
import { loadConfig } from '../src/config/load-config.js';
import { type RunningLoom, type StartLoomOptions, startLoom } from '../src/runtime/start-loom.js';

/** A Loom started from a config file in a temp folder, in front of simulated upstreams. */
export interface RuntimeStack {
  loom: RunningLoom;
  client: OpenAI;
  primary: SimulatedUpstream;
  backup: SimulatedUpstream;
  local: SimulatedUpstream;
  directory: string;
  file: string;
  /** Messages the runtime logged. */
  logged: string[];
  /** The config as written (plain object), for edits. */
  raw: Record<string, unknown>;
  /** Writes a new config file (object, or raw text). */
  write(config: Record<string, unknown> | string): Promise<void>;
  /** A GET on the gateway; `body` is the parsed JSON (undefined when not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read many JSON shapes; each asserts its own.
  get(path: string): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  close(): Promise<void>;
}

/** Starts two OpenAI-wire upstreams and Ollama, writes `loom.json` and starts Loom from it. */
export async function startRuntimeStack(
  extra: Record<string, unknown> = {},
  options: Partial<StartLoomOptions> = {},
): Promise<RuntimeStack> {
  const [primary, backup, local] = await Promise.all([
    startOpenAIServer(),
    startOpenAIServer(),
    startOllamaServer(),
  ]);
  const directory = await mkdtemp(join(tmpdir(), 'loom-runtime-'));
  const file = join(directory, 'loom.json');
  const raw: Record<string, unknown> = {
    providers: [
      { id: 'primary', type: 'openai', baseURL: primary.baseURL },
      { id: 'backup', type: 'openai', baseURL: backup.baseURL },
      { id: 'local', type: 'ollama', baseURL: local.baseURL },
    ],
    models: [
      { name: 'chat', targets: ['primary/gpt-4o-mini', 'backup/gpt-4o-mini'] },
      { name: 'embed', targets: ['primary/text-embedding-3-small'] },
    ],
    routing: { strategy: 'priority', retries: 2, initialBackoffMs: 1 },
    health: { intervalMs: 0 },
    monitor: { systemIntervalMs: 60_000 },
    storage: { ledger: 'sqlite://./ledger.db' },
    ...extra,
  };
  const write = async (config: Record<string, unknown> | string) =>
    writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  await write(raw);
  const logged: string[] = [];
  const loom = await startLoom(await loadConfig(file), {
    file,
    port: 0,
    // Access lines would flood the test output; the logging tests capture their own.
    gatewayOptions: { drainTimeoutMs: 2_000, logger: undefined },
    log: {
      info: (message) => logged.push(message),
      warn: (message) => logged.push(message),
      error: (message) => logged.push(message),
    },
    ...options,
  });
  const client = new OpenAI({ baseURL: `${loom.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  return {
    loom,
    client,
    primary,
    backup,
    local,
    directory,
    file,
    logged,
    raw,
    write,
    async get(path) {
      const response = await fetch(`${loom.url}${path}`);
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body, headers: response.headers, text };
    },
    async close() {
      await loom.close();
      await Promise.all([primary.close(), backup.close(), local.close()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it is true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
