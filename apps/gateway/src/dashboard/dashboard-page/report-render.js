// Renders a `GET /api/report` answer (ReportResponse in api-types.ts) into the Report view.
// Latencies arrive in seconds; a distribution without samples arrives with null percentiles
// (NaN in JSON) and shows "no data".

import {
  formatCount,
  formatDateTime,
  formatDollars,
  formatDuration,
  formatRate,
  formatSecondsAsMs,
  formatShare,
} from './format.js';
import { alertItem, element } from './render.js';

const SOURCE_TEXT = {
  live: 'live figures of this gateway',
  persisted: 'figures a stopped gateway persisted',
};

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

/** Fills the body of table `id` with `rows`, or one muted row saying `emptyText`. */
function fillTable(id, rows, emptyText) {
  const body = document.querySelector(`#${id} tbody`);
  if (rows.length > 0) {
    body.replaceChildren(...rows);
    return;
  }
  const cell = element('td', 'muted', emptyText);
  cell.colSpan = document.querySelectorAll(`#${id} thead th`).length;
  body.replaceChildren(element('tr', '', cell));
}

const row = (...cells) => element('tr', '', ...cells);
const numberCell = (text) => element('td', 'num', text);

function renderSummary(report) {
  const period = document.getElementById('report-period');
  period.textContent =
    `${formatDateTime(report.from)} to ${formatDateTime(report.to)}` +
    ` (${formatDuration(report.to - report.from)})`;
  period.title = `${new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()}`;
  setText('report-resolution', report.resolution ?? '–');
  setText('report-source', SOURCE_TEXT[report.source] ?? report.source ?? '');
  const note = document.getElementById('report-note');
  note.textContent = report.note ?? '';
  note.hidden = !report.note;
}

function renderTotals(report) {
  const throughput = report.throughput ?? {};
  const errors = (report.errors ?? []).reduce((total, error) => total + error.count, 0);
  setText('report-requests', formatCount(throughput.requests ?? 0));
  setText('report-requests-per-second', formatRate(throughput.requestsPerSecond));
  setText('report-tokens-per-second', formatRate(throughput.outputTokensPerSecond));
  setText('report-errors', formatCount(errors));
  setText('report-cost-total', formatDollars(report.cost?.totalUsd));
  document.getElementById('report-cache-tile').hidden = !report.cache;
  if (report.cache) {
    const { hits, misses, hitRatio } = report.cache;
    setText('report-cache', formatShare(hitRatio));
    document.getElementById('report-cache').title =
      `${formatCount(hits)} hits, ${formatCount(misses)} misses`;
  }
}

function latencyRow(label, distribution, percentiles) {
  return row(
    element('td', 'strong', label),
    numberCell(formatCount(distribution?.count ?? 0)),
    ...['p50', 'p95', 'p99'].map((name) =>
      numberCell(percentiles.includes(name) ? formatSecondsAsMs(distribution?.[name]) : ''),
    ),
  );
}

function renderLatency(report) {
  fillTable(
    'report-latency',
    [
      latencyRow('Attempt latency', report.latency, ['p50', 'p95', 'p99']),
      latencyRow('Time to first token', report.timeToFirstChunk, ['p50', 'p95']),
    ],
    '',
  );
}

function renderBreakdowns(report) {
  fillTable(
    'report-error-types',
    (report.errors ?? []).map((error) =>
      row(element('td', 'mono', error.type), numberCell(formatCount(error.count))),
    ),
    'No errors in this period.',
  );
  // The store keeps a deployment's series after its last attempt: list only those with some.
  const deployments = (report.deployments ?? [])
    .filter((deployment) => deployment.attempts > 0)
    .sort((a, b) => b.attempts - a.attempts);
  fillTable(
    'report-deployments',
    deployments.map((deployment) =>
      row(
        element('td', 'strong', deployment.provider),
        element('td', 'mono', deployment.model),
        numberCell(formatCount(deployment.attempts)),
        numberCell(formatSecondsAsMs(deployment.latencyP95)),
      ),
    ),
    'No traffic in this period.',
  );
  fillTable(
    'report-sessions',
    (report.topSessions ?? []).map((session) =>
      row(
        element('td', 'mono', session.sessionId),
        numberCell(formatCount(session.requests)),
        numberCell(formatCount(session.tokens)),
        numberCell(session.costUsd === undefined ? '–' : formatDollars(session.costUsd)),
      ),
    ),
    'No requests named a session in this period.',
  );
}

function renderCost(cost) {
  fillTable(
    'report-cost',
    (cost?.byProvider ?? []).map((group) =>
      row(
        element('td', 'mono', group.provider),
        numberCell(formatCount(group.records)),
        numberCell(formatDollars(group.costUsd)),
      ),
    ),
    'No spend in this period.',
  );
  const total = row(
    element('td', 'strong', 'Total'),
    numberCell(formatCount(cost?.records ?? 0)),
    numberCell(formatDollars(cost?.totalUsd)),
  );
  document.querySelector('#report-cost tfoot').replaceChildren(total);
}

function renderReportAlerts(alerts) {
  const items = (alerts ?? []).map((alert) => alertItem(alert, false, formatDateTime));
  document
    .getElementById('report-alerts')
    .replaceChildren(
      ...(items.length ? items : [element('li', 'muted', 'No alerts in this period.')]),
    );
}

/** Shows `report` in the Report view. */
export function renderReport(report) {
  renderSummary(report);
  renderTotals(report);
  renderLatency(report);
  renderBreakdowns(report);
  renderCost(report.cost);
  renderReportAlerts(report.alerts);
  document.getElementById('report-body').hidden = false;
}
