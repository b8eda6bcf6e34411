// The Report view: pick a period, fetch `GET /api/report` for it and show it; download the shown
// period as Markdown (`format=md`) or as the JSON on screen. Errors show the API's own message.

import { ApiError, getJson, getText, NeedsKeyError } from './api-client.js';
import { formatTime } from './format.js';
import { renderReport } from './report-render.js';

const PRESET_MS = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
};

const form = document.getElementById('report-form');
const fromInput = document.getElementById('report-from');
const toInput = document.getElementById('report-to');
const showButton = document.getElementById('report-show');
const markdownButton = document.getElementById('report-download-md');
const jsonButton = document.getElementById('report-download-json');
const status = document.getElementById('report-status');
const errorLine = document.getElementById('report-error');
const body = document.getElementById('report-body');

/** The report on screen; downloads are of its period. */
let shown = null;

/** `2026-12-07T15:04` in local time, as a datetime-local input takes it. */
function localInputValue(epochMs) {
  const date = new Date(epochMs - new Date(epochMs).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

/** The picked period in epoch ms; throws when a custom end is missing or unreadable. */
function pickedPeriod(now = Date.now()) {
  const choice = new FormData(form).get('period');
  if (choice !== 'custom') return { from: now - PRESET_MS[choice], to: now };
  // A datetime-local value has no offset, so Date reads it as local time, as the user meant.
  const from = new Date(fromInput.value).getTime();
  const to = new Date(toInput.value).getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new Error('Pick both the start and the end of the custom period.');
  }
  return { from, to };
}

function reportPath({ from, to }, format) {
  const query = new URLSearchParams({ from: String(from), to: String(to) });
  if (format) query.set('format', format);
  return `/api/report?${query}`;
}

/** `20261207T150405Z`: a UTC time for file names, without separators that read as the range's. */
function fileStamp(epochMs) {
  return new Date(epochMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function messageOf(error) {
  if (error instanceof NeedsKeyError) {
    return 'This gateway needs an API key: enter it at the top of the page.';
  }
  if (error instanceof ApiError) {
    return error.detail
      ? `${error.detail} (HTTP ${error.status})`
      : `The gateway answered HTTP ${error.status}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

function showError(message) {
  errorLine.textContent = message;
  errorLine.hidden = false;
}

function setShown(report) {
  shown = report;
  body.hidden = report === null;
  markdownButton.disabled = report === null;
  jsonButton.disabled = report === null;
}

async function show() {
  errorLine.hidden = true;
  showButton.disabled = true;
  status.textContent = 'Loading…';
  try {
    const report = await getJson(reportPath(pickedPeriod()));
    renderReport(report);
    setShown(report);
    status.textContent = `Report made at ${formatTime(Date.now())}.`;
  } catch (error) {
    setShown(null);
    status.textContent = 'No report.';
    showError(messageOf(error));
  } finally {
    showButton.disabled = false;
  }
}

/** Saves `text` as a file named `name` through a Blob URL and an `<a download>`. */
function save(text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(format) {
  if (!shown) return;
  errorLine.hidden = true;
  const period = { from: shown.from, to: shown.to };
  const name = `loom-report-${fileStamp(period.from)}-${fileStamp(period.to)}.${format}`;
  try {
    if (format === 'md') {
      save(await getText(reportPath(period, 'md'), 'text/markdown'), 'text/markdown', name);
    } else {
      save(`${JSON.stringify(shown, null, 2)}\n`, 'application/json', name);
    }
  } catch (error) {
    showError(messageOf(error));
  }
}

/** Wires the Report view's form and buttons. */
export function mountReport() {
  const now = Date.now();
  fromInput.value = localInputValue(now - PRESET_MS['1h']);
  toInput.value = localInputValue(now);
  // Editing an end of the custom range picks the custom period.
  for (const input of [fromInput, toInput]) {
    input.addEventListener('input', () => {
      form.querySelector('input[name="period"][value="custom"]').checked = true;
    });
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });
  markdownButton.addEventListener('click', () => download('md'));
  jsonButton.addEventListener('click', () => download('json'));
}
