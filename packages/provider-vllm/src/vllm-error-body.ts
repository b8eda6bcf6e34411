import { type ErrorBodyParser, parseJsonErrorBody, readErrorFields } from '@loom/provider-utils';

/**
 * Reads vLLM's error bodies: `{"error": {"message", "type", "param", "code": 400}}` (an integer
 * `code` holding the HTTP status), the older top-level `{"object": "error", "message", ...}`,
 * and FastAPI's `{"detail": "..."}` for routes vLLM does not serve.
 */
export const parseVllmErrorBody: ErrorBodyParser = (body) => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  if (record.object === 'error') return readErrorFields(record);
  if (typeof record.detail === 'string') return { message: record.detail };
  return parseJsonErrorBody(body);
};
