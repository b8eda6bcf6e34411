import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { redactSecrets } from '@loom/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigFileError, type ConfigIssue } from './config-error.js';
import { type LoomConfig, loomConfigSchema } from './config-schema.js';
import { coerceReference, resolveEnv } from './resolve-env.js';

/** The offending value for a message: redacted and short, since it may come from `${ENV}`. */
function shown(input: unknown): string {
  const text = redactSecrets(JSON.stringify(input) ?? 'nothing');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue ? `, got ${shown(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join('|')}${got}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `required: expected ${issue.expected}`
        : `expected ${issue.expected}${got}`;
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

function parseText(text: string, file: string): unknown {
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigFileError(basename(file), [{ path: '', message: `cannot parse: ${detail}` }]);
  }
}

/**
 * Validates an already parsed config: `${ENV}` references first, then the zod schema. `name` is
 * how errors call the file. Throws `ConfigFileError` with every issue.
 */
export function validateConfig(
  raw: unknown,
  name: string,
  environment: NodeJS.ProcessEnv = process.env,
): LoomConfig {
  const issues: ConfigIssue[] = [];
  const whole = new Set<string>();
  const resolved = resolveEnv(raw, environment, issues, '', whole);
  if (issues.length > 0) throw new ConfigFileError(name, issues);
  let parsed = loomConfigSchema.safeParse(resolved, { reportInput: true });
  if (!parsed.success) {
    // `${PORT}` where a number is wanted: read it as one and validate again.
    let changed = false;
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      if (issue.code !== 'invalid_type' || !whole.has(path)) continue;
      if (
        coerceReference(resolved, issue.path as (string | number)[], issue.expected) !== undefined
      )
        changed = true;
    }
    if (changed) parsed = loomConfigSchema.safeParse(resolved, { reportInput: true });
  }
  if (parsed.success) return parsed.data;
  throw new ConfigFileError(
    name,
    parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: describeIssue(issue),
    })),
  );
}

/** Reads, parses (YAML, or JSON for `.json`) and validates a config file. */
export async function loadConfig(
  file: string,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<LoomConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigFileError(basename(file), [{ path: '', message: reason }]);
  }
  const config = validateConfig(parseText(text, file), basename(file), environment);
  if (config.routing?.latencyPriorsFrom === undefined) return config;
  // The results reader (@loom/bench) loads only for configs that use it.
  const { withLatencyPriors } = await import('./latency-priors.js');
  return withLatencyPriors(config, file);
}
