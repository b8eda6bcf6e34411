import type { IncomingMessage } from 'node:http';
import { parseDuration } from '@loom/bench/duration';
import { capEcho } from '../errors/cap-echo.js';
import { invalidRequest } from '../errors/gateway-error.js';

/** The query string of a request. */
export function queryOf(request: IncomingMessage): URLSearchParams {
  return new URL(request.url ?? '/', 'http://gateway').searchParams;
}

/**
 * A duration with its unit, such as `1500ms`, `10s`, `15m`, `2h` or `7d`, in milliseconds. A bare
 * number is refused (a 400 naming `param` and showing the accepted forms): in a URL it could mean
 * seconds or milliseconds.
 */
export function durationParam(query: URLSearchParams, param: string, fallback: number): number {
  const text = query.get(param);
  if (text === null || text === '') return fallback;
  const value = Math.round(parseDuration(text, { bareNumber: 'refused' }) ?? 0);
  if (value < 1) {
    throw invalidRequest(
      `Query parameter '${param}' must be a duration with a unit (ms, s, m, h or d) such as 1500ms, 10s, 15m, 2h or 7d, got '${capEcho(text)}'.`,
      param,
      'invalid_query_parameter',
    );
  }
  return value;
}

/** A time: epoch milliseconds, or an ISO 8601 date or date-time; 400 naming `param` otherwise. */
export function timeParam(query: URLSearchParams, param: string): number | undefined {
  const text = query.get(param);
  if (text === null || text === '') return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) {
    throw invalidRequest(
      `Query parameter '${param}' must be epoch milliseconds or an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z, got '${capEcho(text)}'.`,
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
      `Query parameter '${param}' must be a whole number from ${range.min} to ${range.max}, got '${capEcho(text)}'.`,
      param,
      'invalid_query_parameter',
    );
  }
  return value;
}
