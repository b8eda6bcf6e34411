import { z } from 'zod';

/** A built-in type name (`ollama`) or an npm package name (`@acme/loom-provider`). */
export const pluginType = z
  .string()
  .min(1, 'a built-in type or the name of an installed package')
  .max(214);

/**
 * One plugin entry: its type, and every other key is that plugin's settings, checked by the
 * plugin's own schema once it is loaded (see `resolveConfigPlugins`).
 */
export const pluginEntrySchema = z.looseObject({ type: pluginType });

/** A validated plugin entry. */
export type PluginEntryConfig = z.infer<typeof pluginEntrySchema>;
