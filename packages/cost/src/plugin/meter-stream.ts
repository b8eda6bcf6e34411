import type { ChatStreamPart } from '@loom/core';
import type { StreamMeter } from './request-costs.js';

/**
 * Passes a stream through, counting what it produced into `meter`; after each counted part
 * `check` may throw (a budget cutting the stream).
 */
export async function* meterStream(
  stream: AsyncIterable<ChatStreamPart>,
  meter: StreamMeter,
  check: () => void | Promise<void>,
): AsyncGenerator<ChatStreamPart> {
  for await (const part of stream) {
    if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
      meter.outputCharacters += part.delta.length;
    } else if (part.type === 'tool-call-delta') {
      meter.outputCharacters += (part.argumentsDelta?.length ?? 0) + (part.name?.length ?? 0);
    } else if (part.type === 'usage') {
      meter.usage = part.usage;
    } else if (part.type === 'finish' && part.usage) {
      meter.usage = part.usage;
    }
    if (part.type !== 'finish') await check();
    yield part;
  }
}
