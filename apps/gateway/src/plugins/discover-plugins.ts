import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type PluginKind, pluginModulesOf } from '@loom/core';
import { BUILTIN_PLUGINS, GATEWAY_OWN, SECTION_OF } from './builtin-plugins.js';
import { coreMismatch } from './plugin-loader.js';
import { importPackage } from './resolve-package.js';

/** One plugin module found installed (or a package that could not be used). */
export interface InstalledPlugin {
  package: string;
  version?: string;
  kind?: PluginKind;
  /** What a config entry's `type` says to use it: the built-in name or the package name. */
  type?: string;
  /** The module's spec version. */
  specification?: string;
  /** `ok`, or why it cannot be loaded. */
  status: string;
  /** Its settings schema, for `loom schema`; absent unless `status` is `ok`. */
  settings?: unknown;
}

const NAMED_LIKE_A_PLUGIN = /(^|\/)loom-(provider|sink|collector|plugin)-|^@[^/]+\/loom-/;

async function manifestAt(
  folder: string,
): Promise<{ name?: string; keywords?: unknown } | undefined> {
  try {
    return JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

async function entries(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch {
    return [];
  }
}

/** Package names in one `node_modules` that say they are Loom plugins (keyword or name). */
async function pluginPackagesIn(modules: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await entries(modules)) {
    const scoped = entry.startsWith('@');
    const children = scoped
      ? (await entries(join(modules, entry))).map((child) => `${entry}/${child}`)
      : [entry];
    for (const name of children) {
      const manifest = await manifestAt(join(modules, name));
      const keywords = Array.isArray(manifest?.keywords) ? manifest.keywords : [];
      if (keywords.includes('loom-plugin') || NAMED_LIKE_A_PLUGIN.test(name)) names.push(name);
    }
  }
  return names;
}

/** Every `node_modules` a package could be resolved from, starting at each folder. */
function moduleFolders(folders: readonly string[]): string[] {
  const found = new Set<string>();
  for (let folder of folders) {
    for (;;) {
      found.add(join(folder, 'node_modules'));
      const parent = dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
  }
  return [...found];
}

async function describePackage(
  name: string,
  folders: readonly string[],
): Promise<InstalledPlugin[]> {
  const builtinTypes = new Set(
    Object.values(BUILTIN_PLUGINS).flatMap((types) =>
      Object.entries(types).flatMap(([type, from]) => (from === name ? [type] : [])),
    ),
  );
  let imported: Awaited<ReturnType<typeof importPackage>>;
  try {
    imported = await importPackage(name, folders);
  } catch (error) {
    return [{ package: name, status: `fails to load: ${(error as Error).message}` }];
  }
  if (!imported) return [{ package: name, status: `not installed: npm install ${name}` }];
  const { modules, problems } = pluginModulesOf(imported.namespace);
  const version = imported.version;
  const mismatch = coreMismatch(imported.coreRange);
  const found: InstalledPlugin[] = modules.map((module) => {
    const own = GATEWAY_OWN[`${name}#${module.type}`];
    const ofKind = modules.filter((other) => other.kind === module.kind);
    const type = builtinTypes.has(module.type)
      ? module.type
      : ofKind.length > 1
        ? `${name}#${module.type}`
        : name;
    const status = mismatch ?? (own ? `not for ${SECTION_OF[module.kind]}: ${own}` : 'ok');
    return {
      package: name,
      ...(version ? { version } : {}),
      kind: module.kind,
      type,
      specification: module.specificationVersion,
      status,
      settings: module.settings,
    };
  });
  for (const problem of problems)
    found.push({ package: name, ...(version ? { version } : {}), status: problem });
  if (found.length === 0)
    found.push({
      package: name,
      ...(version ? { version } : {}),
      status: 'exports no Loom plugin module',
    });
  return found;
}

/**
 * Lists plugin modules a gateway could load from `folders`: the built-in packages (installed or
 * not) and every package in reach that says it is a Loom plugin (keyword `loom-plugin`, or a name
 * such as `loom-provider-*`, `loom-sink-*`, `@scope/loom-*`).
 */
export async function discoverPlugins(folders: readonly string[]): Promise<InstalledPlugin[]> {
  const builtin = [
    ...new Set(Object.values(BUILTIN_PLUGINS).flatMap((types) => Object.values(types))),
  ];
  const others = (await Promise.all(moduleFolders(folders).map(pluginPackagesIn))).flat();
  const names = [...new Set([...builtin, ...others])];
  return (await Promise.all(names.map((name) => describePackage(name, folders)))).flat();
}
