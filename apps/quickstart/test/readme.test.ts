import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(resolve(here, '../../../README.md'), 'utf8');

/** The README's in-process example: the ts block after the `readme-example` marker. */
function readmeExample(): string {
  const marker = readme.indexOf('<!-- readme-example');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (marker < 0 || !block?.[1]) throw new Error('README.md lost its readme-example block');
  return block[1];
}

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('README', () => {
  it('runs its in-process example as written, failover included', async () => {
    // Inside this package so '@loom/core' and '@loom/testkit' resolve as they would for a user.
    scratch = mkdtempSync(join(here, '.readme-'));
    const file = join(scratch, 'example.ts');
    writeFileSync(file, readmeExample());
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    await import(file);
    expect(lines).toEqual([
      'attempt 1 failed: provider_error',
      'backup/mock-model answered: Hello Loom',
      'streamed: Stream this',
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
