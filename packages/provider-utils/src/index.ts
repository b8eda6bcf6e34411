// Building blocks for a Loom provider over HTTP: what every wire needs under its own mapping.
export { collectSecrets } from './errors/collect-secrets.js';
export {
  type ErrorBodyParser,
  parseJsonErrorBody,
  readErrorFields,
  type UpstreamErrorBody,
} from './errors/error-body.js';
export {
  codeForErrorBody,
  codeForStatus,
  type ErrorScope,
  isRetryableCode,
  mapHttpError,
  mapInBandError,
  type UpstreamFailure,
} from './errors/map-http-error.js';
export { mapTransportError, type TransportScope } from './errors/map-transport-error.js';
export { safeCause, safeText } from './errors/redact.js';
export { probeHealth } from './http/health-probe.js';
export {
  createHttpClient,
  type HttpClient,
  type HttpClientSettings,
  type SendOptions,
} from './http/http-client.js';
export {
  type CallAuth,
  CLIENT_DEFAULTS,
  createJsonClient,
  ERROR_TEXT_LIMIT,
  errorScope,
  failureOf,
  type JsonCall,
  type JsonClient,
  type JsonClientSettings,
  readFailure,
  readLimitedText,
  sendJson,
  transportScope,
} from './http/json-client.js';
export { readText } from './http/read-text.js';
export { headerValue, parseRetryAfter, type ResponseHeaders } from './http/retry-after.js';
export { serverOf } from './http/server-of.js';
export { createSharedPool, type SharedPool } from './http/shared-pool.js';
export { type CallCancel, callCancel, throwIfAborted, undiciSignal } from './http/undici-abort.js';
export type { WholeResponse } from './http/whole-response.js';
export { isRecord } from './json/is-record.js';
export { parseSettings, type SettingsSchema } from './settings/parse-settings.js';
export { type FrameMapper, type Framer, readFramedStream } from './stream/framed-stream.js';
export { LineSplitter } from './stream/line-splitter.js';
export { type OpenStream, openStream } from './stream/open-stream.js';
export { type NdjsonMapper, readNdjsonStream } from './stream/read-ndjson-stream.js';
export { readSseStream, type SseMapper, type StreamSource } from './stream/read-sse-stream.js';
export { type StreamWatchdog, watchStream } from './stream/stream-watchdog.js';
export {
  estimatedUsage,
  estimateInputTokens,
  loadTokenCounter,
  promptTexts,
  roughTokenCount,
  type TokenCounter,
  usageOf,
} from './usage/estimate-usage.js';
