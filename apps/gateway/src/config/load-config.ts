import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigFileError, type ConfigIssue } from './config-error.js';
import { type LoomConfig, loomConfigSchema } from './config-schema.js';
import { toConfigIssues } from './describe-issue.js';
import { coerceReference, resolveEnv } from './resolve-env.js';

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
  throw new ConfigFileError(name, toConfigIssues(parsed.error.issues));
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
