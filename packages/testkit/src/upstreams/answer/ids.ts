import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Ids draw from a pool of random bytes: four small `randomBytes` calls per answer were a sixth
// of the simulator's CPU under load.
const POOL_SIZE = 4_096;
let pool = randomBytes(POOL_SIZE);
let used = 0;

/** A random alphanumeric id of `length` characters, as OpenAI's ids look. */
export function randomId(length: number): string {
  if (used + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    used = 0;
  }
  let id = '';
  for (let end = used + length; used < end; used++) id += ALPHABET[pool[used]! % ALPHABET.length];
  return id;
}

/** Seconds since the epoch, as OpenAI's `created` fields are. */
export const unixSeconds = (): number => Math.floor(Date.now() / 1_000);
