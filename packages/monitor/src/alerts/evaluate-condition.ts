import type { MetricStore } from '../store/metric-store.js';
import type { QueryResult } from '../store/query-types.js';
import type { AlertCondition } from './alert-rule.js';

/** One evaluated instance of a rule: a group of series, or the whole query. */
export interface ConditionReading {
  /** Distinguishes instances of one rule (`''` when the rule is not grouped). */
  key: string;
  /** Labels the group adds to the alert. */
  labels: Record<string, string>;
  /** The value compared. */
  value: number;
  /** Whether the condition holds. */
  holds: boolean;
}

type Operator = '>' | '>=' | '<' | '<=';

function compare(value: number, operator: Operator, limit: number): boolean {
  if (Number.isNaN(value)) return false;
  if (operator === '>') return value > limit;
  if (operator === '>=') return value >= limit;
  if (operator === '<') return value < limit;
  return value <= limit;
}

function labelsOf(attributes: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, String(value)]),
  );
}

/** Evaluates a rule's condition against the store at `now`. */
export function evaluateCondition(
  store: MetricStore,
  condition: AlertCondition,
  now: number,
): ConditionReading[] {
  // The window ends just after `now` so a value recorded this very millisecond counts.
  const range = { ...condition.query, from: now + 1 - condition.windowMs, to: now + 1 };
  if (condition.type === 'absence') {
    const count = store.query(range).count;
    return [{ key: '', labels: {}, value: count, holds: count === 0 }];
  }
  if (condition.type === 'rate-of-change') {
    const current = store.query(range)[condition.aggregate];
    const previous = store.query({
      ...range,
      from: range.from - condition.windowMs,
      to: range.from,
    })[condition.aggregate];
    const change =
      previous === 0 || Number.isNaN(previous)
        ? Number.NaN
        : (current - previous) / Math.abs(previous);
    return [
      {
        key: '',
        labels: {},
        value: change,
        holds: compare(change, condition.operator, condition.value),
      },
    ];
  }
  const read = (result: QueryResult) => result[condition.aggregate];
  if (!condition.groupBy?.length) {
    const value = read(store.query(range));
    return [
      { key: '', labels: {}, value, holds: compare(value, condition.operator, condition.value) },
    ];
  }
  return store.queryGroups({ ...range, groupBy: condition.groupBy }).map((group) => {
    const labels = labelsOf(group.attributes);
    const value = read(group.result);
    return {
      key: JSON.stringify(labels),
      labels,
      value,
      holds: compare(value, condition.operator, condition.value),
    };
  });
}
