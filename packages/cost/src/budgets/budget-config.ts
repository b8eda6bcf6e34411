import { ConfigError } from '@loom/core';
import { type Micros, usdToMicros } from '../money/micros.js';
import { assertTimeZone, type BudgetWindow } from './calendar-window.js';

/**
 * What a budget counts: everything, or per provider, model, session, user or tag value, or per
 * caller (`key`, `team`, `owner`: from the credential the host authenticated, see `CALLER_TAGS`).
 */
export type BudgetScope =
  | 'global'
  | 'provider'
  | 'model'
  | 'session'
  | 'user'
  | 'key'
  | 'team'
  | 'owner'
  | `tag:${string}`;

/** What happens when a budget is reached. */
export type BudgetAction = 'alert' | 'block' | 'downgrade';

/** One budget. */
export interface BudgetConfig {
  /** Unique name, used in counter keys, events and alerts. */
  name: string;
  /** The limit per window, US dollars. */
  limitUsd: number;
  /** Default `global`. `provider` keeps one counter per provider, `tag:team` one per team. */
  scope?: BudgetScope;
  /** Only the provider, model, session, user or tag value equal to this counts. */
  match?: string;
  /** Default `day`. */
  window?: BudgetWindow;
  /** IANA time zone the window is aligned in; default `UTC`. */
  timeZone?: string;
  /** Default `alert`. */
  action?: BudgetAction;
  /** Fractions of the limit that alert, once per window each; default `[0.8, 1]`. */
  thresholds?: readonly number[];
}

/** A budget after validation. */
export interface Budget {
  name: string;
  limitMicros: Micros;
  scope: BudgetScope;
  match?: string;
  window: BudgetWindow;
  timeZone: string;
  action: BudgetAction;
  thresholds: readonly number[];
}

const WINDOWS = new Set(['total', 'hour', 'day', 'week', 'month']);
const ACTIONS = new Set(['alert', 'block', 'downgrade']);
const SCOPES = /^(global|provider|model|session|user|key|team|owner|tag:.+)$/;

/** Validates budgets; errors are `ConfigError`s naming `budgets.<index>.<field>`. */
export function parseBudgets(configs: readonly BudgetConfig[]): Budget[] {
  const names = new Set<string>();
  return configs.map((config, index) => {
    const path = (field: string) => `budgets.${index}.${field}`;
    const fail = (field: string, message: string) =>
      new ConfigError({ path: path(field), message });
    if (!config.name || names.has(config.name))
      throw fail('name', `expected a unique non-empty name, got '${config.name}'`);
    names.add(config.name);
    if (!Number.isFinite(config.limitUsd) || config.limitUsd < 0)
      throw fail('limitUsd', `expected dollars >= 0, got ${config.limitUsd}`);
    const scope = config.scope ?? 'global';
    if (!SCOPES.test(scope))
      throw fail(
        'scope',
        `expected global, provider, model, session, user, key, team, owner or tag:<key>, got '${scope}'`,
      );
    const window = config.window ?? 'day';
    if (!WINDOWS.has(window))
      throw fail('window', `expected total, hour, day, week or month, got '${window}'`);
    const action = config.action ?? 'alert';
    if (!ACTIONS.has(action))
      throw fail('action', `expected alert, block or downgrade, got '${action}'`);
    const timeZone = config.timeZone ?? 'UTC';
    try {
      assertTimeZone(timeZone);
    } catch {
      throw fail('timeZone', `unknown IANA time zone '${timeZone}' (for example 'Europe/Berlin')`);
    }
    const thresholds = [...(config.thresholds ?? [0.8, 1])].sort((a, b) => a - b);
    if (thresholds.some((value) => !(value > 0)))
      throw fail('thresholds', 'expected fractions > 0 such as 0.8');
    return {
      name: config.name,
      limitMicros: usdToMicros(config.limitUsd),
      scope,
      ...(config.match === undefined ? {} : { match: config.match }),
      window,
      timeZone,
      action,
      thresholds,
    };
  });
}
