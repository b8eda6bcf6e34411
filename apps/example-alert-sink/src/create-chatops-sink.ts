import { type Alert, type AlertSinkV1, ConfigError } from '@loom/core';
import { type ChatopsSettings, chatopsSettingsSchema } from './chatops-settings.js';

/** The message a person reads in the channel, and the alert itself for tools. */
function payloadOf(alert: Alert) {
  const icon = alert.state === 'resolved' ? 'resolved' : alert.severity.toUpperCase();
  return { text: `[${icon}] ${alert.rule}: ${alert.message}`, alert };
}

/**
 * An alert sink that posts every alert as JSON to a chat-ops endpoint. A delivery that fails
 * (no answer, a non-2xx status, the time limit) rejects: the kernel logs it and carries on.
 */
export function createChatopsSink(input: ChatopsSettings): AlertSinkV1 {
  const parsed = chatopsSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError({
      source: 'createChatopsSink',
      path: issue?.path.map(String).join('.') || '(settings)',
      message: issue?.message ?? 'invalid settings',
    });
  }
  const { name, url, token, timeoutMs } = parsed.data;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return {
    specificationVersion: 'v1',
    name,
    async doSend(alert, { signal }) {
      signal.throwIfAborted();
      // One controller for the caller's signal and our own limit: a timer we can clear.
      const controller = new AbortController();
      const stop = () => controller.abort(signal.reason);
      signal.addEventListener('abort', stop, { once: true });
      const timer = setTimeout(
        () => controller.abort(new Error(`${name}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(payloadOf(alert)),
          signal: controller.signal,
        });
        await response.body?.cancel();
        if (!response.ok) throw new Error(`${name}: ${url} answered ${response.status}`);
      } catch (error) {
        throw controller.signal.aborted ? controller.signal.reason : error;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', stop);
      }
    },
  };
}
