import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(resolve(here, '../../../README.md'), 'utf8');

/** The README's executable examples: each ts block after a `readme-example` marker. */
function readmeExamples(): string[] {
  return readme
    .split('<!-- readme-example')
    .slice(1)
    .map((section) => {
      const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
      if (!block) throw new Error('a readme-example marker has no ts block after it');
      return block;
    });
}

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Runs one example as written, from inside this package so imports resolve as for a user. */
async function run(source: string): Promise<string[]> {
  scratch = mkdtempSync(join(here, '.readme-'));
  const file = join(scratch, 'example.ts');
  writeFileSync(file, source);
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  await import(file);
  return lines;
}

describe('README', () => {
  it('has its two executable examples', () => {
    expect(readmeExamples()).toHaveLength(2);
  });

  it('runs the in-process example as written, failover included', async () => {
    expect(await run(readmeExamples()[0]!)).toEqual([
      'attempt 1 failed: provider_error',
      'backup/mock-model answered: Hello Loom',
      'streamed: Stream this',
    ]);
  });

  it('runs the real-providers example against the simulated upstreams', async () => {
    expect(await run(readmeExamples()[1]!)).toEqual([
      'gpu/meta-llama/Llama-3.1-8B-Instruct answered after 2 attempts: Hello from Loom',
      'openai/gpt-4o-mini:1 gpu/meta-llama/Llama-3.1-8B-Instruct:2 local/llama3.2:3',
    ]);
  });

  it('keeps both fresh-machine commands', () => {
    expect(readme).toContain(
      'npx -y pnpm@12.4.2 install --frozen-lockfile && npx -y pnpm@12.4.2 build && npx -y pnpm@12.4.2 start',
    );
    expect(readme).toContain(
      'npx -y pnpm@12.4.2 install --frozen-lockfile && npx -y pnpm@12.4.2 test',
    );
  });
});
