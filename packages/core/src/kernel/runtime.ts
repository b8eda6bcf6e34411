import type { ModelResolver } from '../routing/model-resolver.js';
import type { Router } from '../routing/router.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { GenAiTelemetry } from '../telemetry/gen-ai-telemetry.js';
import type { EmbedBatcher } from './embed-batcher.js';
import type { EventBus } from './event-bus.js';
import type { HealthMonitor } from './health-monitor.js';
import type { HookSet } from './hook-set.js';
import type { InFlight } from './in-flight.js';
import type { StatsRecorder } from './kernel-stats.js';

/** What request execution needs from its kernel; one per kernel instance, never global. */
export interface KernelRuntime {
  readonly providers: ReadonlyMap<string, ProviderV1>;
  readonly resolver: ModelResolver;
  readonly router: Router;
  readonly hooks: HookSet;
  readonly events: EventBus;
  readonly telemetry: GenAiTelemetry | undefined;
  readonly stats: StatsRecorder;
  /** Active health; told when a real request succeeds, so a `down` provider comes back up. */
  readonly health: Pick<HealthMonitor, 'trafficSucceeded'>;
  readonly inFlight: InFlight;
  readonly now: () => number;
  readonly generateId: () => string;
  /** Per-attempt time limits, milliseconds; undefined means none. */
  /** Continue a stream that failed mid-way on another deployment. */
  readonly streamContinuation: boolean;
  /** Coalesces embedding calls, when configured. */
  readonly batcher: EmbedBatcher | undefined;
  readonly timeouts: { attemptMs?: number; firstChunkMs?: number; idleMs?: number };
}
