import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { VERSION } from '@loom/core';
import { GENERATED_GITIGNORE, GENERATED_TSCONFIG, manifestOf } from './scaffold-manifest.js';
import { renameTemplate, type ScaffoldKind, scaffoldNames } from './scaffold-names.js';
import { findTemplate, readTemplate } from './scaffold-template.js';

/** What `loom new` is asked for. */
export interface ScaffoldRequest {
  kind: ScaffoldKind;
  /** `weather`, `loom-provider-weather` or `@acme/loom-provider-weather`. */
  name: string;
  /** Folder to write; default the package name's last segment, under the working directory. */
  dir?: string;
  /** Write into a folder that is not empty. */
  force?: boolean;
}

/** What was written. */
export interface ScaffoldResult {
  folder: string;
  packageName: string;
  /** The plugin's `type`. */
  type: string;
  /** Paths written, relative to `folder`. */
  files: string[];
}

// Paragraphs of an example's README that speak about the example itself, not the plugin.
const EXAMPLE_ONLY = /<!-- example-only -->[\s\S]*?<!-- \/example-only -->\n*/g;

async function isEmpty(folder: string): Promise<boolean> {
  const entries = await readdir(folder).catch(() => []);
  return entries.length === 0;
}

/**
 * Writes a plugin package made from the kind's example: its sources, fake upstream, conformance
 * test and README, renamed, with a package.json that depends on the published Loom packages of
 * this gateway's version.
 */
export async function writeScaffold(request: ScaffoldRequest): Promise<ScaffoldResult> {
  const names = scaffoldNames(request.kind, request.name);
  const folder = resolve(request.dir ?? basename(names.packageName));
  if (!request.force && !(await isEmpty(folder))) {
    throw new Error(`${folder} exists and is not empty; choose another --dir or pass --force.`);
  }
  const template = await findTemplate(request.kind);
  const rename = (text: string) => renameTemplate(text, request.kind, template.token, names);
  const files = (await readTemplate(template)).map(({ path, text }) => ({
    path: rename(path),
    text: rename(path === 'README.md' ? text.replace(EXAMPLE_ONLY, '') : text),
  }));
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  files.push(
    { path: 'package.json', text: json(manifestOf(request.kind, names, VERSION)) },
    { path: 'tsconfig.json', text: json(GENERATED_TSCONFIG) },
    { path: '.gitignore', text: GENERATED_GITIGNORE },
  );
  for (const file of files) {
    const target = join(folder, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.text);
  }
  return {
    folder,
    packageName: names.packageName,
    type: names.kebab,
    files: files.map((file) => file.path).sort(),
  };
}
