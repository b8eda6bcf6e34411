// Names from the OpenTelemetry GenAI semantic conventions (development status), kept in one place
// so a convention rename is a one-line change.
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';

export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_USAGE_INPUT = 'gen_ai.usage.input_tokens';
export const ATTR_USAGE_OUTPUT = 'gen_ai.usage.output_tokens';
export const ATTR_USAGE_CACHE_READ = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';

/** Seconds: 0.01 doubling to 81.92, as the conventions advise. */
export const DURATION_BUCKETS = Array.from({ length: 14 }, (_, i) => 0.01 * 2 ** i);
/** Tokens: 1, 4, 16, ... 67108864. */
export const TOKEN_BUCKETS = Array.from({ length: 14 }, (_, i) => 4 ** i);
