import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { startLoom } from '../src/runtime/start-loom.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const DOCUMENTS = ['docs/plugins.md', 'README.md', 'apps/gateway/README.md'];

/** Every block after a `<!-- plugins-example: NAME -->` marker in the three documents. */
async function examples(): Promise<{ document: string; name: string; code: string }[]> {
  const found = [];
  for (const document of DOCUMENTS) {
    const text = await readFile(join(root, document), 'utf8');
    for (const match of text.matchAll(/<!-- plugins-example: (\w+) -->\n```\w+\n([\s\S]*?)```/g)) {
      found.push({ document, name: match[1] ?? '', code: match[2] ?? '' });
    }
  }
  return found;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Runs a TypeScript example as written, from inside the gateway so imports resolve as for a user. */
async function runExample(code: string): Promise<string[]> {
  const folder = await mkdtemp(join(here, '.docs-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const file = join(folder, 'example.ts');
  await writeFile(file, code);
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  await import(file);
  return lines;
}

/** Starts a gateway from a YAML example written as `loom.yaml` and asks its `chat` alias. */
async function serveExample(yaml: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'loom-docs-'));
  cleanups.push(() => rm(folder, { recursive: true, force: true }));
  const file = join(folder, 'loom.yaml');
  await writeFile(file, yaml);
  const loom = await startLoom(await loadConfig(file), { file, port: 0, log: quiet });
  cleanups.push(() => loom.close());
  const response = await fetch(`${loom.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hello config' }] }),
  });
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? '';
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('the plugin examples of docs/plugins.md and the READMEs', () => {
  it('shows the three ways in and the module, each in the documents', async () => {
    const names = (await examples()).map((example) => `${example.document}#${example.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'docs/plugins.md#kernel',
        'docs/plugins.md#config',
        'docs/plugins.md#programmatic',
        'docs/plugins.md#module',
        'README.md#config',
        'apps/gateway/README.md#config',
        'apps/gateway/README.md#programmatic',
      ]),
    );
  });

  it('runs every kernel and programmatic example as written', async () => {
    const runnable = (await examples()).filter((example) =>
      ['kernel', 'programmatic'].includes(example.name),
    );
    for (const example of runnable) {
      const expected = example.name === 'kernel' ? 'echo: hello kernel' : 'echo: hello gateway';
      expect(await runExample(example.code), example.document).toEqual([expected]);
    }
  });

  it('serves every config example through the installed echo plugin', async () => {
    for (const example of (await examples()).filter((entry) => entry.name === 'config')) {
      expect(await serveExample(example.code), example.document).toBe('echo: hello config');
    }
  });

  it('quotes the example plugin module as its source has it', async () => {
    const source = await readFile(
      join(root, 'apps/example-provider-plugin/src/echo-plugin-module.ts'),
      'utf8',
    );
    for (const example of (await examples()).filter((entry) => entry.name === 'module')) {
      expect(source).toContain(example.code.trim());
    }
  });
});
