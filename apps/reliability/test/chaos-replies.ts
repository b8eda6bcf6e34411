type Message = { role: string; content?: unknown };

/** The last message of `role` with text content. */
export const lastOf = (messages: readonly Message[], role: string) =>
  [...messages].reverse().find((m) => m.role === role && typeof m.content === 'string')?.content as
    | string
    | undefined;

/** The last user message of a chat body (every wire here sends `messages`). */
export const promptOf = (body: unknown) =>
  lastOf(((body as { messages?: Message[] } | undefined)?.messages ?? []) as Message[], 'user');

/**
 * The answer every simulator gives: the prompt echoed. A continuation (the answer so far sent as
 * an assistant prefix) gets the rest of it, as a real model continues its own text.
 */
export function reply(body: unknown): string {
  const messages = ((body as { messages?: Message[] }).messages ?? []) as Message[];
  const answer = `answer to ${lastOf(messages, 'user') ?? ''}`;
  const last = messages.at(-1);
  if (
    last?.role === 'assistant' &&
    typeof last.content === 'string' &&
    answer.startsWith(last.content)
  ) {
    return answer.slice(last.content.length) || ' ';
  }
  return answer;
}

/** mulberry32: a small seeded generator, so a fault mix is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
