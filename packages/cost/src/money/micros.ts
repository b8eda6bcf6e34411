/**
 * An amount of money in integer micro-dollars (1 USD = 1 000 000). Every stored and summed amount
 * in this package is a `Micros`, so sums never drift the way float dollars do.
 */
export type Micros = number & { readonly __unit?: 'micro-usd' };

/** Micro-dollars in one US dollar. */
export const MICROS_PER_USD = 1_000_000;

/** Converts dollars to micro-dollars, rounded to the nearest micro-dollar. */
export function usdToMicros(usd: number): Micros {
  if (!Number.isFinite(usd)) throw new RangeError(`Not a finite dollar amount: ${usd}`);
  return Math.round(usd * MICROS_PER_USD);
}

/** Converts micro-dollars to dollars, for display only: never store the result. */
export function microsToUsd(micros: Micros): number {
  return micros / MICROS_PER_USD;
}

/** Sums amounts; throws if the result left the range where integers are exact. */
export function addMicros(...amounts: readonly Micros[]): Micros {
  let total = 0;
  for (const amount of amounts) total += amount;
  if (!Number.isSafeInteger(total)) throw new RangeError('Micro-dollar sum is not a safe integer');
  return total;
}

/** Formats micro-dollars as `$1.234567` (six decimals, exact). */
export function formatUsd(micros: Micros): string {
  const sign = micros < 0 ? '-' : '';
  const absolute = Math.abs(micros);
  const whole = Math.floor(absolute / MICROS_PER_USD);
  const fraction = String(absolute % MICROS_PER_USD).padStart(6, '0');
  return `${sign}$${whole}.${fraction}`;
}
