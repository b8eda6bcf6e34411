import type { Readable } from 'node:stream';

/**
 * Reads a whole response body as UTF-8 text. Used instead of undici's `body.text()`, which
 * resolves its promise twice per body: Node reports each second resolve to its promise hook,
 * which cost about 2 % of the gateway's CPU under load. Rejects with the body's error (an abort
 * reason, a socket failure), or when the body closes before its end.
 */
export function readText(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    body.once('end', () => {
      const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      resolve(whole.toString('utf8'));
    });
    body.once('error', reject);
    body.once('close', () => {
      // After `end` this changes nothing; without it the body was cut.
      if (!body.readableEnded) reject(new Error('the response body closed before its end'));
    });
  });
}
