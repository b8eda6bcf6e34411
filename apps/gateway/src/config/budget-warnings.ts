import type { LoomConfig } from './config-schema.js';

/** Where a budget scope's value comes from, when the client alone decides it. */
function clientField(scope: string): string | undefined {
  if (scope === 'user') return 'the request body\'s "user"';
  if (scope === 'session') return 'the session id the caller supplies';
  // `loom.` tags are the gateway's own, from the caller's key; a body may not set them.
  if (scope.startsWith('tag:loom.')) return undefined;
  if (scope.startsWith('tag:')) return `the request body's "metadata.${scope.slice(4)}"`;
  return undefined;
}

/**
 * Budgets that enforce (`block`, `downgrade`) on a value only the client supplies: a caller
 * escapes one by sending a new value each time. One line per such budget, naming its place in
 * the config.
 */
export function clientScopedBudgetWarnings(config: LoomConfig): string[] {
  const warnings: string[] = [];
  config.budgets?.forEach((budget, index) => {
    const action = budget.action ?? 'alert';
    const field = clientField(budget.scope ?? 'global');
    if (action === 'alert' || field === undefined) return;
    warnings.push(
      `budgets[${index}] (${budget.name}): this ${action} budget is counted by ${field}, which the client chooses; ` +
        'a caller escapes it by sending a new value each time. ' +
        'Pair it with a key, team, global, provider or model budget, which the client cannot choose.',
    );
  });
  return warnings;
}
