import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The packages a packed gateway with Ollama and the echo plugin needs, and what a package made by
 * `loom new` builds on.
 */
export const PACKED_NAMES = [
  '@loom/core',
  '@loom/cost',
  '@loom/monitor',
  '@loom/bench',
  '@loom/testkit',
  '@loom/provider-utils',
  '@loom/provider-ollama',
  '@loom/gateway',
  'loom-provider-echo',
];

/** Their workspace folders, in the same order. */
export const PACKED_FOLDERS = [
  'packages/core',
  'packages/cost',
  'packages/monitor',
  'packages/bench',
  'packages/testkit',
  'packages/provider-utils',
  'packages/provider-ollama',
  'apps/gateway',
  'apps/example-provider-plugin',
];

/**
 * `pnpm pack`s each folder (already built) into `destination`, as a release would: `workspace:`
 * ranges become versions and `publishConfig` replaces the source-only exports. Returns the
 * tarballs' paths.
 */
export async function packWorkspace(destination: string): Promise<string[]> {
  for (const folder of PACKED_FOLDERS) {
    await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', destination], {
      cwd: join(ROOT, folder),
      env: { ...process.env, CI: 'true' },
    });
  }
  const files = await readdir(destination);
  return files.filter((file) => file.endsWith('.tgz')).map((file) => join(destination, file));
}

/** The tarball `pnpm pack` made for a package name (`@loom/core` -> `loom-core-0.1.0.tgz`). */
export function tarballOf(tarballs: readonly string[], name: string): string {
  const stem = name.replace(/^@/, '').replace('/', '-');
  const found = tarballs.find((file) => new RegExp(`/${stem}-\\d[^/]*\\.tgz$`).test(file));
  if (!found) throw new Error(`no tarball for ${name}`);
  return found;
}

/**
 * In `folder`, an empty project outside the workspace, `npm install`s only `wanted`. Loom's other
 * packages are not on the registry yet, so npm `overrides` point their names at the tarballs: they
 * are installed only where a wanted package depends on them, and everything else comes from the
 * npm registry, as for a user.
 */
export async function npmInstall(
  folder: string,
  tarballs: readonly string[],
  wanted: readonly string[],
): Promise<void> {
  const names = PACKED_NAMES.filter((name) => !wanted.includes(name));
  const overrides = Object.fromEntries(
    names.map((name) => [name, `file:${tarballOf(tarballs, name)}`]),
  );
  const manifest = { name: 'my-gateway', private: true, overrides };
  await writeFile(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const specs = wanted.map((name) => tarballOf(tarballs, name));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: folder,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  });
}
