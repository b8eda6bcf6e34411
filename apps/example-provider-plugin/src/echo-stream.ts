import type { ChatStreamPart } from '@loom/core';
import type { EchoPlan } from './echo-request.js';

/**
 * Streams the answer word by word, then usage and the finish part. A generator, so breaking out
 * of `for await` ends it at once; the abort check before each part stops a cancelled stream.
 */
export async function* echoStream(
  plan: EchoPlan,
  meta: { id: string; model: string },
  signal: AbortSignal,
): AsyncGenerator<ChatStreamPart> {
  const parts: ChatStreamPart[] = [
    { type: 'response-metadata', id: meta.id, model: meta.model },
    ...(plan.answer.match(/\s*\S+\s*/g) ?? []).map(
      (delta): ChatStreamPart => ({ type: 'text-delta', delta }),
    ),
    { type: 'usage', usage: plan.usage },
    { type: 'finish', finishReason: 'stop', usage: plan.usage },
  ];
  for (const part of parts) {
    if (signal.aborted) throw signal.reason;
    yield part;
  }
}
