import { metricSchema } from '@loom/core';
import { describeError, fail } from './check.js';

/** What is wrong with a metric, or undefined when it follows the `Metric` contract. */
export function metricProblem(value: unknown): string | undefined {
  const result = metricSchema.safeParse(value);
  if (result.success) return undefined;
  return result.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(metric)'}: ${issue.message}`)
    .join('; ');
}

/** Fails unless every metric follows the `Metric` contract. */
export function expectValidMetrics(metrics: readonly unknown[], where: string): void {
  metrics.forEach((metric, index) => {
    const problem = metricProblem(metric);
    if (problem)
      fail(`${where}: metric #${index} is invalid: ${problem}. Got ${describeError(metric)}.`);
  });
}
