import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveSpecifier } from 'import-meta-resolve';

/** A package found and imported. */
export interface ImportedPackage {
  /** Its module namespace. */
  namespace: unknown;
  /** The version in its package.json, when it could be read. */
  version: string | undefined;
  /** The `@loom/core` range its package.json asks for (peer or regular dependency). */
  coreRange: string | undefined;
  /** The file that was imported. */
  file: string;
}

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND']);

/**
 * Finds `name` the way Node's `import` would from a file in `folder`; undefined when absent. A
 * package whose `exports` offer only `require` is found the way `require` would find it.
 */
function resolveFrom(name: string, folder: string): string | undefined {
  const anchor = join(folder, 'loom.config.js');
  try {
    return resolveSpecifier(name, pathToFileURL(anchor).href);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NOT_FOUND.has(code)) return undefined;
    if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    return pathToFileURL(createRequire(anchor).resolve(name)).href;
  }
}

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

async function manifestOf(name: string, file: string): Promise<Manifest | undefined> {
  // The entry file sits somewhere inside the package: walk up to the package.json naming it.
  let folder = dirname(file);
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
      if (manifest.name === name) return manifest;
    } catch {
      // not this folder
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * Imports package `name` from the first of `folders` it resolves from (the config file's folder,
 * then the gateway's own install, as ESLint and Prettier look for plugins). Returns undefined when
 * no folder has it; a package that is found but fails to load throws.
 */
export async function importPackage(
  name: string,
  folders: readonly string[],
): Promise<ImportedPackage | undefined> {
  for (const folder of folders) {
    const url = resolveFrom(name, folder);
    if (url === undefined) continue;
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    const namespace: unknown = await import(url);
    const manifest = await manifestOf(name, file);
    const coreRange =
      manifest?.peerDependencies?.['@loom/core'] ?? manifest?.dependencies?.['@loom/core'];
    return {
      namespace,
      version: manifest?.version === undefined ? undefined : String(manifest.version),
      coreRange,
      file,
    };
  }
  return undefined;
}

/** The folder this gateway is installed in, where its own dependencies resolve from. */
export const GATEWAY_FOLDER = dirname(fileURLToPath(import.meta.url));

/** Of `names`, those that resolve from none of `folders` (for "install these first" hints). */
export function missingPackages(names: readonly string[], folders: readonly string[]): string[] {
  return names.filter((name) => folders.every((folder) => resolveFrom(name, folder) === undefined));
}
