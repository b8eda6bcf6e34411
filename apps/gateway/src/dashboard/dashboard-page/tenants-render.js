// The tenants panel: spend and budget use per gateway key and per team, from the cost reports
// grouped by the caller tags the gateway puts on every request (`loom.key`, `loom.team`).

import { formatCount, formatPercent, formatUsd } from './format.js';
import { element } from './render.js';

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
  const body = document.querySelector(`#${tableId} tbody`);
  if (!costs?.enabled || costs.groups.length === 0) {
    const text = costs?.enabled ? 'No spend by gateway keys yet.' : 'Cost tracking is off.';
    const cell = element('td', 'muted', text);
    cell.colSpan = 5;
    body.replaceChildren(element('tr', '', cell));
    return;
  }
  const groups = [...costs.groups].sort((a, b) => b.costMicros - a.costMicros);
  body.replaceChildren(
    ...groups.map((group) => {
      const row = element(
        'tr',
        '',
        element('td', 'mono', group.key === NO_GROUP ? none : group.key),
        element('td', 'num', formatCount(group.records)),
        element(
          'td',
          'num',
          `${formatCount(group.inputTokens)} / ${formatCount(group.outputTokens)}`,
        ),
        element('td', 'num', formatUsd(group.costMicros)),
        element('td', 'num', budgetUse(costs.budgets, `tag:${tag}=${group.key}`)),
      );
      row.dataset.tenant = group.key;
      return row;
    }),
  );
}
