import type { Deployment } from '@loom/core';
import type { Micros } from '../money/micros.js';
import { type CostUsage, costOf } from './cost-of.js';
import type { LocalRuntimeMeter } from './local-runtime-meter.js';
import type { PriceResolution } from './model-price.js';
import type { PriceBook } from './price-book.js';

/** A cost, and whether it is 0 only because no price is known. */
export interface PricedCost {
  costMicros: Micros;
  unpriced: boolean;
  /** Served by a local runtime without an hourly cost. */
  free: boolean;
}

/** A deployment object's price resolution, with what it was resolved for. */
interface Resolved {
  providerId: string;
  model: string;
  resolution: PriceResolution;
}

/** Prices deployments: looks up the provider's type, and meters priced local runtimes. */
export class DeploymentPricer {
  /**
   * Resolutions by deployment object (the resolver keeps them for the config's life). The book
   * caches by provider id and model too, but asking it built a key object and a key string per
   * attempt. Checked against the deployment's provider and model, so one changed in place is
   * resolved again.
   */
  private readonly resolved = new WeakMap<Deployment, Resolved>();

  constructor(
    private readonly book: PriceBook,
    private readonly providerType: (providerId: string) => string | undefined,
    private readonly localMeter: LocalRuntimeMeter,
    private readonly localWorstCaseMs: number,
  ) {}

  /** The price resolution of a deployment. */
  resolve(deployment: Deployment): PriceResolution {
    const known = this.resolved.get(deployment);
    if (known?.providerId === deployment.providerId && known.model === deployment.model) {
      return known.resolution;
    }
    const resolution = this.lookup(deployment);
    this.resolved.set(deployment, {
      providerId: deployment.providerId,
      model: deployment.model,
      resolution,
    });
    return resolution;
  }

  private lookup(deployment: Deployment): PriceResolution {
    const providerType = this.providerType(deployment.providerId);
    return this.book.resolve({
      providerId: deployment.providerId,
      model: deployment.model,
      ...(providerType === undefined ? {} : { providerType }),
    });
  }

  /** What an attempt that used `usage` cost. Charges priced local runtimes for their time. */
  attemptCost(
    deployment: Deployment,
    usage: CostUsage,
    servedAt: number,
    durationMs: number,
  ): PricedCost {
    const resolution = this.resolve(deployment);
    if (resolution.status === 'unpriced') return { costMicros: 0, unpriced: true, free: false };
    if (resolution.status === 'priced') {
      return { costMicros: costOf(usage, resolution.price), unpriced: false, free: false };
    }
    if (resolution.costPerHourMicros === undefined)
      return { costMicros: 0, unpriced: false, free: true };
    const charge = this.localMeter.charge(
      deployment.id,
      resolution.costPerHourMicros,
      servedAt,
      durationMs,
    );
    return { costMicros: charge, unpriced: false, free: false };
  }

  /** The most a request of this size can cost on a deployment (local: the capped hourly share). */
  worstCase(deployment: Deployment, usage: CostUsage): PricedCost {
    const resolution = this.resolve(deployment);
    if (resolution.status === 'unpriced') return { costMicros: 0, unpriced: true, free: false };
    if (resolution.status === 'priced') {
      return { costMicros: costOf(usage, resolution.price), unpriced: false, free: false };
    }
    if (resolution.costPerHourMicros === undefined)
      return { costMicros: 0, unpriced: false, free: true };
    const costMicros = Math.ceil(
      (resolution.costPerHourMicros * this.localWorstCaseMs) / 3_600_000,
    );
    return { costMicros, unpriced: false, free: false };
  }
}
