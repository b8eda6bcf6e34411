import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { ModelAlias } from '../spec/routing/deployment.js';
import type { ModelCatalog, ModelEntry } from './kernel-types.js';

/** Aliases plus every provider's models; a provider that fails to list is reported, not fatal. */
export async function listModels(
  providers: ReadonlyMap<string, ProviderV1>,
  aliases: readonly ModelAlias[],
  signal: AbortSignal = AbortSignal.timeout(10_000),
): Promise<ModelCatalog> {
  const models: ModelEntry[] = aliases.map((alias) => ({
    kind: 'alias',
    id: alias.name,
    deployments: alias.deployments,
  }));
  const errors: ModelCatalog['errors'] = [];
  const listed = await Promise.allSettled(
    [...providers.values()].map(async (provider) => ({
      provider,
      infos: await provider.doListModels({ signal }),
    })),
  );
  listed.forEach((result, index) => {
    const providerId = [...providers.keys()][index]!;
    if (result.status === 'rejected') {
      const error =
        result.reason instanceof Error ? result.reason : new Error(String(result.reason));
      errors.push({ providerId, error });
      return;
    }
    for (const info of result.value.infos) {
      models.push({ kind: 'deployment', id: `${providerId}/${info.id}`, providerId, info });
    }
  });
  return { models, errors };
}
