import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCommand } from '../src/cli/init-command.js';
import { serveCommand } from '../src/cli/serve-command.js';
import { exists, loom, NOTHING_RUNS, recorder, useInitFolder } from './init-fixtures.js';

describe('loom init', () => {
  const { directory, freshFile, init } = useInitFolder();

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

  it('runs from the CLI: refuses to overwrite, and documents that scripts are not asked', async () => {
    const folder = await mkdtemp(join(directory(), 'cli-'));
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
