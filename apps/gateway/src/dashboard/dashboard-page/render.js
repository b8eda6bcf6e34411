// Renders API responses into the page. Every value goes in through textContent, never as HTML.

import {
  formatCount,
  formatMs,
  formatPercent,
  formatTime,
  formatUntil,
  formatUsd,
} from './format.js';

/** Creates an element with a class and children (strings become text nodes). */
export function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.map((child) => (child instanceof Node ? child : String(child ?? ''))));
  return node;
}

/** A coloured label such as a health or circuit state. */
export function badge(text, kind) {
  return element('span', `badge badge-${kind}`, text);
}

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

/** The totals row. */
export function renderTiles(stats, costs, alerts) {
  const requests = stats?.kernel?.requests;
  setText('tile-requests', formatCount(requests?.total));
  setText('tile-succeeded', formatCount(requests?.succeeded));
  setText('tile-failed', formatCount(requests?.failed));
  setText('tile-in-flight', formatCount(requests?.inFlight));
  setText('tile-spend', costs?.enabled ? formatUsd(costs.totalMicros) : 'off');
  setText('tile-alerts', alerts ? formatCount(alerts.firing.length) : '–');
}

const HEALTH_KIND = { up: 'ok', degraded: 'warn', down: 'bad' };
const CIRCUIT_KIND = { closed: 'ok', 'half-open': 'warn', open: 'bad' };

function deploymentRow(provider, deployment) {
  const health = provider.health?.status ?? deployment?.health ?? 'unknown';
  const healthCell = element('td', '', badge(health, HEALTH_KIND[health] ?? 'muted'));
  if (provider.health?.message) healthCell.title = provider.health.message;
  const row = element('tr', '', element('td', 'strong', provider.id), healthCell);
  row.dataset.provider = provider.id;
  if (!deployment) {
    row.append(element('td', 'muted', `${provider.type}, no traffic yet`));
    for (let cell = 0; cell < 7; cell += 1) row.append(element('td', 'muted', '–'));
    return row;
  }
  const cooling = deployment.cooldownUntil && deployment.cooldownUntil > Date.now();
  const circuit = cooling ? 'cooling' : deployment.circuit;
  row.append(
    element('td', 'mono', deployment.deployment.model),
    element('td', '', badge(circuit, cooling ? 'warn' : (CIRCUIT_KIND[circuit] ?? 'muted'))),
    element('td', 'num', formatCount(deployment.requests)),
    element('td', 'num', deployment.requests ? formatPercent(deployment.successRate) : '–'),
    element('td', 'num', formatMs(deployment.latency?.p50)),
    element('td', 'num', formatMs(deployment.timeToFirstChunk?.p50)),
    element('td', 'num', formatCount(deployment.inFlight)),
    element('td', 'muted', deployment.lastError ? `${deployment.lastError.code}` : ''),
  );
  if (deployment.lastError) row.lastChild.title = deployment.lastError.message;
  return row;
}

/** One row per deployment, grouped by provider. */
export function renderProviders(response) {
  const body = document.querySelector('#providers tbody');
  const rows = [];
  for (const provider of response.providers) {
    if (provider.deployments.length === 0) rows.push(deploymentRow(provider, null));
    for (const deployment of provider.deployments) rows.push(deploymentRow(provider, deployment));
  }
  body.replaceChildren(...rows);
}

/** A bar per budget: spent, reserved, and what is left. */
export function renderBudgets(costs) {
  const container = document.getElementById('budgets');
  if (!costs?.enabled) {
    container.replaceChildren(element('p', 'muted', 'Cost tracking is off.'));
    return;
  }
  if (costs.budgets.length === 0) {
    container.replaceChildren(element('p', 'muted', 'No budgets configured.'));
    return;
  }
  container.replaceChildren(
    ...costs.budgets.map((budget) => {
      const share = budget.limitMicros > 0 ? budget.spentMicros / budget.limitMicros : 0;
      const reserved = budget.limitMicros > 0 ? budget.reservedMicros / budget.limitMicros : 0;
      const spentBar = element('span', share >= 1 ? 'spent over' : 'spent');
      spentBar.style.width = `${Math.min(100, share * 100)}%`;
      const reservedBar = element('span', 'reserved');
      reservedBar.style.width = `${Math.min(100 - Math.min(100, share * 100), reserved * 100)}%`;
      const title = `${budget.budget} · ${budget.scope} · ${budget.window} · ${budget.action}`;
      const gauge = element('div', 'budget');
      gauge.dataset.budget = budget.budget;
      gauge.append(
        element('div', 'budget-title', title),
        element('div', 'bar', spentBar, reservedBar),
        element(
          'div',
          'muted',
          `${formatUsd(budget.spentMicros)} of ${formatUsd(budget.limitMicros)} (${formatPercent(share)})` +
            ` · ${formatUsd(budget.reservedMicros)} reserved · ${formatUntil(budget.resetsAt)}`,
        ),
      );
      return gauge;
    }),
  );
}

