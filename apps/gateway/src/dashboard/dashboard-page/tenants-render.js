// The tenants panel: spend and budget use per gateway key and per team, from the cost reports
// grouped by the caller tags the gateway puts on every request (`loom.key`, `loom.team`).

import { formatPercent } from './format.js';
import { element, renderSpend } from './render.js';

/** The fullest budget counted on `scope` (`tag:loom.key=ci`), as "83 % of per-key"; else "—". */
function budgetUse(budgets, scope) {
  let fullest;
  for (const budget of budgets) {
    if (budget.scope !== scope || budget.limitMicros <= 0) continue;
    const share = budget.spentMicros / budget.limitMicros;
    if (!fullest || share > fullest.share) fullest = { share, name: budget.budget };
  }
  return fullest ? `${formatPercent(fullest.share)} of ${fullest.name}` : '—';
}

// What a report calls the rows without the grouping tag (requests admitted with no key, or by a
// key without a team).
const NO_GROUP = '(none)';

/**
 * Fills `#<tableId>` with one row per key or team of `costs` (a report grouped by `tag`), with
 * the use of the budgets that count it; the rows without one are labelled `none`.
 */
export function renderTenants(tableId, costs, tag, none) {
  renderSpend(tableId, costs, {
    label: (key) => (key === NO_GROUP ? none : key),
    extra: (group) => [element('td', 'num', budgetUse(costs.budgets, `tag:${tag}=${group.key}`))],
    empty: 'No spend by gateway keys yet.',
  });
}
