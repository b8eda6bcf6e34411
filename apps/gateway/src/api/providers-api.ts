import type { Kernel } from '@loom/core';
import type { ProvidersResponse } from './api-types.js';

/** `GET /api/providers`: each provider's last health check and its deployments' router state. */
export function providersResponse(
  kernel: Kernel,
  types: Record<string, string>,
): ProvidersResponse {
  const deployments = kernel.getProviderStats().deployments;
  return {
    providers: kernel.health().map((entry) => ({
      id: entry.providerId,
      type: types[entry.providerId] ?? 'unknown',
      health: entry.report ?? null,
      deployments: deployments.filter((stats) => stats.deployment.providerId === entry.providerId),
    })),
  };
}
