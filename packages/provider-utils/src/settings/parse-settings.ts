import { ConfigError } from '@loom/core';

/** What `parseSettings` needs of a schema: zod's `safeParse`, or anything shaped like it. */
export interface SettingsSchema<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> };
      };
}

/**
 * Validates a provider's settings once, at creation: the parsed value (defaults applied), or a
 * `ConfigError` naming the first bad option by its dotted path. `aliases` names what else can
 * stand in for an option in the message, such as the environment variable a factory reads
 * (`{ apiKey: 'OPENAI_API_KEY' }` gives `apiKey (or OPENAI_API_KEY)`).
 */
export function parseSettings<T>(
  schema: SettingsSchema<T>,
  settings: unknown,
  source: string,
  aliases: Readonly<Record<string, string>> = {},
): T {
  const result = schema.safeParse(settings ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const option = issue?.path.map(String).join('.') || '(settings)';
  const alias = aliases[option];
  throw new ConfigError({
    source,
    path: alias ? `${option} (or ${alias})` : option,
    message: issue?.message ?? 'invalid settings',
  });
}
