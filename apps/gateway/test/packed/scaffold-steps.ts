import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { PACKED_NAMES, tarballOf } from './pack-workspace.js';

const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false', NODE_OPTIONS: '' },
    maxBuffer: 16 * 1024 * 1024,
  });

/**
 * Points a generated package's Loom dependencies at the packed tarballs, the one change a user of
 * the published packages would not make: Loom is not on the registry yet. Direct dependencies get
 * `file:` specs (npm refuses to override those), the rest `overrides`.
 */
async function useTarballs(folder: string, tarballs: readonly string[]): Promise<void> {
  const file = join(folder, 'package.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  const direct = new Set<string>();
  for (const field of ['dependencies', 'devDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (!PACKED_NAMES.includes(name)) continue;
      manifest[field][name] = `file:${tarballOf(tarballs, name)}`;
      direct.add(name);
    }
  }
  manifest.overrides = Object.fromEntries(
    PACKED_NAMES.filter((name) => !direct.has(name)).map((name) => [
      name,
      `file:${tarballOf(tarballs, name)}`,
    ]),
  );
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** What became of a package made by `loom new provider`. */
export interface ScaffoldRun {
  /** Output of `npm test` in it. */
  testOutput: string;
  /** Its own `npm pack`. */
  tarball: string;
}

/**
 * With the installed gateway in `app`: `loom new provider <name>` into `folder`, then, there,
 * `npm install`, `npm run typecheck`, `npm test` and `npm pack`, as its author would.
 */
export async function scaffoldAndTest(
  app: string,
  folder: string,
  name: string,
  tarballs: readonly string[],
): Promise<ScaffoldRun> {
  await run(join(app, 'node_modules/.bin/loom'), ['new', 'provider', name, '--dir', folder], {
    cwd: app,
  });
  await useTarballs(folder, tarballs);
  await npm(['install'], folder);
  await npm(['run', 'typecheck'], folder);
  const tested = await npm(['test'], folder);
  const packed = await npm(['pack', '--pack-destination', join(folder, '..')], folder);
  const tarball = join(folder, '..', packed.stdout.trim().split('\n').at(-1) ?? '');
  // Without colour codes, so the summary line reads as text.
  return { testOutput: stripVTControlCharacters(tested.stdout), tarball };
}

/** Installs a tarball into `app` (the user's gateway folder). */
export async function installInto(app: string, tarball: string): Promise<void> {
  await npm(['install', tarball], app);
}
