import { basename } from 'node:path';
import { clientScopedBudgetWarnings } from '../config/budget-warnings.js';
import { buildKernel } from '../config/build-kernel.js';
import { loadConfig } from '../config/load-config.js';

/**
 * Validates a config without starting anything: schema, `${ENV}` references, and each plugin's
 * settings (providers, sinks, collectors, kernel plugins) by the plugin's own schema. Returns the
 * summary to print, with warnings about a valid config that may not do what it seems (a
 * budget a client can step around); throws `ConfigFileError` with every issue.
 */
export async function checkCommand(file: string): Promise<string> {
  const config = await loadConfig(file);
  // Building (not starting) loads every plugin named and runs its own validation, with no
  // network call.
  const kernel = await buildKernel(config, file, { health: { intervalMs: 0 } });
  await kernel.stop();
  const providers = config.providers.map((provider) => `${provider.id} (${provider.type})`);
  const models = (config.models ?? []).map(
    (model) => `${model.name} -> ${model.targets.length} target(s)`,
  );
  const warnings = clientScopedBudgetWarnings(config).map((line) => `  warning: ${line}`);
  return [
    `${basename(file)}: OK`,
    `  providers: ${providers.join(', ')}`,
    `  models: ${models.length ? models.join('; ') : '(none; use provider/model)'}`,
    `  gateway keys: ${config.server?.apiKeys?.length ?? 0}`,
    ...warnings,
  ].join('\n');
}
