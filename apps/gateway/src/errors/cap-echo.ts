/** The most characters of a client-sent value that an error or a log line repeats. */
export const MAX_ECHO_LENGTH = 200;

/** The longest text `capEcho` returns: the kept start, the ellipsis and the length. */
export const MAX_CAPPED_LENGTH = MAX_ECHO_LENGTH + 32;

/**
 * `value` as an error message or a log line may repeat it: as it is up to `max` characters,
 * else its start, an ellipsis and its length (`abc… (10000 characters)`), so a hostile client
 * cannot make the gateway send or log its 10 KB model name back.
 */
export function capEcho(value: string, max = MAX_ECHO_LENGTH): string {
  if (value.length <= max) return value;
  // Never end inside a surrogate pair: half a character is not valid text.
  const code = value.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${value.slice(0, end)}… (${value.length} characters)`;
}
