import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../src/server/rate-limit/memory-rate-limiter.js';
import type {
  RateDecision,
  RateLimiter,
  RateLimits,
} from '../src/server/rate-limit/rate-limiter.js';
import { postJson } from './raw-http.js';
import { type Stack, startStack } from './start-stack.js';

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('in-memory rate limiter', () => {
  it('admits a minute of requests, then answers with the wait until one more fits', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ now: time.now });
    const limits = { requestsPerMinute: 3 };
    for (let index = 0; index < 3; index += 1) {
      expect(limiter.admit('a', limits)).toEqual({ allowed: true });
    }
    expect(limiter.admit('a', limits)).toEqual({
      allowed: false,
      retryAfterMs: 20_000,
      limit: 'requests',
    });
    // Another key has its own allowance.
    expect(limiter.admit('b', limits)).toEqual({ allowed: true });
    time.advance(19_999);
    expect(limiter.admit('a', limits).allowed).toBe(false);
    time.advance(1);
    expect(limiter.admit('a', limits)).toEqual({ allowed: true });
    expect(limiter.admit('a', limits).allowed).toBe(false);
  });

  it('takes tokens as debt and refuses until the bucket is positive again', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ now: time.now });
    const limits = { tokensPerMinute: 600 };
    expect(limiter.admit('k', limits)).toEqual({ allowed: true });
    limiter.addTokens('k', 900);
    const refused = limiter.admit('k', limits) as Extract<RateDecision, { allowed: false }>;
    expect(refused).toMatchObject({ allowed: false, limit: 'tokens' });
    // 301 tokens short at 10 tokens per second.
    expect(refused.retryAfterMs).toBe(30_100);
    time.advance(30_100);
    expect(limiter.admit('k', limits)).toEqual({ allowed: true });
  });

  it('does not count a refused request, and lets unlimited keys through untracked', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ now: time.now });
    expect(limiter.admit('free', {})).toEqual({ allowed: true });
    expect(limiter.size).toBe(0);
    const limits = { requestsPerMinute: 1, tokensPerMinute: 10 };
    limiter.admit('both', limits);
    limiter.addTokens('both', 50);
    expect(limiter.admit('both', limits)).toMatchObject({ limit: 'tokens' });
    time.advance(60_000 * 5);
    // The refused attempts above did not spend the single request.
    expect(limiter.admit('both', limits)).toEqual({ allowed: true });
  });

  it('drops keys whose allowance has refilled, so memory follows active keys', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ now: time.now });
    for (let index = 0; index < 1_000; index += 1) {
      limiter.admit(`key-${index}`, { requestsPerMinute: 10 });
    }
    expect(limiter.size).toBe(1_000);
    time.advance(60_000);
    limiter.admit('late', { requestsPerMinute: 10 });
    expect(limiter.size).toBe(1);
  });
});

const TIGHT = 'tight-key-0123456789';
const TOKENS = 'token-key-0123456789';
const STREAM_TOKENS = 'stream-key-0123456789';
const ROOMY = 'roomy-key-0123456789';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    gateway: {
      apiKeys: [
        { key: TIGHT, name: 'tight', requestsPerMinute: 2 },
        { key: TOKENS, name: 'tokens', tokensPerMinute: 5 },
        { key: STREAM_TOKENS, name: 'stream', tokensPerMinute: 5 },
        ROOMY,
      ],
      rateLimits: { requestsPerMinute: 1_000 },
    },
  });
});
afterAll(() => stack.close());

const chatURL = () => `${stack.url}/v1/chat/completions`;
const hello = {
  model: 'chat',
  messages: [{ role: 'user' as const, content: 'hello there gateway' }],
};
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('per-key rate limits over HTTP', () => {
  it('answers 429 rate_limit_exceeded with Retry-After once a key used its requests', async () => {
    for (let index = 0; index < 2; index += 1) {
      expect((await postJson(chatURL(), hello, bearer(TIGHT))).status).toBe(200);
    }
    const refused = await postJson(chatURL(), hello, bearer(TIGHT));
    expect(refused.status).toBe(429);
    // 2 per minute refill one every 30 s; a slow machine may have spent a second already.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(28);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(refused.json()).toEqual({
      error: {
        message: expect.stringContaining("2 requests per minute reached for gateway key 'tight'"),
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    // Other keys are counted apart.
    expect((await postJson(chatURL(), hello, bearer(ROOMY))).status).toBe(200);
  });

  it('surfaces as the openai client RateLimitError', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: TIGHT, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
  });

  it('charges the tokens of an answer and refuses the next request', async () => {
    const first = await postJson(chatURL(), hello, bearer(TOKENS));
    expect(first.status).toBe(200);
    const refused = await postJson(chatURL(), hello, bearer(TOKENS));
    expect(refused.status).toBe(429);
    expect(refused.json().error.message).toContain('5 tokens per minute');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('charges the final usage of a stream', async () => {
    const client = new OpenAI({
      baseURL: `${stack.url}/v1`,
      apiKey: STREAM_TOKENS,
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('hello there gateway');
    const refused = await postJson(chatURL(), hello, bearer(STREAM_TOKENS));
    expect(refused.status).toBe(429);
  });
});

describe('an injected rate limiter', () => {
  it('is asked with the key fingerprint and merged limits, and told the tokens used', async () => {
    const admitted: Array<{ key: string; limits: RateLimits }> = [];
    const charged: Array<{ key: string; tokens: number }> = [];
    let refuse = false;
    const limiter: RateLimiter = {
      async admit(key, limits) {
        admitted.push({ key, limits });
        return refuse
          ? { allowed: false, retryAfterMs: 2_500, limit: 'requests' }
          : { allowed: true };
      },
      async addTokens(key, tokens) {
        charged.push({ key, tokens });
      },
    };
    const own = await startStack({
      gateway: {
        apiKeys: [{ key: ROOMY, tokensPerMinute: 9_999 }],
        rateLimits: { requestsPerMinute: 7, tokensPerMinute: 100 },
        rateLimiter: limiter,
      },
    });
    try {
      const ok = await postJson(`${own.url}/v1/chat/completions`, hello, bearer(ROOMY));
      expect(ok.status).toBe(200);
      const usage = JSON.parse(ok.text).usage;
      expect(admitted).toEqual([
        {
          key: expect.stringMatching(/^key:[0-9a-f]{16}$/),
          limits: { requestsPerMinute: 7, tokensPerMinute: 9_999 },
        },
      ]);
      await expect
        .poll(() => charged)
        .toEqual([{ key: admitted[0]?.key, tokens: usage.total_tokens }]);
      expect(JSON.stringify(admitted)).not.toContain(ROOMY);
      refuse = true;
      const refused = await postJson(`${own.url}/v1/chat/completions`, hello, bearer(ROOMY));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('3');
    } finally {
      await own.close();
    }
  });
});
