import type { KernelEvents, MetricAttributes, MetricCollectorV1 } from '@loom/core';

/**
 * Counter of requests that cost more on a budget counter than they reserved
 * (`loom_budget_over_reservation_total` in Prometheus).
 */
export const OVER_RESERVATIONS = 'loom.budget.over_reservation';
/**
 * Counter of USD spent beyond those reservations
 * (`loom_budget_over_reservation_excess_usd_total` in Prometheus).
 */
export const OVER_RESERVATION_EXCESS = 'loom.budget.over_reservation.excess';

/**
 * The label of a scope key with bounded cardinality: providers and models as they are, users,
 * sessions and tag values by kind only (`user`, `tag:team`), since each of those can be a new
 * value per request.
 */
export function scopeLabel(scope: string): string {
  if (scope === 'global' || scope.startsWith('provider:') || scope.startsWith('model:'))
    return scope;
  const tag = /^(tag:[^=]*)=/.exec(scope);
  if (tag?.[1]) return tag[1];
  const colon = scope.indexOf(':');
  return colon < 0 ? scope : scope.slice(0, colon);
}

/**
 * Turns `budget:over-reservation` events into metrics, through the kernel's metric pipeline (the
 * monitor's store and `/metrics`), like the monitor's collectors do for `cost:recorded`.
 */
export function budgetMetricsCollector(): MetricCollectorV1 {
  let unsubscribe: (() => void) | undefined;
  return {
    specificationVersion: 'v1',
    name: '@loom/cost budgets',
    start(context) {
      const onOverReservation = (event: KernelEvents['budget:over-reservation']) => {
        // Every point carries both labels: an exporter fixes a metric's label names at its first.
        const attributes: MetricAttributes = {
          'loom.budget.name': event.budget,
          'loom.budget.scope': scopeLabel(event.scope),
        };
        const { timestamp } = event;
        const excess = (event.actualMicros - event.reservedMicros) / 1e6;
        context.emit([
          {
            name: OVER_RESERVATIONS,
            kind: 'counter',
            value: 1,
            unit: '{request}',
            attributes,
            timestamp,
          },
          {
            name: OVER_RESERVATION_EXCESS,
            kind: 'counter',
            value: excess,
            unit: 'USD',
            attributes,
            timestamp,
          },
        ]);
      };
      context.events.on('budget:over-reservation', onOverReservation);
      unsubscribe = () => context.events.off('budget:over-reservation', onOverReservation);
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
