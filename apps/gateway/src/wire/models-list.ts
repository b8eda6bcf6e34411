import type { ModelCatalog } from '@loom/core';

/** One entry of OpenAI's model list. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * The catalog as OpenAI's `{object: "list", data}`: aliases first (owned by `loom`), then every
 * `provider/model` deployment (owned by its provider id).
 */
export function formatModelList(catalog: ModelCatalog, created: number) {
  const data: OpenAIModel[] = catalog.models.map((entry) => ({
    id: entry.id,
    object: 'model',
    created,
    owned_by: entry.kind === 'alias' ? 'loom' : entry.providerId,
  }));
  return { object: 'list' as const, data };
}
