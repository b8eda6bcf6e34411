import { basename } from 'node:path';
import { buildKernel } from '../config/build-kernel.js';
import { loadConfig } from '../config/load-config.js';

/**
 * Validates a config without starting anything: schema, `${ENV}` references, and each plugin's
 * settings (providers, sinks, collectors, kernel plugins) by the plugin's own schema. Returns the
 * summary to print; throws `ConfigFileError` with every issue.
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
  return [
    `${basename(file)}: OK`,
    `  providers: ${providers.join(', ')}`,
    `  models: ${models.length ? models.join('; ') : '(none; use provider/model)'}`,
    `  gateway keys: ${config.server?.apiKeys?.length ?? 0}`,
  ].join('\n');
}
