import type {
  Alert,
  DeploymentStatsReport,
  HealthReport,
  KernelStats,
  RouteExplanation,
} from '@loom/core';
import type { PerformanceReport } from '@loom/monitor';

// The JSON API under `/api/*`: the dashboard reads only these shapes, and scripts may too.
// Amounts are integer micro-dollars (`...Micros`) as in @loom/cost; times are epoch ms.

/** `GET /api/providers`: every configured provider, its last health check and its deployments. */
export interface ProvidersResponse {
  providers: Array<{
    id: string;
    /** `openai`, `ollama`, `vllm`, or a plugin's type. */
    type: string;
    /** Last active health check; null before the first one. */
    health: HealthReport | null;
    /** Router state of every deployment of this provider that has served or been planned. */
    deployments: DeploymentStatsReport[];
  }>;
}

/** One point of a time series: `[epoch ms at the start of the step, value]`; null = no data. */
export type SeriesPoint = [number, number | null];

/** `GET /api/stats?window=15m&step=10s`: kernel counters and time series for the dashboard charts. */
export interface StatsResponse {
  now: number;
  kernel: KernelStats;
  /** Present when the monitor is enabled; one entry per series, each point per `step`. */
  series?: {
    stepMs: number;
    /** Requests per second, per provider. */
    requestsPerSecond: Record<string, SeriesPoint[]>;
    /** Failed requests per second, per provider. */
    errorsPerSecond: Record<string, SeriesPoint[]>;
    /** p50 and p95 request latency, ms, per provider. */
    latencyP50Ms: Record<string, SeriesPoint[]>;
    latencyP95Ms: Record<string, SeriesPoint[]>;
    /** p50 time to first token of streams, ms, per provider. */
    ttftP50Ms: Record<string, SeriesPoint[]>;
    /** Spend per step, micro-dollars, per `provider/model`. */
    costMicros: Record<string, SeriesPoint[]>;
  };
}

/** `GET /api/costs?from=&to=&groupBy=provider|model|day|tag|...`: the cost report and budgets. */
export interface CostsResponse {
  /** Absent when cost tracking is off. */
  enabled: boolean;
  from?: number;
  to?: number;
  groupBy?: string;
  totalMicros: number;
  records: number;
  inputTokens: number;
  outputTokens: number;
  unpriced: number;
  groups: Array<{
    key: string;
    records: number;
    costMicros: number;
    inputTokens: number;
    outputTokens: number;
  }>;
  budgets: Array<{
    budget: string;
    scope: string;
    action: 'alert' | 'block' | 'downgrade';
    window: string;
    limitMicros: number;
    spentMicros: number;
    reservedMicros: number;
    remainingMicros: number;
    resetsAt: number | null;
  }>;
}

/** `GET /api/alerts?limit=50`: alerts firing now and the most recent notifications, newest first. */
export interface AlertsResponse {
  firing: Alert[];
  recent: Alert[];
}

/** `GET /api/explain?model=chat` (or POST with a chat body): how a request would be routed now. */
export type ExplainResponse = RouteExplanation;

/** The cost part of `GET /api/report`: the ledger's figures, the same as `/api/costs`. */
export interface ReportCost {
  /** Total spend in the range, USD. */
  totalUsd: number;
  /** Cost records (attempts priced) in the range. */
  records: number;
  /** Spend by provider id, most first. */
  byProvider: Array<{ provider: string; costUsd: number; records: number }>;
}

/**
 * `GET /api/report?from=&to=`: `@loom/monitor`'s performance report for [from, to), with the
 * resolution its figures come from and the ledger's cost. `format=md` (or `Accept:
 * text/markdown`) answers the same as Markdown.
 */
export interface ReportResponse extends Omit<PerformanceReport, 'costUsd'> {
  /** The finest series that covers `from`: `1s`, `1m` or `1h`. */
  resolution: '1s' | '1m' | '1h';
  /** Set when the range reaches past the fine history, saying what was used instead. */
  note?: string;
  /** Where the figures came from: a running gateway, or files a stopped one left. */
  source: 'live' | 'persisted';
  cost: ReportCost;
}
