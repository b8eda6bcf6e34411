import { createServer, type Server, type Socket } from 'node:net';
import {
  type OllamaUpstream,
  startOllamaServer,
  startOpenAIServer,
  startVllmServer,
} from '@loom/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { discoverRuntimes, unrecognisedNote } from '../src/cli/probe-runtimes.js';
import { validateConfig } from '../src/config/load-config.js';
import {
  KEY_REFERENCE,
  listening,
  NOTHING_RUNS,
  startLlamaCppServer,
  useInitFolder,
} from './init-fixtures.js';

describe('loom init', () => {
  let ollama: OllamaUpstream;
  const { init } = useInitFolder();
  beforeAll(async () => {
    ollama = await startOllamaServer();
  });
  afterAll(async () => {
    await ollama?.close();
  });

  it('puts every runtime found behind the aliases, local ones first and OpenAI last', async () => {
    const [lmStudio, vllm, llamaCpp] = await Promise.all([
      startOpenAIServer({
        models: ['qwen2.5-7b-instruct', 'text-embedding-nomic-embed-text-v1.5'],
      }),
      startVllmServer(),
      startLlamaCppServer({ models: ['llama-3.2-3b-instruct-q4_k_m.gguf'] }),
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

  it('adds neither vLLM nor llama.cpp when what answers on their ports is not them, and says so', async () => {
    const anything = await listening((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    try {
      const { outcome, report, text } = await init(
        {},
        { origins: { ...NOTHING_RUNS, vllm: anything.url, llamacpp: anything.url } },
      );
      expect(outcome.discovery?.runtimes).toEqual([]);
      const notes = outcome.discovery?.unrecognised.map(unrecognisedNote);
      expect(notes).toEqual([
        `something answered on :${anything.port} (not recognised as vLLM); not added`,
        `something answered on :${anything.port} (not recognised as llama.cpp's server); not added`,
      ]);
      expect(report).toContain(`  ${notes?.[0]}\n  ${notes?.[1]}\n`);
      expect(report).not.toContain('found      vLLM');
      expect(text).toContain(`#   ${notes?.[0]}\n#   ${notes?.[1]}\n`);
      expect(parseYaml(text).providers).toEqual([
        { id: 'local', type: 'ollama', baseURL: 'http://127.0.0.1:11434' },
      ]);
    } finally {
      await anything.close();
    }
  });

  it('recognises llama.cpp by its /health alone when --api-key keeps its model list closed', async () => {
    const llamaCpp = await startLlamaCppServer({ models: ['model.gguf'], apiKey: 'secret' });
    try {
      const discovery = await discoverRuntimes({
        origins: { ...NOTHING_RUNS, llamacpp: llamaCpp.url },
        environment: {},
      });
      expect(discovery.runtimes).toMatchObject([
        { runtime: { id: 'llamacpp' }, origin: llamaCpp.url, models: [] },
      ]);
      expect(discovery.unrecognised).toEqual([]);
    } finally {
      await llamaCpp.close();
    }
  });
});
