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
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
