import { z } from 'zod';
import { loomConfigSchema } from './config-schema.js';

/** The config's JSON Schema, for editors (`# yaml-language-server: $schema=...`). */
export function configJsonSchema(): Record<string, unknown> {
  // `io: 'input'` describes what a file may contain, before defaults; refinements are dropped.
  return z.toJSONSchema(loomConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
