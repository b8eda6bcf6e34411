/** Health of a provider as a whole. */
export type HealthStatus = 'up' | 'degraded' | 'down';

/** The result of one active health check (`doHealth`). */
export interface HealthReport {
  /** `up` serves normally, `degraded` serves slowly or partly, `down` does not serve. */
  status: HealthStatus;
  /** When the check finished, epoch milliseconds. */
  checkedAt: number;
  /** How long the check took, in milliseconds. */
  latencyMs?: number;
  /** Why the status is not `up`, in words an operator can act on. */
  message?: string;
  /** Upstream version, when the check reads one (Ollama's `/api/version`). */
  version?: string;
  /** For local runtimes: models and whether each is loaded in memory (Ollama's `/api/ps`). */
  models?: Array<{ id: string; loaded: boolean }>;
}
