import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkCommand } from '../src/cli/check-command.js';
import { loadConfig } from '../src/config/load-config.js';
import { startLoom } from '../src/runtime/start-loom.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const DOCUMENTS = ['docs/plugins.md', 'README.md', 'apps/gateway/README.md'];

interface Example {
  document: string;
  /** `kernel`, `programmatic`, `run` (executed), `config` (served), `check` (validated), `quote`, `shell`. */
  name: string;
  /** What follows the name: the quoted file, the shell example's name. */
  argument: string;
  code: string;
  /** A `run` example's console output, from the `<!-- prints: ... -->` after it. */
  prints: string[];
}

/** Every block after a `<!-- plugins-example: NAME [ARGUMENT] -->` marker in the documents. */
async function examples(): Promise<Example[]> {
  const found: Example[] = [];
  const marked =
    /<!-- plugins-example: (\w+)(?: ([^ ]+))? -->\n```\w+\n([\s\S]*?)```\n(?:<!-- prints: (.*) -->)?/g;
  for (const document of DOCUMENTS) {
    const text = await readFile(join(root, document), 'utf8');
    for (const match of text.matchAll(marked)) {
      found.push({
        document,
        name: match[1] ?? '',
        argument: match[2] ?? '',
        code: match[3] ?? '',
        prints: match[4] === undefined ? [] : match[4].split(' | '),
      });
    }
  }
  return found;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
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

  it('quotes the example plugins as their sources have them (each source is tested)', async () => {
    const quotes = (await examples()).filter((entry) => entry.name === 'quote');
    expect(quotes.length).toBeGreaterThan(5);
    for (const example of quotes) {
      const source = await readFile(join(root, example.argument), 'utf8');
      expect(source, `${example.document} quoting ${example.argument}`).toContain(
        example.code.trimEnd(),
      );
    }
  });

  it('runs every `run` example and sees what the document says it prints', async () => {
    const runnable = (await examples()).filter((example) => example.name === 'run');
    expect(runnable.length).toBeGreaterThan(0);
    for (const example of runnable) {
      expect(example.prints, `${example.document}: a run example says what it prints`).not.toEqual(
        [],
      );
      expect(await runExample(example.code), example.document).toEqual(example.prints);
    }
  });

  it('validates every `check` config the way loom check does, plugins loaded', async () => {
    vi.stubEnv('CHATOPS_TOKEN', 'docs-token');
    const checks = (await examples()).filter((example) => example.name === 'check');
    expect(checks.length).toBeGreaterThan(0);
    for (const example of checks) {
      const folder = await mkdtemp(join(tmpdir(), 'loom-docs-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const file = join(folder, 'loom.yaml');
      await writeFile(file, example.code);
      expect(await checkCommand(file), example.document).toContain('loom.yaml: OK');
    }
  });

  it('marks every code block of docs/plugins.md, so each one is run, served, checked or quoted', async () => {
    const text = await readFile(join(root, 'docs/plugins.md'), 'utf8');
    const blocks = [...text.matchAll(/^```\w+$/gm)].length;
    const marked = (await examples()).filter((example) => example.document === 'docs/plugins.md');
    expect(marked.length).toBe(blocks);
  });
});
