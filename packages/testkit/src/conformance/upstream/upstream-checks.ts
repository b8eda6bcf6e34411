import type { ConformanceCheck } from '../check.js';
import { errorMappingChecks } from './error-mapping-checks.js';
import { healthChecks } from './health-checks.js';
import { transportChecks } from './transport-checks.js';
import { upstreamBehaviourChecks } from './upstream-behaviour-checks.js';
import type { UpstreamConformanceOptions } from './upstream-harness.js';

/**
 * The checks against a simulated upstream: every row of the error-mapping table, connection and
 * timeout failures, broken streams, stream faithfulness, release of the upstream on abort,
 * listing, and health (up, down, unreachable, aborted). Each check starts its own simulator and
 * closes it afterwards.
 */
export function upstreamChecks(upstream: UpstreamConformanceOptions): ConformanceCheck[] {
  return [
    ...errorMappingChecks(upstream),
    ...transportChecks(upstream),
    ...upstreamBehaviourChecks(upstream),
    ...healthChecks(upstream),
  ];
}
