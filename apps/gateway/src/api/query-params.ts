import type { IncomingMessage } from 'node:http';
import { invalidRequest } from '../errors/gateway-error.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The query string of a request. */
export function queryOf(request: IncomingMessage): URLSearchParams {
  return new URL(request.url ?? '/', 'http://gateway').searchParams;
}

/** A duration such as `15m`, `10s`, `2h`, `7d` or plain milliseconds; 400 naming `param` otherwise. */
export function durationParam(query: URLSearchParams, param: string, fallback: number): number {
  const text = query.get(param);
  if (text === null || text === '') return fallback;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!(value > 0)) {
    throw invalidRequest(
      `Query parameter '${param}' must be a duration such as 10s, 15m, 2h or 7d (or milliseconds), got '${text}'.`,
      param,
      'invalid_query_parameter',
    );
  }
  return Math.round(value);
}

/** A time: epoch milliseconds, or an ISO 8601 date or date-time; 400 naming `param` otherwise. */
export function timeParam(query: URLSearchParams, param: string): number | undefined {
  const text = query.get(param);
  if (text === null || text === '') return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) {
    throw invalidRequest(
      `Query parameter '${param}' must be epoch milliseconds or an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z, got '${text}'.`,
      param,
      'invalid_query_parameter',
    );
  }
  return value;
}

/** A whole number in [min, max]; 400 naming `param` otherwise. */
export function integerParam(
  query: URLSearchParams,
  param: string,
  range: { min: number; max: number; fallback: number },
): number {
  const text = query.get(param);
  if (text === null || text === '') return range.fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw invalidRequest(
      `Query parameter '${param}' must be a whole number from ${range.min} to ${range.max}, got '${text}'.`,
      param,
      'invalid_query_parameter',
    );
  }
  return value;
}
