import type { PluginKind, PluginModuleV1 } from '../spec/plugin-module/v1/plugin-module-v1.js';

const KINDS: readonly PluginKind[] = [
  'provider',
  'metric-collector',
  'alert-sink',
  'kernel-plugin',
];

/** Plugin module spec versions this core can load. */
export const PLUGIN_MODULE_SPECIFICATIONS: readonly string[] = ['v1'];

/** What a package exports, read as plugin modules. */
export interface PluginModuleExports {
  /** Descriptors of a supported spec version, well-formed. */
  modules: PluginModuleV1[];
  /** Why other exported descriptors cannot be used, one sentence each. */
  problems: string[];
}

function looksLikeDescriptor(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'specificationVersion' in value;
}

function problemOf(descriptor: Record<string, unknown>): string | undefined {
  const version = String(descriptor.specificationVersion);
  if (!PLUGIN_MODULE_SPECIFICATIONS.includes(version))
    return `its plugin module speaks spec ${version}; this @loom/core loads ${PLUGIN_MODULE_SPECIFICATIONS.join(', ')}`;
  if (!KINDS.includes(descriptor.kind as PluginKind))
    return `its plugin module has kind ${JSON.stringify(descriptor.kind)}; expected one of ${KINDS.join('|')}`;
  if (typeof descriptor.type !== 'string' || descriptor.type === '')
    return 'its plugin module has no `type` name';
  const settings = descriptor.settings as { safeParse?: unknown } | undefined;
  if (typeof settings?.safeParse !== 'function')
    return `its plugin module "${descriptor.type}" has no zod \`settings\` schema`;
  if (typeof descriptor.create !== 'function')
    return `its plugin module "${descriptor.type}" has no \`create\` function`;
  return undefined;
}

/**
 * Reads the plugin module descriptors out of a package's exports: `loomPlugins` (an array),
 * `loomPlugin`, or the default export (CommonJS interop included). A host reports `problems`
 * when `modules` has none of the kind it needs.
 */
export function pluginModulesOf(namespace: unknown): PluginModuleExports {
  const exported = (namespace ?? {}) as Record<string, unknown>;
  const fallback = exported.default as Record<string, unknown> | undefined;
  const candidates = [
    ...(Array.isArray(exported.loomPlugins) ? exported.loomPlugins : []),
    exported.loomPlugin,
    fallback,
    fallback?.default,
    ...(Array.isArray(fallback?.loomPlugins) ? fallback.loomPlugins : []),
    fallback?.loomPlugin,
  ];
  const seen = new Set<unknown>();
  const result: PluginModuleExports = { modules: [], problems: [] };
  for (const candidate of candidates) {
    if (!looksLikeDescriptor(candidate) || seen.has(candidate)) continue;
    seen.add(candidate);
    const problem = problemOf(candidate);
    if (problem) result.problems.push(problem);
    else result.modules.push(candidate as unknown as PluginModuleV1);
  }
  return result;
}
