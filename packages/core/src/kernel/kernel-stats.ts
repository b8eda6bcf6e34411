import type { Usage } from '../spec/shared/usage.js';

/** Counters for one deployment. */
export interface DeploymentStats {
  /** Attempts sent. */
  attempts: number;
  /** Attempts that failed. */
  failures: number;
  /** Sum of successful attempt durations, milliseconds (divide by successes for a mean). */
  totalLatencyMs: number;
  /** Input tokens of successful attempts. */
  inputTokens: number;
  /** Output tokens of successful attempts. */
  outputTokens: number;
  /** Error counts by code. */
  errors: Record<string, number>;
}

/** Counters since the kernel was created. */
export interface KernelStats {
  /** Milliseconds since creation. */
  uptimeMs: number;
  requests: { total: number; succeeded: number; failed: number; inFlight: number };
  /** Keyed by deployment id (`provider/model`). */
  deployments: Record<string, DeploymentStats>;
  alerts: { sent: number; deliveryFailures: number };
  /** Response cache and single-flight. */
  cache: { hits: number; misses: number; shared: number };
}

/** The `kernel.stats()` key that counts deployments beyond the cap. */
export const OTHER_DEPLOYMENTS = '(other)';

/** Mutable counters behind `kernel.stats()`; owned by one kernel. */
export class StatsRecorder {
  private readonly createdAt = performance.now();
  readonly requests = { total: 0, succeeded: 0, failed: 0 };
  readonly alerts = { sent: 0, deliveryFailures: 0 };
  private readonly deployments = new Map<string, DeploymentStats>();

  // With `defaultProvider` any model name is a deployment; past the cap, newcomers share one
  // bucket so counters stay bounded and totals stay right.
  constructor(private readonly maxDeployments = 10_000) {}

  private forDeployment(deploymentId: string): DeploymentStats {
    const id =
      this.deployments.size >= this.maxDeployments && !this.deployments.has(deploymentId)
        ? OTHER_DEPLOYMENTS
        : deploymentId;
    let stats = this.deployments.get(id);
    if (!stats) {
      stats = {
        attempts: 0,
        failures: 0,
        totalLatencyMs: 0,
        inputTokens: 0,
        outputTokens: 0,
        errors: {},
      };
      this.deployments.set(id, stats);
    }
    return stats;
  }

  attemptSucceeded(id: string, durationMs: number, usage: Usage | undefined): void {
    const stats = this.forDeployment(id);
    stats.attempts += 1;
    stats.totalLatencyMs += durationMs;
    if (usage) {
      stats.inputTokens += usage.inputTokens;
      stats.outputTokens += usage.outputTokens;
    }
  }

  attemptFailed(id: string, code: string): void {
    const stats = this.forDeployment(id);
    stats.attempts += 1;
    stats.failures += 1;
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
  }

  snapshot(inFlight: number, cache: KernelStats['cache']): KernelStats {
    const deployments: Record<string, DeploymentStats> = {};
    for (const [id, stats] of this.deployments)
      deployments[id] = { ...stats, errors: { ...stats.errors } };
    return {
      uptimeMs: Math.round(performance.now() - this.createdAt),
      requests: { ...this.requests, inFlight },
      deployments,
      alerts: { ...this.alerts },
      cache,
    };
  }
}
