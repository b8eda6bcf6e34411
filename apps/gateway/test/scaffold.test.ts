import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { newCommand } from '../src/cli/new-command.js';
import { TOOL_VERSIONS } from '../src/scaffold/scaffold-manifest.js';
import { renameTemplate, scaffoldNames } from '../src/scaffold/scaffold-names.js';
import { writeScaffold } from '../src/scaffold/write-scaffold.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'loom-new-'));
  folders.push(folder);
  return folder;
}

describe('scaffold names', () => {
  it('reads a bare, a prefixed and a scoped name alike', () => {
    expect(scaffoldNames('provider', 'weather-api')).toEqual({
      packageName: 'loom-provider-weather-api',
      kebab: 'weather-api',
      camel: 'weatherApi',
      pascal: 'WeatherApi',
      upper: 'WEATHER_API',
    });
    expect(scaffoldNames('provider', 'loom-provider-sky').packageName).toBe('loom-provider-sky');
    expect(scaffoldNames('provider', '@acme/loom-provider-sky')).toMatchObject({
      packageName: '@acme/loom-provider-sky',
      kebab: 'sky',
    });
    expect(scaffoldNames('alert-sink', 'pager').packageName).toBe('loom-alert-sink-pager');
  });

  it('refuses a name that cannot be a package or an identifier, saying what is allowed', () => {
    for (const bad of ['Weather', '9lives', 'a--b', 'with space', '']) {
      expect(() => scaffoldNames('provider', bad)).toThrow(
        /lower-case letters, digits and single dashes/,
      );
    }
  });

  it('renames every spelling of the template token', () => {
    const names = scaffoldNames('provider', 'sky-net');
    const text =
      "import { createPlainchat } from './plainchat-wire.js'; // loom-provider-plainchat PLAINCHAT_X plainchatWire type: 'plainchat'";
    expect(renameTemplate(text, 'provider', 'plainchat', names)).toBe(
      "import { createSkyNet } from './sky-net-wire.js'; // loom-provider-sky-net SKY_NET_X skyNetWire type: 'sky-net'",
    );
  });
});

describe('loom new', () => {
  it('writes a provider package from the example, with nothing of the example left in it', async () => {
    const folder = join(await scratch(), 'out');
    const result = await writeScaffold({ kind: 'provider', name: 'weather', dir: folder });
    expect(result.files).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/create-weather.ts',
      'src/index.ts',
      'src/weather-settings.ts',
      'src/weather-wire.ts',
      'test/conformance.test.ts',
      'test/weather-fake-upstream.ts',
      'tsconfig.json',
      'tsup.config.ts',
    ]);
    for (const file of result.files) {
      const text = await readFile(join(folder, file), 'utf8');
      expect(text, file).not.toMatch(/plainchat|example-only|workspace:/i);
    }
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'loom-provider-weather',
      keywords: ['loom', 'loom-plugin'],
      dependencies: { '@loom/provider-utils': '^0.1.0' },
      peerDependencies: { '@loom/core': '^0.1.0' },
      devDependencies: { '@loom/testkit': '^0.1.0', ...TOOL_VERSIONS },
    });
    const index = await readFile(join(folder, 'src/index.ts'), 'utf8');
    expect(index).toContain("type: 'weather',");
  });

  it('writes an alert sink package from the example sink', async () => {
    const folder = join(await scratch(), 'sink');
    const result = await writeScaffold({ kind: 'alert-sink', name: 'pager', dir: folder });
    expect(result.files).toContain('src/create-pager-sink.ts');
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('loom-alert-sink-pager');
    expect(manifest.dependencies).toBeUndefined();
  });

  it('pins the tools the example packages are built and tested with', async () => {
    for (const example of ['example-http-provider', 'example-alert-sink']) {
      const manifest = JSON.parse(
        await readFile(join(root, 'apps', example, 'package.json'), 'utf8'),
      );
      for (const tool of ['tsup', 'typescript', 'vitest', 'zod'] as const) {
        expect(manifest.devDependencies[tool], `${example} ${tool}`).toBe(TOOL_VERSIONS[tool]);
      }
    }
  });

  it('refuses a folder that is not empty, and an unknown kind, saying what to do', async () => {
    const folder = await scratch();
    await writeFile(join(folder, 'keep.txt'), 'mine');
    await expect(writeScaffold({ kind: 'provider', name: 'sky', dir: folder })).rejects.toThrow(
      /exists and is not empty; choose another --dir or pass --force/,
    );
    expect(await readFile(join(folder, 'keep.txt'), 'utf8')).toBe('mine');
    await expect(newCommand('collector', 'x', {})).rejects.toThrow(
      "loom new: unknown kind 'collector'; use one of: provider, alert-sink.",
    );
  });

  it('tells the author the next steps and the config entry', async () => {
    const folder = join(await scratch(), 'sky');
    const text = await newCommand('provider', 'sky', { dir: folder });
    expect(text).toContain('npm install && npm test');
    expect(text).toContain('type: loom-provider-sky');
  });
});
