import { type PluginKind, type PluginModuleV1, pluginModulesOf, VERSION } from '@loom/core';
import semver from 'semver';
import { BUILTIN_PLUGINS, builtinPackage, GATEWAY_OWN, SECTION_OF } from './builtin-plugins.js';
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

/** What a config's `type` names: a package, and maybe one module of it (`pkg#name`). */
export interface PluginReference {
  packageName: string;
  /** The module's `type` within the package, when the reference names one. */
  module?: string;
  builtin: boolean;
}

/** Reads `ollama`, `@acme/loom-provider` or `@acme/loom-tools#gpu`; undefined when it is neither. */
export function parsePluginType(type: string, kind: PluginKind): PluginReference | undefined {
  const builtin = builtinPackage(kind, type);
  if (builtin) return { packageName: builtin, module: type, builtin: true };
  const [packageName = '', module, ...rest] = type.split('#');
  if (!PACKAGE_NAME.test(packageName) || rest.length > 0 || module === '') return undefined;
  return { packageName, ...(module ? { module } : {}), builtin: false };
}

/** Why a package's declared `@loom/core` range rules out this core, if it does. */
export function coreMismatch(range: string | undefined): string | undefined {
  if (!range || range.startsWith('workspace:') || !semver.validRange(range)) return undefined;
  if (semver.satisfies(VERSION, range, { includePrerelease: true })) return undefined;
  return `it needs @loom/core ${range}; this gateway runs ${VERSION}`;
}

/**
 * Loads plugin modules by the type names config files use: a built-in name maps to its package,
 * anything else is a package name, with `#module` to pick one of several. Packages resolve from
 * `folders` in order; each is imported once per loader.
 */
export class PluginLoader {
  private readonly packages = new Map<string, Promise<ImportedPackage | undefined>>();

  constructor(private readonly folders: readonly string[]) {}

  /** The module of `kind` that `type` names; throws `PluginLoadError`. */
  async load(type: string, kind: PluginKind): Promise<LoadedPlugin> {
    const reference = parsePluginType(type, kind);
    if (!reference) throw new PluginLoadError(unknownType(type, kind));
    const { packageName } = reference;
    const imported = await this.importOnce(packageName);
    if (!imported) throw new PluginLoadError(notInstalled(type, kind, reference));
    const mismatch = coreMismatch(imported.coreRange);
    if (mismatch) throw new PluginLoadError(`package ${packageName} cannot be used: ${mismatch}`);
    const { modules, problems } = pluginModulesOf(imported.namespace);
    const ofKind = modules.filter((module) => module.kind === kind);
    const chosen = reference.module
      ? ofKind.find((module) => module.type === reference.module)
      : ofKind.length === 1
        ? ofKind[0]
        : undefined;
    if (!chosen) throw new PluginLoadError(notUsable(reference, kind, modules, problems));
    const own = GATEWAY_OWN[`${packageName}#${chosen.type}`];
    if (own)
      throw new PluginLoadError(
        `${kind} "${chosen.type}" of ${packageName} is not for ${SECTION_OF[kind]}: ${own}`,
      );
    return { module: chosen, packageName, version: imported.version, builtin: reference.builtin };
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

function notInstalled(type: string, kind: PluginKind, reference: PluginReference): string {
  const { packageName } = reference;
  if (reference.builtin)
    return `type "${type}" comes from ${packageName}, which is not installed; run: npm install ${packageName}`;
  // A likely typo of a built-in name gets no install command: that package may be a squatter's.
  const near = closestName(type, Object.keys(BUILTIN_PLUGINS[kind]));
  if (near) return unknownType(type, kind);
  return `${unknownType(type, kind)}; if it is a plugin package, install it: npm install ${packageName}`;
}

function notUsable(
  reference: PluginReference,
  kind: PluginKind,
  modules: readonly PluginModuleV1[],
  problems: readonly string[],
): string {
  const name = reference.packageName;
  const section = SECTION_OF[kind];
  const ofKind = modules.filter((module) => module.kind === kind);
  const types = ofKind.map((module) => `"${module.type}"`).join(', ');
  if (reference.module && ofKind.length > 0)
    return `package ${name} has no ${kind} "${reference.module}"; it has ${types}`;
  if (ofKind.length > 1)
    return `package ${name} has several ${kind} modules (${types}); pick one with "${name}#<type>"`;
  if (modules.length > 0) {
    const found = modules.map((module) => `${module.kind} "${module.type}"`).join(', ');
    return `package ${name} provides ${found}, not a ${kind}, which ${section} entries need`;
  }
  if (problems.length > 0) return `package ${name} cannot be used: ${problems.join('; ')}`;
  return `package ${name} exports no Loom plugin module (a default export, \`loomPlugin\` or \`loomPlugins\` with specificationVersion, kind, type, settings and create)`;
}
