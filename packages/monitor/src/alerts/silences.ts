import type { Silence } from './alert-rule.js';

/** True when `silence` is active at `now` and every matcher matches `labels`. */
export function silences(silence: Silence, labels: Record<string, string>, now: number): boolean {
  if (now < silence.startsAt || now >= silence.endsAt) return false;
  return silence.matchers.every((matcher) => {
    const value = labels[matcher.label] ?? '';
    return matcher.regex
      ? new RegExp(`^(?:${matcher.value})$`).test(value)
      : value === matcher.value;
  });
}
