import { type PluginKind, type PluginModuleV1, pluginModulesOf } from '@loom/core';
import { BUILTIN_PLUGINS, SECTION_OF } from './builtin-plugins.js';
import { closestName } from './closest-name.js';
import { type ImportedPackage, importPackage } from './resolve-package.js';

/** A plugin module ready to use, and where it came from. */
export interface LoadedPlugin {
  module: PluginModuleV1;
  /** The package it was loaded from. */
  packageName: string;
  version: string | undefined;
  /** Whether `type` was a built-in name rather than a package name. */
  builtin: boolean;
}

/** A plugin that cannot be loaded; the message says why and what to do. */
export class PluginLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/**
 * Loads plugin modules by the type names config files use: a built-in name maps to its package,
 * anything else is a package name. Packages resolve from `folders` in order; each is imported
 * once per loader.
 */
export class PluginLoader {
  private readonly packages = new Map<string, Promise<ImportedPackage | undefined>>();

  constructor(private readonly folders: readonly string[]) {}

  /** The module of `kind` that `type` names; throws `PluginLoadError`. */
  async load(type: string, kind: PluginKind): Promise<LoadedPlugin> {
    const builtins = BUILTIN_PLUGINS[kind];
    const builtinPackage = builtins[type];
    const packageName = builtinPackage ?? type;
    if (!builtinPackage && !PACKAGE_NAME.test(type))
      throw new PluginLoadError(unknownType(type, kind));
    const imported = await this.importOnce(packageName);
    if (!imported) {
      throw new PluginLoadError(
        builtinPackage
          ? `type "${type}" comes from ${packageName}, which is not installed; run: npm install ${packageName}`
          : `${unknownType(type, kind)}; if it is a plugin package, install it: npm install ${type}`,
      );
    }
    const { modules, problems } = pluginModulesOf(imported.namespace);
    const ofKind = modules.filter((module) => module.kind === kind);
    const chosen = builtinPackage
      ? ofKind.find((module) => module.type === type)
      : ofKind.length === 1
        ? ofKind[0]
        : undefined;
    if (chosen) {
      return { module: chosen, packageName, version: imported.version, builtin: !!builtinPackage };
    }
    throw new PluginLoadError(notUsable(packageName, kind, modules, problems));
  }

  private importOnce(name: string): Promise<ImportedPackage | undefined> {
    let found = this.packages.get(name);
    if (!found) {
      found = importPackage(name, this.folders).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new PluginLoadError(`package ${name} failed to load: ${reason}`);
      });
      this.packages.set(name, found);
    }
    return found;
  }
}

function unknownType(type: string, kind: PluginKind): string {
  const names = Object.keys(BUILTIN_PLUGINS[kind]);
  const near = closestName(type, names);
  const hint = near ? ` (did you mean "${near}"?)` : '';
  if (names.length === 0) return `"${type}" is not an installed plugin package${hint}`;
  return `"${type}" is neither a built-in ${kind} type (${names.join('|')}) nor an installed plugin package${hint}`;
}

function notUsable(
  name: string,
  kind: PluginKind,
  modules: readonly PluginModuleV1[],
  problems: readonly string[],
): string {
  const section = SECTION_OF[kind];
  const ofKind = modules.filter((module) => module.kind === kind);
  if (ofKind.length > 1) {
    const types = ofKind.map((module) => module.type).join(', ');
    return `package ${name} has several ${kind} modules (${types}); ${section} entries need a package with one`;
  }
  if (modules.length > 0) {
    const found = modules.map((module) => `${module.kind} "${module.type}"`).join(', ');
    return `package ${name} is a ${found} plugin; ${section} entries need a ${kind}`;
  }
  if (problems.length > 0) return `package ${name} cannot be used: ${problems.join('; ')}`;
  return `package ${name} exports no Loom plugin module (a default export, \`loomPlugin\` or \`loomPlugins\` with specificationVersion, kind, type, settings and create)`;
}
