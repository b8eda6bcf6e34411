import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  type OllamaUpstream,
  type SimulatedUpstream,
  startOllamaServer,
  startOpenAIServer,
  startVllmServer,
} from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type InitFlags, type InitOptions, initCommand } from '../src/cli/init-command.js';
import { OPTIONAL_SECTIONS_EXAMPLE } from '../src/cli/init-config-text.js';
import { serveCommand } from '../src/cli/serve-command.js';
import { validateConfig } from '../src/config/load-config.js';
import { startLoom } from '../src/runtime/start-loom.js';

// Nothing listens on port 9 of loopback: connection refused at once.
const NOWHERE = 'http://127.0.0.1:9';
const NOTHING_RUNS = { ollama: NOWHERE, lmstudio: NOWHERE, vllm: NOWHERE, llamacpp: NOWHERE };
const silent = { info() {}, warn() {}, error() {} };
/** What the config holds instead of the key: a reference resolved at start. */
const KEY_REFERENCE = `\${OPENAI_API_KEY}`;

const run = promisify(execFile);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
// Resolved here so that the CLI can run in a folder of its own, away from the workspace.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `loom ...` from source in `cwd`, with no terminal; resolves with the exit code and output. */
async function loom(args: string[], cwd: string) {
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
function recorder() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('loom init', () => {
  let ollama: OllamaUpstream;
  let directory: string;
  let count = 0;
  beforeAll(async () => {
    ollama = await startOllamaServer();
    directory = await mkdtemp(join(tmpdir(), 'loom-init-'));
  });
  afterAll(async () => {
    await ollama?.close();
    await rm(directory, { recursive: true, force: true });
  });

  function freshFile(extension = 'yaml'): string {
    count += 1;
    return join(directory, `case-${count}`, `loom.${extension}`);
  }

  /** Runs init without a terminal; resolves with the outcome, the report and the file's text. */
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

  it('writes a config for the Ollama it finds that validates and serves chat through its alias', async () => {
    const { outcome, report, config, text } = await init(
      {},
      { origins: { ...NOTHING_RUNS, ollama: ollama.url } },
    );
    expect(outcome).toMatchObject({ exitCode: 0, written: true });
    expect(report).toContain(`found      Ollama at ${ollama.url}: llama3.2, nomic-embed-text`);
    expect(report).toContain(`not found  LM Studio (${NOWHERE})`);
    expect(report).toContain('not set    OPENAI_API_KEY');
    expect(text).toContain(`  - { id: local, type: ollama, baseURL: ${ollama.url} }`);

    const raw = parseYaml(text);
    expect(raw).toMatchObject({
      server: { port: 4000 },
      providers: [{ id: 'local', type: 'ollama', baseURL: ollama.url }],
      models: [
        { name: 'chat', targets: ['local/llama3.2'] },
        { name: 'embed', targets: ['local/nomic-embed-text'] },
      ],
      storage: { ledger: 'sqlite://./loom.db' },
    });
    const validated = validateConfig(raw, 'loom.yaml', {});
    expect(validated.providers).toHaveLength(1);

    const loom = await startLoom(validated, {
      file: config,
      port: 0,
      watch: false,
      log: silent,
      gatewayOptions: { logger: undefined },
    });
    try {
      const response = await fetch(`${loom.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Hello' }] }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-loom-provider')).toBe('local');
      expect(response.headers.get('x-loom-model')).toBe('llama3.2');
    } finally {
      await loom.close();
    }
  });

  it('writes a valid config whose header says it needs a provider when nothing is found', async () => {
    const { outcome, report, text } = await init({});
    expect(outcome).toMatchObject({ exitCode: 0, written: true });
    expect(report).toContain('Nothing found. Start one of these');
    expect(report).toContain('ollama serve, then ollama pull llama3.2');
    expect(report).toContain('llama-server -m model.gguf --port 8080');
    expect(text.split('\n').slice(0, 12).join('\n')).toContain('NEEDS A PROVIDER');
    // A commented example for every runtime, ready to uncomment.
    expect(text).toContain(
      '  # - { id: lmstudio, type: openai, baseURL: http://127.0.0.1:1234/v1 }',
    );
    expect(text).toContain('  # - { id: vllm, type: vllm, baseURL: http://127.0.0.1:8000 }');
    expect(text).toContain(
      '  # - { id: llamacpp, type: openai, baseURL: http://127.0.0.1:8080/v1 }',
    );
    expect(text).toContain(
      `  # - { id: openai, type: openai, baseURL: https://api.openai.com/v1, apiKey: "${KEY_REFERENCE}" }`,
    );

    const raw = parseYaml(text);
    expect(raw).toMatchObject({
      providers: [{ id: 'local', type: 'ollama', baseURL: 'http://127.0.0.1:11434' }],
      models: [{ name: 'chat', targets: ['local/llama3.2'] }],
    });
    expect(() => validateConfig(raw, 'loom.yaml', {})).not.toThrow();
  });

  it('adds OpenAI when OPENAI_API_KEY is set, naming the variable and never writing the key', async () => {
    const environment = { OPENAI_API_KEY: 'sk-test-do-not-write-1234' };
    const { outcome, report, text } = await init({}, { environment });
    expect(outcome.exitCode).toBe(0);
    expect(report).toContain('found      OPENAI_API_KEY in the environment');
    expect(report).not.toContain('sk-test');
    expect(text).not.toContain('sk-test');
    expect(text).not.toContain('NEEDS A PROVIDER');

    const raw = parseYaml(text);
    expect(raw).toMatchObject({
      providers: [
        {
          id: 'openai',
          type: 'openai',
          baseURL: 'https://api.openai.com/v1',
          apiKey: KEY_REFERENCE,
        },
      ],
      models: [
        { name: 'chat', targets: ['openai/gpt-4o-mini'] },
        { name: 'embed', targets: ['openai/text-embedding-3-small'] },
      ],
    });
    expect(validateConfig(raw, 'loom.yaml', environment).providers[0]?.apiKey).toBe(
      environment.OPENAI_API_KEY,
    );
  });

  it('puts every runtime found behind the aliases, local ones first and OpenAI last', async () => {
    const [lmStudio, vllm, llamaCpp] = await Promise.all([
      startOpenAIServer({
        models: ['qwen2.5-7b-instruct', 'text-embedding-nomic-embed-text-v1.5'],
      }),
      startVllmServer(),
      startOpenAIServer({ models: ['llama-3.2-3b-instruct-q4_k_m.gguf'] }),
    ]);
    const environment = { OPENAI_API_KEY: 'sk-test' };
    try {
      const { report, text } = await init(
        {},
        {
          origins: {
            ollama: ollama.url,
            lmstudio: lmStudio.url,
            vllm: vllm.url,
            llamacpp: llamaCpp.url,
          },
          environment,
        },
      );
      expect(report).toContain(`found      vLLM at ${vllm.url}: meta-llama/Llama-3.1-8B-Instruct`);
      const raw = parseYaml(text);
      expect(raw.providers).toEqual([
        { id: 'local', type: 'ollama', baseURL: ollama.url },
        { id: 'lmstudio', type: 'openai', baseURL: `${lmStudio.url}/v1` },
        { id: 'vllm', type: 'vllm', baseURL: vllm.url },
        { id: 'llamacpp', type: 'openai', baseURL: `${llamaCpp.url}/v1` },
        {
          id: 'openai',
          type: 'openai',
          baseURL: 'https://api.openai.com/v1',
          apiKey: KEY_REFERENCE,
        },
      ]);
      expect(raw.models).toEqual([
        {
          name: 'chat',
          targets: [
            'local/llama3.2',
            'lmstudio/qwen2.5-7b-instruct',
            'vllm/meta-llama/Llama-3.1-8B-Instruct',
            'llamacpp/llama-3.2-3b-instruct-q4_k_m.gguf',
            'openai/gpt-4o-mini',
          ],
        },
        {
          name: 'embed',
          targets: [
            'local/nomic-embed-text',
            'lmstudio/text-embedding-nomic-embed-text-v1.5',
            'vllm/BAAI/bge-small-en',
            'openai/text-embedding-3-small',
          ],
        },
      ]);
      // On OpenAI's wire but local: free, not "unpriced" because OpenAI's list lacks them.
      expect(raw.pricing).toEqual({
        providers: { lmstudio: { local: true }, llamacpp: { local: true } },
      });
      expect(() => validateConfig(raw, 'loom.yaml', environment)).not.toThrow();
    } finally {
      await Promise.all([lmStudio.close(), vllm.close(), llamaCpp.close()]);
    }
  });

  it('keeps further models of a runtime as commented-out targets', async () => {
    const many: SimulatedUpstream = await startOllamaServer({
      models: ['llama3.2:latest', 'qwen2.5:7b', 'mistral'],
    });
    try {
      const { text } = await init({}, { origins: { ...NOTHING_RUNS, ollama: many.url } });
      expect(text).toContain(
        '      - local/llama3.2\n      # - local/qwen2.5:7b\n      # - local/mistral\n',
      );
    } finally {
      await many.close();
    }
  });

  it('skips a runtime that accepts connections but never answers, once the timeout passes', async () => {
    const held: Socket[] = [];
    const silentServer: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const { port } = silentServer.address() as { port: number };
    try {
      const started = performance.now();
      const { report } = await init(
        {},
        { origins: { ...NOTHING_RUNS, ollama: `http://127.0.0.1:${port}` }, timeoutMs: 300 },
      );
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(report).toContain(`not found  Ollama (http://127.0.0.1:${port})`);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silentServer.close(resolve));
    }
  });

  it('never overwrites an existing file without --force, and does with it', async () => {
    const { config } = await init({});
    await writeFile(config, 'kept: true\n');
    const refused = await init({ config });
    expect(refused.outcome).toMatchObject({ exitCode: 1, written: false });
    expect(refused.outcome.problem).toBe(`${config} already exists; pass --force to overwrite it`);
    expect(refused.report).toBe('');
    expect(refused.text).toBe('kept: true\n');

    const forced = await init({ config, force: true });
    expect(forced.outcome).toMatchObject({ exitCode: 0, written: true });
    expect(forced.text).toContain('providers:');
  });

  it('asks at a terminal before writing, and writes nothing when the answer is no', async () => {
    async function answering(answer: string) {
      const input = Object.assign(new PassThrough(), { isTTY: true });
      const output = recorder();
      output.stream.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('[Y/n]')) input.write(`${answer}\n`);
      });
      const config = freshFile();
      const outcome = await initCommand(
        { config },
        { origins: NOTHING_RUNS, environment: {}, input, output: output.stream },
      );
      return { outcome, report: output.text(), written: await exists(config), config };
    }
    const declined = await answering('n');
    expect(declined.report).toContain(`Write ${declined.config}? [Y/n] `);
    expect(declined.outcome).toMatchObject({ exitCode: 1, written: false });
    expect(declined.outcome.problem).toBe(`nothing written to ${declined.config}`);
    expect(declined.written).toBe(false);

    const accepted = await answering('');
    expect(accepted.outcome).toMatchObject({ exitCode: 0, written: true });
    expect(accepted.written).toBe(true);
  });

  it('writes without asking when there is no terminal or --yes is given', async () => {
    for (const yes of [false, true]) {
      const input = Object.assign(new PassThrough(), { isTTY: yes ? true : undefined });
      const { outcome, report } = await init({ yes }, { input });
      expect(outcome).toMatchObject({ exitCode: 0, written: true });
      expect(report).not.toContain('[Y/n]');
    }
  });

  it('writes JSON, without the comments, when the file ends in .json', async () => {
    const { text } = await init({ config: freshFile('json') });
    expect(() => validateConfig(JSON.parse(text), 'loom.json', {})).not.toThrow();
  });

  it('writes budgets, routing and alerts as commented examples that validate once uncommented', async () => {
    const { text } = await init({}, { origins: { ...NOTHING_RUNS, ollama: ollama.url } });
    const commented = OPTIONAL_SECTIONS_EXAMPLE.split('\n').map((line) => `# ${line}`);
    expect(text).toContain(commented.join('\n'));
    const uncommented = { ...parseYaml(text), ...parseYaml(OPTIONAL_SECTIONS_EXAMPLE) };
    const validated = validateConfig(uncommented, 'loom.yaml', {});
    expect(Object.keys(validated)).toEqual(
      expect.arrayContaining(['budgets', 'routing', 'alerts']),
    );
  });

  it('runs from the CLI: refuses to overwrite, and documents that scripts are not asked', async () => {
    const folder = await mkdtemp(join(directory, 'cli-'));
    await writeFile(join(folder, 'loom.yaml'), 'kept: true\n');
    const refused = await loom(['init'], folder);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'loom init: loom.yaml already exists; pass --force to overwrite it\n',
    );
    expect(await readFile(join(folder, 'loom.yaml'), 'utf8')).toBe('kept: true\n');

    const help = await loom(['init', '--help'], folder);
    expect(help.stdout).toContain('--force');
    expect(help.stdout).toContain(
      'without a terminal (scripts, CI) it never asks and writes anyway',
    );
  });
});

describe('loom serve without a config', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'loom-serve-missing-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('says to run loom init for the file it was given', async () => {
    const file = join(directory, 'gateway.yaml');
    await expect(serveCommand({ config: file })).rejects.toThrow(
      `gateway.yaml: file not found; run \`loom init --config ${file}\` to write one`,
    );
  });

  it('says to run loom init, and exits 1, when the default loom.yaml is missing', async () => {
    const { code, stderr } = await loom(['serve'], directory);
    expect(code).toBe(1);
    expect(stderr).toBe('loom.yaml: file not found; run `loom init` to write one\n');
  });
});
