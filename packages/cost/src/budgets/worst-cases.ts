import type { ChatRequest, Deployment, EmbedRequest } from '@loom/core';
import type { Micros } from '../money/micros.js';
import type { CostUsage } from '../pricing/cost-of.js';
import type { DeploymentPricer, PricedCost } from '../pricing/deployment-pricer.js';
import { countInputTokens } from './estimate-tokens.js';
import { type EncodingName, encodingOf, type Tokenizers } from './tokenizers.js';

// Counting takes time linear in the prompt: past this size the byte bound stays, so one large
// request near a limit cannot hold the event loop for milliseconds.
const MAX_COUNTED_INPUT_TOKENS = 262_144;

/**
 * The worst case of one request on each candidate. The input starts as the byte bound in `usage`
 * (cheap, and safe for any family); `tighten` swaps in each known family's tokenizer count, which
 * costs far more CPU and is only worth it when the byte bound would refuse the request.
 */
export class WorstCases {
  private readonly costs = new Map<string, PricedCost>();
  /** Input tokens by encoding once tightened; families without one keep the byte bound. */
  private counted: Map<EncodingName, number> | undefined;

  constructor(
    private readonly pricer: DeploymentPricer,
    private readonly request: Readonly<ChatRequest> | Readonly<EmbedRequest>,
    private readonly usage: CostUsage,
    private readonly tokenizers: Tokenizers,
  ) {}

  /** The most the request can cost on `deployment`. */
  of(deployment: Deployment): PricedCost {
    let cost = this.costs.get(deployment.id);
    if (!cost) {
      cost = this.pricer.worstCase(deployment, this.usageOn(deployment));
      this.costs.set(deployment.id, cost);
    }
    return cost;
  }

  /** What the request costs on `deployment` with no input at all: no count goes below it. */
  floor(deployment: Deployment): Micros {
    return this.pricer.worstCase(deployment, { ...this.usage, inputTokens: 0 }).costMicros;
  }

  /** The part of the worst case on `deployment` that the input makes up. */
  inputCost(deployment: Deployment): Micros {
    return this.of(deployment).costMicros - this.floor(deployment);
  }

  private usageOn(deployment: Deployment): CostUsage {
    if (!this.counted?.size) return this.usage;
    const encoding = encodingOf(deployment.model);
    const inputTokens = encoding && this.counted.get(encoding);
    return inputTokens === undefined ? this.usage : { ...this.usage, inputTokens };
  }

  /**
   * Counts the input with the tokenizer of each candidate's family, loading it on first use.
   * True when some worst case came down; false on later calls, for families without a public
   * tokenizer, and when a tokenizer cannot load or count (the byte bound stays).
   */
  async tighten(candidates: readonly Deployment[]): Promise<boolean> {
    if (this.counted || this.usage.inputTokens > MAX_COUNTED_INPUT_TOKENS) return false;
    const counted = new Map<EncodingName, number>();
    this.counted = counted;
    const encodings = new Set<EncodingName>();
    for (const deployment of candidates) {
      const encoding = encodingOf(deployment.model);
      if (encoding) encodings.add(encoding);
    }
    for (const encoding of encodings) {
      const count = await this.tokenizers.counter(encoding);
      if (!count) continue;
      try {
        const inputTokens = countInputTokens(this.request, count);
        if (inputTokens < this.usage.inputTokens) counted.set(encoding, inputTokens);
      } catch {
        // A tokenizer that throws on some text counts nothing: the byte bound stays.
      }
    }
    if (counted.size > 0) this.costs.clear();
    return counted.size > 0;
  }
}
