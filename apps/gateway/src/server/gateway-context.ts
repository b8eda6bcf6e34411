import type { Kernel } from '@loom/core';

/** What every route handler needs. */
export interface GatewayContext {
  kernel: Kernel;
  /** Epoch seconds, for `created` fields. */
  nowSeconds(): number;
}
