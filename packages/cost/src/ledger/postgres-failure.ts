/**
 * What a failed PostgreSQL call means for the rows it carried:
 * - `unreachable`: no answer, or a server that cannot serve now but may soon; retry later.
 * - `refused`: the server answered and will not (password, missing database, privileges, a
 *   dropped table); waiting helps only once someone fixes it, so rows still wait.
 * - `bad-row`: the server refused the data itself (a NUL byte, a value out of range); retrying
 *   those rows can never succeed.
 */
export type PostgresFailure = 'unreachable' | 'refused' | 'bad-row';

// SQLSTATE classes of a server that may serve again soon: 08 connection exception, 40 rollback
// (serialization, deadlock), 53 insufficient resources (too many connections), 55 object not in
// prerequisite state (lock not available), 57 operator intervention (shutdown, starting up), 58
// system error (I/O).
const TRANSIENT = new Set(['08', '40', '53', '55', '57', '58']);
// 22 data exception, 23 integrity constraint violation: the row, not the server.
const BAD_ROW = new Set(['22', '23']);

/** Classifies an error thrown by `pg`. */
export function postgresFailure(error: unknown): PostgresFailure {
  const fields = (error ?? {}) as { code?: unknown; severity?: unknown };
  // Only errors the server sent carry a severity; socket errors (ECONNREFUSED, EPIPE) and the
  // driver's own ("Connection terminated unexpectedly", timeouts) do not.
  if (typeof fields.severity !== 'string' || typeof fields.code !== 'string') return 'unreachable';
  const errorClass = fields.code.slice(0, 2);
  if (TRANSIENT.has(errorClass)) return 'unreachable';
  if (BAD_ROW.has(errorClass)) return 'bad-row';
  return 'refused';
}

/** The error's message, for state reports and logs. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}
