import type { LoomPluginV1 } from '../spec/plugin/v1/loom-plugin-v1.js';

/** Builds a kernel plugin, filling in the spec version so authors only write what matters. */
export function definePlugin(plugin: Omit<LoomPluginV1, 'specificationVersion'>): LoomPluginV1 {
  return { specificationVersion: 'v1', ...plugin };
}
