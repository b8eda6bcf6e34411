import type { HealthStatus } from '../spec/provider/v1/health-report.js';
import type { LoadSignal } from '../spec/provider/v1/load-signal.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { CircuitState } from './circuit-breaker.js';

/** Latency percentiles, milliseconds. */
export interface LatencySummary {
  p50?: number;
  p95?: number;
  p99?: number;
  /** Peak-EWMA estimate the latency strategy uses. */
  ewma?: number;
}

/** What the router knows of one deployment. */
export interface DeploymentStatsReport {
  deployment: Deployment;
  /** Attempts finished (successes + failures). */
  requests: number;
  successRate: number;
  errors: Record<string, number>;
  lastError?: { code: string; message: string; at: number };
  latency: LatencySummary;
  timeToFirstChunk: LatencySummary;
  inFlight: number;
  circuit: CircuitState;
  /** Resting until this time (epoch ms) after auth, quota or rate-limit errors. */
  cooldownUntil?: number;
  health?: HealthStatus;
  load?: LoadSignal;
  /** Balanced score among all known deployments (lower is better; 1 is the best possible). */
  score: number;
  /** Tokens of successful attempts (filled in by the kernel). */
  tokens?: { input: number; output: number };
}

/** `getProviderStats()`: every deployment, plus totals. */
export interface ProviderStats {
  deployments: DeploymentStatsReport[];
  totals: { requests: number; successRate: number; inFlight: number };
}

/** One candidate in an explanation. */
export interface CandidateExplanation {
  deployment: Deployment;
  /** Position in the ranking, from 1, for kept candidates. */
  rank?: number;
  kept: boolean;
  /** Why it was dropped, or notes on a kept one. */
  reason?: string;
}

/** `explain(request)`: how a request would be routed, without sending it. */
export interface RouteExplanation {
  model: string;
  strategy: string;
  candidates: CandidateExplanation[];
}
