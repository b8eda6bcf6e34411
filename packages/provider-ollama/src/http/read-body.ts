import type { Exchange } from './exchange.js';

/** The part of undici's response body this package reads. */
export interface ResponseBody extends AsyncIterable<Buffer | Uint8Array> {
  destroy(error?: Error): unknown;
}

/**
 * Yields body chunks with the exchange's clock running only while we wait on the upstream, at
 * `idleMs` per chunk; with `firstChunkArmed`, the clock the caller armed (a first-chunk limit)
 * runs until the first bytes instead. Time the consumer spends on a chunk is not counted.
 */
export async function* timedChunks(
  body: ResponseBody,
  exchange: Exchange,
  idleMs: number,
  { firstChunkArmed = false } = {},
): AsyncGenerator<Buffer | Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  let started = false;
  for (;;) {
    if (started || !firstChunkArmed) exchange.arm('idle', idleMs);
    const next = await iterator.next();
    exchange.disarm();
    if (next.done) return;
    started = true;
    yield next.value;
  }
}

/** Reads a whole body as UTF-8 text, keeping at most `limit` bytes (the rest is discarded). */
export async function readText(
  body: ResponseBody,
  exchange: Exchange,
  idleMs: number,
  limit = Number.POSITIVE_INFINITY,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of timedChunks(body, exchange, idleMs)) {
    if (size < limit) chunks.push(Buffer.from(chunk));
    size += chunk.byteLength;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return size > limit ? text.slice(0, limit) : text;
}
