import type { RequestMetadata } from '@loom/core';
import type { Micros } from '../money/micros.js';
import type { DeploymentPricer } from '../pricing/deployment-pricer.js';
import type { Budget } from './budget-config.js';
import type { BudgetCounterStore } from './budget-counter-store.js';
import type { BudgetThresholds } from './budget-thresholds.js';
import type { Tokenizers } from './tokenizers.js';

/** A reservation on one counter, held from admission until the request is reconciled. */
export interface BudgetHold {
  budget: Budget;
  scopeKey: string;
  counterKey: string;
  windowId: string;
  amountMicros: Micros;
  endsAt: number;
  expiresAt: number;
}

/** What admission reserved for one request; reconciled exactly once. */
export interface Admission {
  requestId: string;
  /** Unique id of this admission: the lease holder in stores that lease reservations. */
  holder: string;
  metadata: RequestMetadata | undefined;
  holds: BudgetHold[];
  settled: boolean;
}

/** Options of the budget manager. */
export interface BudgetManagerOptions {
  budgets: readonly Budget[];
  store: BudgetCounterStore;
  pricer: DeploymentPricer;
  thresholds: BudgetThresholds;
  now: () => number;
  /** Refuse (default) or allow requests to unpriced models when a budget applies. */
  unpricedModels: 'refuse' | 'allow';
  /** Emits `budget:exceeded`. */
  onExceeded: (details: {
    budget: string;
    scope: string;
    spentMicros: Micros;
    limitMicros: Micros;
    requestId: string;
  }) => void;
  /** Emits `budget:over-reservation`: a request cost more on a counter than it had reserved. */
  onOverReservation: (details: {
    budget: string;
    scope: string;
    reservedMicros: Micros;
    actualMicros: Micros;
    requestId: string;
  }) => void;
  /** Where exact token counts come from; default `gpt-tokenizer`, loaded on first use. */
  tokenizers?: Tokenizers;
}
