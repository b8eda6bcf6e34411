import { Pool } from 'undici';

/** What one round of chat load saw. */
export interface ChatRound {
  /** Answers with status 200. */
  served: number;
  /** Other answers and transport errors. */
  failed: number;
  /** Latency of every served request, ms. */
  latenciesMs: number[];
  durationMs: number;
}

const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
  max_tokens: 32,
});
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-client' };

/**
 * A keep-alive pool of `clients` connections to the gateway, kept across rounds so every round
 * starts warm rather than paying connection setup.
 */
export function chatPool(base: string, clients: number): Pool {
  return new Pool(base, { connections: clients, pipelining: 1 });
}

/**
 * `clients` closed-loop clients posting non-streamed `/v1/chat/completions` until `durationMs`
 * is up; a request still running at the deadline is waited for and counted.
 */
export async function chatRound(
  pool: Pool,
  clients: number,
  durationMs: number,
): Promise<ChatRound> {
  const round: ChatRound = { served: 0, failed: 0, latenciesMs: [], durationMs: 0 };
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/v1/chat/completions',
          headers: HEADERS,
          body: BODY,
        });
        await response.body.text();
        if (response.statusCode === 200) {
          round.served += 1;
          round.latenciesMs.push(performance.now() - sent);
        } else round.failed += 1;
      } catch {
        round.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  round.durationMs = Math.round(performance.now() - started);
  return round;
}
