import { type Alert, type AlertSinkV1, ConfigError, LoomError, redactSecrets } from '@loom/core';
import { slackPayload } from './slack-payload.js';

/** Options of `createWebhookSink`. */
export interface WebhookSinkOptions {
  /** Where alerts are POSTed (operator config only). */
  url: string;
  /** Sink name; default `webhook`. */
  name?: string;
  /** `json` posts `{ alert }`; `slack` posts a Slack incoming-webhook message. Default `json`. */
  format?: 'json' | 'slack';
  /** Extra request headers (an auth token). */
  headers?: Record<string, string>;
  /** Time limit of one POST on top of the kernel's signal; default 5 000 ms. */
  timeoutMs?: number;
  /** Fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * An alert sink that POSTs each alert as JSON. A non-2xx answer or a timeout rejects; the kernel
 * retries with backoff and counts failures, so a broken webhook never reaches a request.
 */
export function createWebhookSink(options: WebhookSinkOptions): AlertSinkV1 {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new ConfigError({
      path: 'url',
      message: `'${redactSecrets(options.url)}' is not an absolute URL.`,
      source: 'webhook sink',
    });
  }
  const send = options.fetch ?? fetch;
  const format = options.format ?? 'json';
  const body = (alert: Alert) =>
    JSON.stringify(format === 'slack' ? slackPayload(alert) : { alert });
  return {
    specificationVersion: 'v1',
    name: options.name ?? 'webhook',
    async doSend(alert, { signal }) {
      signal.throwIfAborted();
      // A timer of our own, not AbortSignal.timeout: Node 20 may collect a timeout signal that
      // only AbortSignal.any refers to, and then the limit never fires.
      const limit = new AbortController();
      const timer = setTimeout(
        () => limit.abort(new DOMException('The webhook did not answer in time', 'TimeoutError')),
        options.timeoutMs ?? 5_000,
      );
      let response: Response;
      try {
        response = await send(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: body(alert),
          signal: AbortSignal.any([signal, limit.signal]),
        });
        await response.arrayBuffer().catch(() => undefined);
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok) {
        throw new LoomError({
          code: 'alert_delivery_failed',
          message: `Webhook ${url.host} answered ${response.status} to alert '${alert.rule}'; check the URL and the receiver.`,
          isRetryable: response.status >= 500 || response.status === 429,
          statusCode: response.status,
        });
      }
    },
    async close() {},
  };
}
