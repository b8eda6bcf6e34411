// Metric names: OpenTelemetry semantic conventions (GenAI, process, system, V8, Node.js) where they
// exist, `loom.*` for Loom's own. Kept in one file so a convention rename is a one-line change.

/** GenAI client operation duration, histogram, seconds (required by the conventions). */
export const OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** GenAI token usage, histogram, `{token}`, attribute `gen_ai.token.type`. */
export const TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Time to the first streamed chunk, histogram, seconds. */
export const TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';

/** Loom: requests finished, counter, attribute `loom.outcome`. */
export const REQUESTS = 'loom.requests';
/** Loom: attempt errors by class (`error.type`), counter. */
export const ERRORS = 'loom.errors';
/** Loom: output tokens per second of an attempt, histogram. */
export const OUTPUT_TOKENS_PER_SECOND = 'loom.output_tokens_per_second';
/** Loom: requests that needed more than one attempt, counter. */
export const RETRIES = 'loom.retries';
/** Loom: requests served by a deployment other than their first attempt's, counter. */
export const FALLBACKS = 'loom.fallbacks';
/** Loom: circuit breaker state changes, counter, attribute `loom.circuit.state`. */
export const CIRCUIT_CHANGES = 'loom.circuit.changes';
/**
 * Loom: response cache lookups, counter, attribute `loom.cache.result` = hit | miss. The hit ratio
 * over a range is `sum(hit) / sum(hit and miss)`; `loom.requests` counts hits too (with
 * `loom.cache.result` = hit).
 */
export const CACHE_LOOKUPS = 'loom.cache.lookups';
/** Loom: cost of priced attempts, counter, USD, per provider and model (from `cost:recorded`). */
export const COST = 'loom.cost';
/** Loom: attempts with no known price, counter (their cost is unknown, not zero). */
export const UNPRICED_ATTEMPTS = 'loom.cost.unpriced_attempts';

/** Loom: session requests, counter, attributes `loom.session.id`, `user.id`, tags. */
export const SESSION_REQUESTS = 'loom.session.requests';
/** Loom: session tokens, counter, attribute `gen_ai.token.type`. */
export const SESSION_TOKENS = 'loom.session.tokens';
/** Loom: session cost, counter, USD. */
export const SESSION_COST = 'loom.session.cost';
/** Loom: last activity of a session, gauge, epoch seconds. */
export const SESSION_LAST_ACTIVITY = 'loom.session.last_activity';

/** Attribute names. */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',
  outcome: 'loom.outcome',
  circuitState: 'loom.circuit.state',
  deployment: 'loom.deployment',
  cacheResult: 'loom.cache.result',
  session: 'loom.session.id',
  user: 'user.id',
} as const;
