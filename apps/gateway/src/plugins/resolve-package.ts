import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveSpecifier } from 'import-meta-resolve';

/** A package found and imported. */
export interface ImportedPackage {
  /** Its module namespace. */
  namespace: unknown;
  /** The version in its package.json, when it could be read. */
  version: string | undefined;
  /** The file that was imported. */
  file: string;
}

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND']);

/** Finds `name` the way Node's `import` would from a file in `folder`; undefined when absent. */
function resolveFrom(name: string, folder: string): string | undefined {
  try {
    return resolveSpecifier(name, pathToFileURL(join(folder, 'loom.config.js')).href);
  } catch (error) {
    if (NOT_FOUND.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

async function versionOf(name: string, file: string): Promise<string | undefined> {
  // The entry file sits somewhere inside the package: walk up to the package.json naming it.
  let folder = dirname(file);
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
      if (manifest.name === name) return String(manifest.version);
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
    return { namespace, version: await versionOf(name, file), file };
  }
  return undefined;
}

/** The folder this gateway is installed in, where its own dependencies resolve from. */
export const GATEWAY_FOLDER = dirname(fileURLToPath(import.meta.url));
