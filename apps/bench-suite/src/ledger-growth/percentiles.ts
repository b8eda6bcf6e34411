/** Two decimals. */
export const round2 = (value: number) => Math.round(value * 100) / 100;

/** The `fraction` quantile (nearest rank) of `values`, two decimals; 0 for none. */
export function quantile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return round2(sorted[rank] as number);
}

/** The largest of `values`, two decimals; 0 for none. */
export function largest(values: readonly number[]): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return round2(max);
}
