import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Workspace folders of the packages a packed gateway with Ollama and the echo plugin needs. */
export const PACKED_FOLDERS = [
  'packages/core',
  'packages/cost',
  'packages/monitor',
  'packages/bench',
  'packages/testkit',
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

/**
 * `npm install`s tarballs into `folder`, an empty project outside the workspace, so nothing
 * resolves from the repository: the other dependencies come from the npm registry.
 */
export async function npmInstall(folder: string, tarballs: readonly string[]): Promise<void> {
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: folder,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  });
}
