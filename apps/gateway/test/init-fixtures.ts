import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { type InitFlags, type InitOptions, initCommand } from '../src/cli/init-command.js';

// Nothing listens on port 9 of loopback: connection refused at once.
export const NOWHERE = 'http://127.0.0.1:9';
export const NOTHING_RUNS = {
  ollama: NOWHERE,
  lmstudio: NOWHERE,
  vllm: NOWHERE,
  llamacpp: NOWHERE,
};
export const silent = { info() {}, warn() {}, error() {} };
/** What the config holds instead of the key: a reference resolved at start. */
export const KEY_REFERENCE = `\${OPENAI_API_KEY}`;

const run = promisify(execFile);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
// Resolved here so that the CLI can run in a folder of its own, away from the workspace.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `loom ...` from source in `cwd`, with no terminal; resolves with the exit code and output. */
export async function loom(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=@loom/source', '--import', tsx, cli, ...args],
      { cwd, env: { ...process.env, CI: 'true' }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A stream that keeps what is written to it. */
export function recorder() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * A temporary folder for the `describe` it is called in, fresh config paths inside it, and
 * `init`: init without a terminal, nothing running and no `OPENAI_API_KEY` unless told.
 */
export function useInitFolder() {
  let directory = '';
  let count = 0;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'loom-init-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function freshFile(extension = 'yaml'): string {
    count += 1;
    return join(directory, `case-${count}`, `loom.${extension}`);
  }

  /** Runs init; resolves with the outcome, the report and the file's text. */
  async function init(flags: Partial<InitFlags>, options: InitOptions = {}) {
    const output = recorder();
    const config = flags.config ?? freshFile();
    const outcome = await initCommand(
      { yes: true, ...flags, config },
      { origins: NOTHING_RUNS, environment: {}, output: output.stream, ...options },
    );
    const text = (await exists(config)) ? await readFile(config, 'utf8') : '';
    return { outcome, report: output.text(), config, text };
  }

  return { directory: () => directory, freshFile, init };
}

/** An HTTP server on a free port of loopback. */
export async function listening(handler: RequestListener) {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${port}`, port, close };
}

/**
 * llama.cpp's server as `loom init` sees it (tools/server/server.cpp): `/health` answers
 * `{"status":"ok"}` and stays open under `--api-key`; `/v1/models` lists its model owned by
 * `llamacpp`; errors are `{"error":{"code","message","type"}}`.
 */
export function startLlamaCppServer(options: { models: string[]; apiKey?: string }) {
  return listening((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/health') return send(200, { status: 'ok' });
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(401, {
        error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' },
      });
    }
    if (request.url === '/v1/models') {
      const data = options.models.map((id) => ({
        id,
        object: 'model',
        created: 1_735_689_600,
        owned_by: 'llamacpp',
        meta: { vocab_type: 2, n_vocab: 128_256, n_ctx_train: 131_072, n_embd: 3072 },
      }));
      return send(200, { object: 'list', data });
    }
    send(404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
  });
}
