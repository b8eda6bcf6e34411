import { ConfigError } from '@loom/core';
import { z } from 'zod';

/** The zod schema of `EchoSettings`, with its defaults. */
export const echoSettingsSchema = z.strictObject({
  id: z.string().trim().min(1, 'must be a non-empty string').default('echo'),
  prefix: z.string().default(''),
  delayMs: z.number().int().nonnegative().default(0),
});

/** Settings of `createEcho`. */
export interface EchoSettings {
  /** Provider id, used in `echo/model` targets; default `echo`. */
  id?: string;
  /** Text put before every echoed answer; default ''. */
  prefix?: string;
  /** Wait before every answer, in milliseconds; default 0. A request can override it. */
  delayMs?: number;
}

/** Settings after validation: every field present, frozen. */
export type ResolvedEchoSettings = Readonly<Required<EchoSettings>>;

/** Validates settings once, naming the bad option, and freezes the result. */
export function resolveEchoSettings(settings: EchoSettings = {}): ResolvedEchoSettings {
  const result = echoSettingsSchema.safeParse(settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError({
      source: 'createEcho',
      path: issue?.path.map(String).join('.') || '(settings)',
      message: issue?.message ?? 'invalid settings',
    });
  }
  return Object.freeze(result.data);
}
