// Number and time formatting for the dashboard. Amounts arrive as integer micro-dollars.

/** `$1.23`, `$0.0123`, `$0.000123`: enough digits that small demo spends are not shown as 0. */
export function formatUsd(micros) {
  if (micros === null || micros === undefined) return '–';
  const usd = micros / 1_000_000;
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}

/** An integer with thousands separators. */
export function formatCount(value) {
  if (value === null || value === undefined) return '–';
  return Math.round(value).toLocaleString('en-US');
}

/** Milliseconds, rounded; seconds past 10 s. */
export function formatMs(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value)} ms`;
}

/** A ratio in [0, 1] as a percentage. */
export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '–';
  return `${(ratio * 100).toFixed(ratio >= 0.999 || ratio === 0 ? 0 : 1)}%`;
}

/** Local wall-clock time of an epoch-ms timestamp. */
export function formatTime(epochMs) {
  if (!epochMs) return '–';
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
}

/** Seconds from now until an epoch-ms time, in words (`in 3 h 20 min`). */
export function formatUntil(epochMs, now = Date.now()) {
  if (!epochMs) return 'never resets';
  const minutes = Math.max(0, Math.round((epochMs - now) / 60_000));
  if (minutes < 60) return `resets in ${minutes} min`;
  return `resets in ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A duration such as an uptime: `42 s`, `3 min 5 s`, `2 h 10 min`. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  if (seconds < 2 * 86_400) {
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  }
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
}

// The report's figures: a distribution without samples arrives as null (NaN in JSON) and reads
// as "no data", never as NaN or 0.
const NO_DATA = 'no data';
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/** Seconds (the report's unit) shown as milliseconds; a tenth of a ms below 10 ms. */
export function formatSecondsAsMs(seconds) {
  if (!isNumber(seconds)) return NO_DATA;
  const ms = seconds * 1000;
  return ms < 10 ? `${ms.toFixed(1)} ms` : formatMs(ms);
}

/** A rate such as requests per second; two significant digits below 1, so 0.0022 is not 0.00. */
export function formatRate(value) {
  if (!isNumber(value)) return NO_DATA;
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** An amount in US dollars (the report's cost), with the digits `formatUsd` shows. */
export function formatDollars(usd) {
  return isNumber(usd) ? formatUsd(Math.round(usd * 1_000_000)) : NO_DATA;
}

/** A ratio as a percentage, or "no data". */
export function formatShare(ratio) {
  return isNumber(ratio) ? formatPercent(ratio) : NO_DATA;
}

/** Local date and time of an epoch-ms timestamp: `2026-12-07 15:04:05`. */
export function formatDateTime(epochMs) {
  if (!isNumber(epochMs)) return '–';
  const date = new Date(epochMs);
  const two = (value) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}