/**
 * A spend table (`#spend-provider`, `#spend-model`, the tenants' `#spend-key` / `#spend-team`)
 * from a grouped cost report, one row per group (`data-group` is its key). `label` names a
 * group's row, `extra` adds cells after the cost, `empty` is said when there is no spend.
 */
export function renderSpend(tableId, costs, { label = (key) => key, extra, empty } = {}) {
  const body = document.querySelector(`#${tableId} tbody`);
  if (!costs?.enabled || costs.groups.length === 0) {
    const text = costs?.enabled ? (empty ?? 'No spend yet.') : 'Cost tracking is off.';
    const cell = element('td', 'muted', text);
    cell.colSpan = document.querySelectorAll(`#${tableId} thead th`).length;
    body.replaceChildren(element('tr', '', cell));
    return;
  }
  const groups = [...costs.groups].sort((a, b) => b.costMicros - a.costMicros);
  body.replaceChildren(
    ...groups.map((group) => {
      const row = element(
        'tr',
        '',
        element('td', 'mono', label(group.key)),
        element('td', 'num', formatCount(group.records)),
        element(
          'td',
          'num',
          `${formatCount(group.inputTokens)} / ${formatCount(group.outputTokens)}`,
        ),
        element('td', 'num', formatUsd(group.costMicros)),
        ...(extra ? extra(group) : []),
      );
      row.dataset.group = group.key;
      return row;
    }),
  );
}

const SEVERITY_KIND = { info: 'muted', warning: 'warn', critical: 'bad' };

/** One alert notification; `formatWhen` shows its timestamp (the time of day by default). */
export function alertItem(alert, firingNow, formatWhen = formatTime) {
  const labels = Object.entries(alert.labels ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const item = element(
    'li',
    firingNow ? 'alert firing' : 'alert',
    badge(alert.severity, SEVERITY_KIND[alert.severity] ?? 'muted'),
    badge(alert.state, alert.state === 'firing' ? 'bad' : 'ok'),
    element('span', 'strong', alert.rule),
    element('span', 'muted', formatWhen(alert.timestamp)),
    element('div', '', alert.message),
  );
  if (labels) item.append(element('div', 'muted mono', labels));
  return item;
}

/** Firing alerts first, then recent notifications. */
export function renderAlerts(alerts) {
  const list = document.getElementById('alerts');
  if (!alerts) {
    list.replaceChildren(element('li', 'muted', 'Monitoring is off.'));
    return;
  }
  // The notification that started a firing alert is already shown at the top.
  const firing = new Set(alerts.firing.map((alert) => `${alert.id} ${alert.timestamp}`));
  const recent = alerts.recent.filter((alert) => !firing.has(`${alert.id} ${alert.timestamp}`));
  const items = [
    ...alerts.firing.map((alert) => alertItem(alert, true)),
    ...recent.slice(0, 12).map((alert) => alertItem(alert, false)),
  ];
  list.replaceChildren(...(items.length ? items : [element('li', 'muted', 'No alerts.')]));
}

/** The ranked candidates of a routing explanation. */
export function renderExplanation(explanation) {
  const kept = explanation.candidates.filter((candidate) => candidate.kept);
  setText(
    'explain-summary',
    `Strategy ${explanation.strategy}: ${kept.length} of ${explanation.candidates.length} candidates usable.`,
  );
  const ordered = [...explanation.candidates].sort(
    (a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER),
  );
  document
    .getElementById('explain')
    .replaceChildren(
      ...ordered.map((candidate) =>
        element(
          'li',
          candidate.kept ? 'candidate' : 'candidate dropped',
          element('span', 'rank', candidate.kept ? `#${candidate.rank}` : '—'),
          element('span', 'mono', candidate.deployment.id),
          badge(candidate.kept ? 'kept' : 'dropped', candidate.kept ? 'ok' : 'bad'),
          element('span', 'muted', candidate.reason ?? ''),
        ),
      ),
    );
}

/** Shows an explanation error (an unknown model, say) in place of the candidates. */
export function renderExplanationError(message) {
  setText('explain-summary', message);
  document.getElementById('explain').replaceChildren();
}

/** The model names offered in the routing form. */
export function renderModelNames(models) {
  const names = [...new Set(models.data.map((model) => model.id))].sort();
  document
    .getElementById('model-names')
    .replaceChildren(
      ...names.map((name) => Object.assign(document.createElement('option'), { value: name })),
    );
}
