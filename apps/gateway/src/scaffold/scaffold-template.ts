import { access, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScaffoldKind } from './scaffold-names.js';

/** A template: the example package a kind is copied from, and the name it is written with. */
export interface ScaffoldTemplate {
  /** Folder holding the template's files. */
  folder: string;
  /** The name token inside it (`plainchat`). */
  token: string;
}

const TEMPLATES: Record<ScaffoldKind, { example: string; token: string }> = {
  provider: { example: 'example-http-provider', token: 'plainchat' },
  'alert-sink': { example: 'example-alert-sink', token: 'chatops' },
};

/** The files copied from a template; the rest (package.json, tsconfig) is written fresh. */
export const TEMPLATE_ENTRIES = ['src', 'test', 'README.md', 'tsup.config.ts'] as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Finds a kind's template. The build copies the example packages to `dist/templates/<kind>`
 * (next to the bundled CLI); run from source, the examples are read in place.
 */
export async function findTemplate(kind: ScaffoldKind): Promise<ScaffoldTemplate> {
  const { example, token } = TEMPLATES[kind];
  const candidates = [
    fileURLToPath(new URL(`./templates/${kind}/`, import.meta.url)),
    fileURLToPath(new URL(`../../../${example}/`, import.meta.url)),
  ];
  for (const folder of candidates) {
    if (await exists(join(folder, 'src'))) return { folder, token };
  }
  throw new Error(
    `the ${kind} template is missing (looked in ${candidates.join(' and ')}); reinstall @loom/gateway.`,
  );
}

/** Every file of a template, as paths relative to its folder and their text. */
export async function readTemplate(
  template: ScaffoldTemplate,
): Promise<Array<{ path: string; text: string }>> {
  const files: Array<{ path: string; text: string }> = [];
  const walk = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      if (await exists(path)) {
        files.push({ path: relative(template.folder, path), text: await readFile(path, 'utf8') });
      }
      return;
    }
    for (const entry of entries) await walk(join(path, entry.name));
  };
  for (const entry of TEMPLATE_ENTRIES) await walk(join(template.folder, entry));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
