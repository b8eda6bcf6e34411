import { describe, it } from 'vitest';
import type { AlertSinkConformanceOptions } from './alert-sink-checks.js';
import { alertSinkChecks } from './alert-sink-checks.js';
import type { ConformanceCheck } from './check.js';
import type { MetricCollectorConformanceOptions } from './metric-collector-checks.js';
import { metricCollectorChecks } from './metric-collector-checks.js';
import { providerChecks } from './provider-checks.js';
import type { ProviderConformanceOptions } from './provider-harness.js';

/** Registers `checks` as one vitest `describe` with an `it` per check. */
export function describeChecks(title: string, checks: readonly ConformanceCheck[]): void {
  describe(title, () => {
    for (const check of checks) it(check.name, () => check.run(), check.timeoutMs);
  });
}

/** Runs the provider conformance suite; call it at the top level of a vitest file. */
export function testProvider(name: string, options: ProviderConformanceOptions): void {
  describeChecks(`provider conformance: ${name}`, providerChecks(options));
}

/** Runs the metric collector conformance suite; call it at the top level of a vitest file. */
export function testMetricCollector(
  name: string,
  options: MetricCollectorConformanceOptions,
): void {
  describeChecks(`metric collector conformance: ${name}`, metricCollectorChecks(options));
}

/** Runs the alert sink conformance suite; call it at the top level of a vitest file. */
export function testAlertSink(name: string, options: AlertSinkConformanceOptions): void {
  describeChecks(`alert sink conformance: ${name}`, alertSinkChecks(options));
}
