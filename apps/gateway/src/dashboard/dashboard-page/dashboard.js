// The dashboard's main loop: poll the JSON API, render, repeat. One poll at a time; a failed
// poll shows why in the status line and the next one tries again.

import { getJson, getOptionalJson, NeedsKeyError, useKey } from './api-client.js';
import { createChart, cumulative } from './charts.js';
import { formatCount, formatDuration, formatMs, formatTime } from './format.js';
import {
  renderAlerts,
  renderBudgets,
  renderExplanation,
  renderExplanationError,
  renderModelNames,
  renderProviders,
  renderSpend,
  renderTiles,
} from './render.js';
import { mountReport } from './report.js';
import { renderTenants } from './tenants-render.js';

const query = new URLSearchParams(window.location.search);
/** `?interval=2s` or `1500ms`, as the API's durations are written; anything else keeps 1.5 s. */
function pollInterval(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text ?? '');
  if (!match) return 1500;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}
const POLL_MS = Math.max(500, pollInterval(query.get('interval')));
const STATS_PATH = `/api/stats?window=${encodeURIComponent(query.get('window') ?? '3m')}&step=${encodeURIComponent(query.get('step') ?? '3s')}`;

const status = document.getElementById('status');
const keyForm = document.getElementById('key-form');
const modelInput = document.getElementById('explain-model');
if (query.get('model')) modelInput.value = query.get('model');

let charts = null;
function chartsOnce() {
  charts ??= {
    requests: createChart(document.getElementById('chart-requests'), (v) => v.toFixed(2)),
    errors: createChart(
      document.getElementById('chart-errors'),
      (v) => v.toFixed(2),
      'no failed requests in the window',
    ),
    latency: createChart(document.getElementById('chart-latency'), formatMs),
    ttft: createChart(document.getElementById('chart-ttft'), formatMs),
    cost: createChart(document.getElementById('chart-cost'), (v) => `$${v.toFixed(4)}`),
  };
  return charts;
}

/** `{ provider: points }` for p50 and p95 merged as `provider p50` / `provider p95`. */
function latencySeries(series) {
  const merged = {};
  for (const [name, points] of Object.entries(series.latencyP50Ms)) merged[`${name} p50`] = points;
  for (const [name, points] of Object.entries(series.latencyP95Ms)) merged[`${name} p95`] = points;
  return merged;
}

function toUsd(record) {
  const result = {};
  for (const [name, points] of Object.entries(record)) {
    result[name] = points.map(([time, micros]) => [time, micros === null ? null : micros / 1e6]);
  }
  return result;
}

function renderCharts(stats) {
  const series = stats.series;
  if (!series || typeof window.uPlot !== 'function') return;
  const all = chartsOnce();
  all.requests.update(series.requestsPerSecond);
  all.errors.update(series.errorsPerSecond);
  all.latency.update(latencySeries(series));
  all.ttft.update(series.ttftP50Ms);
  all.cost.update(cumulative(toUsd(series.costMicros)));
}

async function explain() {
  const model = modelInput.value.trim();
  if (!model) return;
  try {
    renderExplanation(await getJson(`/api/explain?model=${encodeURIComponent(model)}`));
  } catch (error) {
    if (error instanceof NeedsKeyError) throw error;
    renderExplanationError(error instanceof Error ? error.message : String(error));
  }
}

async function poll() {
  const [providers, stats, costsByProvider, costsByModel, costsByKey, costsByTeam, alerts] =
    await Promise.all([
      getJson('/api/providers'),
      getJson(STATS_PATH),
      getOptionalJson('/api/costs?groupBy=provider'),
      getOptionalJson('/api/costs?groupBy=model'),
      getOptionalJson('/api/costs?groupBy=key'),
      getOptionalJson('/api/costs?groupBy=team'),
      getOptionalJson('/api/alerts?limit=20'),
    ]);
  renderTiles(stats, costsByProvider, alerts);
  renderProviders(providers);
  renderCharts(stats);
  renderBudgets(costsByProvider);
  renderSpend('spend-provider', costsByProvider);
  renderSpend('spend-model', costsByModel);
  renderTenants('spend-key', costsByKey, 'loom.key', '(no key)');
  renderTenants('spend-team', costsByTeam, 'loom.team', '(no team)');
  renderAlerts(alerts);
  await explain();
  const total = formatCount(stats.kernel.requests.total);
  status.textContent = `live · ${total} requests · up ${formatDuration(stats.kernel.uptimeMs)} · updated ${formatTime(stats.now)}`;
  status.className = 'status ok';
}

let modelsLoaded = false;
async function loadModelNames() {
  if (modelsLoaded) return;
  try {
    renderModelNames(await getJson('/v1/models'));
    modelsLoaded = true;
  } catch {
    // Only the suggestions are missing; the next poll tries again.
  }
}

async function loop() {
  try {
    await poll();
    await loadModelNames();
    keyForm.hidden = true;
  } catch (error) {
    if (error instanceof NeedsKeyError) {
      keyForm.hidden = false;
      status.textContent = 'This gateway needs an API key to show its data.';
    } else {
      status.textContent = `update failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    status.className = 'status bad';
  }
  setTimeout(loop, POLL_MS);
}

keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = document.getElementById('key-input').value.trim();
  if (key) useKey(key);
});

document.getElementById('explain-form').addEventListener('submit', (event) => {
  event.preventDefault();
  explain().catch(() => {});
});
modelInput.addEventListener('change', () => explain().catch(() => {}));

const VIEWS = ['live', 'report'];

/** Shows one view (`live` or `report`) and remembers it in the URL (`?view=report`). */
function showView(name) {
  for (const view of VIEWS) {
    document.getElementById(`view-${view}`).hidden = view !== name;
    document.getElementById(`tab-${view}`).setAttribute('aria-selected', String(view === name));
  }
  const url = new URL(window.location.href);
  if (name === 'live') url.searchParams.delete('view');
  else url.searchParams.set('view', name);
  history.replaceState(null, '', url);
  // Charts measure their figure: ones built while the view was hidden take its width now.
  if (name === 'live') window.dispatchEvent(new Event('resize'));
}

for (const view of VIEWS) {
  document.getElementById(`tab-${view}`).addEventListener('click', () => showView(view));
}
if (VIEWS.includes(query.get('view'))) showView(query.get('view'));
mountReport();

// uPlot is a classic deferred script; modules run after it, so it is defined by now.
loop();
