import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random alphanumeric id of `length` characters, as OpenAI's ids look. */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/** Seconds since the epoch, as OpenAI's `created` fields are. */
export const unixSeconds = (): number => Math.floor(Date.now() / 1_000);
