import { isRecord } from '../json/is-record.js';

/** What Loom reads from an upstream error body, in the field names OpenAI's wire made common. */
export interface UpstreamErrorBody {
  /** Human-readable message. */
  message?: string;
  /** Error class such as `invalid_request_error` or `BadRequestError`. */
  type?: string;
  /** Machine code: a string on OpenAI (`insufficient_quota`), an HTTP status number on vLLM. */
  code?: string | number;
  /** The request parameter at fault, when the upstream names one. */
  param?: string;
}

/** Reads an error body; `body` is the parsed JSON (undefined when it was not JSON). */
export type ErrorBodyParser = (body: unknown) => UpstreamErrorBody | undefined;

/** The OpenAI fields of an error object, ignoring fields of the wrong type. */
export function readErrorFields(value: Record<string, unknown>): UpstreamErrorBody {
  const result: UpstreamErrorBody = {};
  if (typeof value.message === 'string') result.message = value.message;
  if (typeof value.type === 'string') result.type = value.type;
  if (typeof value.code === 'string' || typeof value.code === 'number') result.code = value.code;
  if (typeof value.param === 'string') result.param = value.param;
  return result;
}

/**
 * The default parser, for the shapes most HTTP wires use: `{"error": {"message", "type", "param",
 * "code"}}` (OpenAI and its compatibles), `{"error": "text"}` (Ollama and others) and a top-level
 * `{"message": "text"}`.
 */
export const parseJsonErrorBody: ErrorBodyParser = (body) => {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (typeof error === 'string') return { message: error };
  if (isRecord(error)) return readErrorFields(error);
  if (typeof body.message === 'string') return { message: body.message };
  return undefined;
};
