import type { Readable } from 'node:stream';

/**
 * Reads a whole response body as UTF-8 text. Used instead of undici's `body.text()`, which
 * resolves its promise twice per body: Node reports each second resolve to its promise hook,
 * which cost about 2 % of the gateway's CPU under load. Rejects with the body's error (an abort
 * reason, a socket failure), or when the body closes before its end.
 */
export function readText(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    // Most answers arrive in one chunk: the list is made only for a second one.
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (first === undefined) first = chunk;
      else if (more === undefined) more = [first, chunk];
      else more.push(chunk);
      size += chunk.length;
    });
    // `on` rather than `once`: each fires at most once per body (a second settle is a no-op), and
    // `once` wrapped every listener in two more objects.
    body.on('end', () => {
      const whole = more ? Buffer.concat(more, size) : first;
      resolve(whole ? whole.toString('utf8') : '');
    });
    body.on('error', reject);
    body.on('close', () => {
      // After `end` this changes nothing; without it the body was cut.
      if (!body.readableEnded) reject(new Error('the response body closed before its end'));
    });
  });
}
