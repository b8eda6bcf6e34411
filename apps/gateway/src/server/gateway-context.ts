import type { Kernel } from '@loom/core';
import type { RequestLimits } from './request-limits.js';

/** What every route handler needs. */
export interface GatewayContext {
  kernel: Kernel;
  /** Epoch seconds, for `created` fields. */
  nowSeconds(): number;
  /** Operator limits on chat requests and streams (`server.limits`). */
  limits: RequestLimits;
  /** Put prompts and answers in access lines (`logging.prompts`); default false. */
  logPrompts: boolean;
  /** Micro-dollars a finished request cost, when the cost plugin priced it (read once). */
  requestCost?(requestId: string): number | undefined;
}
