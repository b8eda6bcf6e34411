import type { PluginKind, PluginModuleV1 } from '../spec/plugin-module/v1/plugin-module-v1.js';

/**
 * Builds a plugin module descriptor, filling in the spec version; `Settings` is inferred from the
 * schema, so `create` is typed by it.
 */
export function definePluginModule<Kind extends PluginKind, Settings>(
  module: Omit<PluginModuleV1<Kind, Settings>, 'specificationVersion'>,
): PluginModuleV1<Kind, Settings> {
  return { specificationVersion: 'v1', ...module };
}
