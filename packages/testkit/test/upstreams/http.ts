/** POSTs JSON and returns the response. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The `data:` payloads of an SSE body, `[DONE]` kept as a string. */
export function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice(6))
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as unknown)));
}

/** The objects of an NDJSON body. */
export function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A fault chosen for one request by header. */
export const simulate = (fault: unknown) => ({ 'x-loom-simulate': JSON.stringify(fault) });

/** Reads a body to the end, or the error that ended it. */
export async function readOrError(response: Response): Promise<string | Error> {
  try {
    return await response.text();
  } catch (error) {
    return error as Error;
  }
}

/** Waits until `condition` holds, up to `ms`. */
export async function eventually(condition: () => boolean, ms = 2_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** The value at `path` inside parsed JSON, or undefined: typed access without `any`. */
export function dig(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** `dig` for values a test knows are arrays. */
export const digArray = (value: unknown, ...path: Array<string | number>): unknown[] => {
  const found = dig(value, ...path);
  return Array.isArray(found) ? found : [];
};

/** `dig` for strings. */
export const digString = (value: unknown, ...path: Array<string | number>): string => {
  const found = dig(value, ...path);
  return typeof found === 'string' ? found : '';
};
