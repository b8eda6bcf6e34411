import { type OllamaUpstream, type SimulatedUpstream, startOllamaServer } from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { OPTIONAL_SECTIONS_EXAMPLE } from '../src/cli/init-config-text.js';
import { validateConfig } from '../src/config/load-config.js';
import { startLoom } from '../src/runtime/start-loom.js';
import { KEY_REFERENCE, NOTHING_RUNS, NOWHERE, silent, useInitFolder } from './init-fixtures.js';

describe('loom init', () => {
  let ollama: OllamaUpstream;
  const { freshFile, init } = useInitFolder();
  beforeAll(async () => {
    ollama = await startOllamaServer();
  });
  afterAll(async () => {
    await ollama?.close();
  });

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
});
