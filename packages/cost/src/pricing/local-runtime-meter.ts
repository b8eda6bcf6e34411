import type { Micros } from '../money/micros.js';

const HOUR_MS = 3_600_000;

/**
 * Spreads a local runtime's hourly cost over the requests it served. Each served request pays for
 * the time since the previous request served by the same deployment ended, capped at `capMs`
 * (idle time beyond the cap is nobody's request); the first request on a deployment pays its own
 * duration, also capped:
 *
 *     cost = ceil(costPerHourMicros × min(elapsedMs, capMs) / 3 600 000)
 *
 * Under steady traffic the charges add up to the hourly cost times the busy wall-clock time.
 */
export class LocalRuntimeMeter {
  private readonly lastServedAt = new Map<string, number>();

  constructor(private readonly capMs = 300_000) {}

  /** The charge for a request on `deploymentId` that ended at `servedAt` after `durationMs`. */
  charge(
    deploymentId: string,
    costPerHourMicros: Micros,
    servedAt: number,
    durationMs: number,
  ): Micros {
    const previous = this.lastServedAt.get(deploymentId);
    this.lastServedAt.set(deploymentId, Math.max(previous ?? servedAt, servedAt));
    const elapsed = previous === undefined ? durationMs : servedAt - previous;
    const billable = Math.min(Math.max(elapsed, 0), this.capMs);
    return Math.ceil((costPerHourMicros * billable) / HOUR_MS);
  }
}
