import type { Kernel } from '@loom/core';

/** The answer of `GET /readyz`. */
export interface Readiness {
  ready: boolean;
  reason?: string;
  providers: Array<{ id: string; status: string; message?: string }>;
  /** Shared services (Redis, the ledger's database) and their state. */
  dependencies?: DependencyStatus[];
}

/** A shared service the gateway depends on; `required` ones make it unready when not `ready`. */
export interface DependencyStatus {
  name: string;
  state: string;
  required: boolean;
  /** Cost rows held in memory until the service takes them (the ledger). */
  queuedRows?: number;
}

/**
 * Ready when the kernel can take requests and at least one provider is up, degraded (slow but
 * serving) or not yet checked (it is given the benefit of the doubt until a check says down).
 */
export function readiness(
  kernel: Kernel,
  dependencies: readonly DependencyStatus[] = [],
): Readiness {
  const providers = kernel.health().map((entry) => ({
    id: entry.providerId,
    status: entry.report?.status ?? 'unknown',
    ...(entry.report?.message ? { message: entry.report.message } : {}),
  }));
  if (kernel.state === 'stopping' || kernel.state === 'stopped') {
    return { ready: false, reason: `kernel is ${kernel.state}`, providers };
  }
  if (dependencies.length > 0) {
    const missing = dependencies.find((entry) => entry.required && entry.state !== 'ready');
    if (missing)
      return {
        ready: false,
        reason: `${missing.name} is ${missing.state}`,
        providers,
        dependencies: [...dependencies],
      };
    const state = readiness(kernel);
    return { ...state, dependencies: [...dependencies] };
  }
  if (providers.length === 0) return { ready: false, reason: 'no provider configured', providers };
  const serving = providers.some((provider) => provider.status !== 'down');
  return serving
    ? { ready: true, providers }
    : { ready: false, reason: 'every provider reports down', providers };
}
