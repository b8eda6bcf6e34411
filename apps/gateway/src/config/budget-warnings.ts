import type { LoomConfig } from './config-schema.js';

/** Where a budget scope's value comes from, when the client alone decides it. */
function clientField(scope: string): string | undefined {
  if (scope === 'user') return 'the request body\'s "user"';
  if (scope === 'session') return 'the session id the caller supplies';
  if (scope.startsWith('tag:')) return `the request body's "metadata.${scope.slice(4)}"`;
  return undefined;
}

/**
 * Budgets that enforce (`block`, `downgrade`) on a value only the client supplies: a caller
 * escapes one by sending another value, or none (then the budget does not apply at all). One line
 * per such budget, naming its place in the config.
 */
export function clientScopedBudgetWarnings(config: LoomConfig): string[] {
  const warnings: string[] = [];
  config.budgets?.forEach((budget, index) => {
    const action = budget.action ?? 'alert';
    const field = clientField(budget.scope ?? 'global');
    if (action === 'alert' || field === undefined) return;
    warnings.push(
      `budgets[${index}] (${budget.name}): this ${action} budget is counted by ${field}, which the client chooses; ` +
        'a caller escapes it by sending another value or none (then it does not apply). ' +
        'Pair it with a global, provider or model budget that bounds total spend.',
    );
  });
  return warnings;
}
