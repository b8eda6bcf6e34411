import { z } from 'zod';
import { SECTION_OF } from '../plugins/builtin-plugins.js';
import type { InstalledPlugin } from '../plugins/discover-plugins.js';
import { loomConfigSchema } from './config-schema.js';

type JsonObject = Record<string, unknown>;

/**
 * One installed plugin's settings as the schema of a config entry naming it; `hostKeys` are the
 * entry's keys the gateway reads itself (`type`, and for providers `id`, `costPerHourUsd`, ...).
 */
function entrySchema(plugin: InstalledPlugin, hostKeys: JsonObject): JsonObject | undefined {
  try {
    const settings = z.toJSONSchema(plugin.settings as z.ZodType, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonObject;
    const { $schema: _dialect, ...rest } = settings;
    // JSON Schema's own `if` / `then` keywords, not a promise.
    const check: JsonObject = {
      if: { properties: { type: { const: plugin.type } }, required: ['type'] },
    };
    check['then'] = { ...rest, properties: { ...(rest.properties as JsonObject), ...hostKeys } };
    return check;
  } catch {
    // A schema zod cannot describe is still checked by `loom check`; editors just see less.
    return undefined;
  }
}

/** Walks `path` (`alerts.sinks`) in the JSON Schema to the array's `items`. */
function itemsAt(schema: JsonObject, path: string): JsonObject | undefined {
  let node: JsonObject | undefined = schema;
  for (const key of path.split('.')) {
    node = (node?.properties as JsonObject | undefined)?.[key] as JsonObject | undefined;
  }
  return node?.items as JsonObject | undefined;
}

/**
 * The config's JSON Schema, for editors (`# yaml-language-server: $schema=...`). With the
 * installed plugins, each entry naming one is checked against that plugin's settings schema.
 */
export function configJsonSchema(plugins: readonly InstalledPlugin[] = []): JsonObject {
  // `io: 'input'` describes what a file may contain, before defaults; refinements are dropped.
  const schema = z.toJSONSchema(loomConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  for (const [kind, section] of Object.entries(SECTION_OF)) {
    const items = itemsAt(schema, section);
    if (!items) continue;
    const checks = plugins
      .filter((plugin) => plugin.kind === kind && plugin.status === 'ok')
      .flatMap((plugin) => entrySchema(plugin, (items.properties as JsonObject) ?? {}) ?? []);
    if (checks.length > 0) items.allOf = checks;
  }
  return schema;
}
