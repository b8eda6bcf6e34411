/** What one generated request ended with, as the client saw it. */
export interface TrafficResult {
  model: string;
  stream: boolean;
  user: string;
  /** HTTP status; 0 when the request never got an answer. */
  status: number;
  ok: boolean;
  /** From the `x-loom-*` headers. */
  provider?: string;
  servedModel?: string;
  attempts?: number;
  durationMs: number;
  /** The error message for a failed request. */
  error?: string;
}

/** Options of `startTraffic`. */
export interface TrafficOptions {
  /** Gateway origin, `http://127.0.0.1:4000`. */
  url: string;
  /** Model aliases to call, picked at random (the first twice as often). */
  models: readonly string[];
  /** Requests started per second on average; default 3. */
  ratePerSecond?: number;
  /** Share of streamed requests, 0 to 1; default 0.5. */
  streamShare?: number;
  /** Most requests in flight; arrivals beyond it are skipped. Default 16. */
  maxInFlight?: number;
  /** A gateway API key, when the gateway requires one. */
  apiKey?: string;
  /** Called with every finished request. */
  onResult?: (result: TrafficResult) => void;
}

/** A running traffic generator. */
export interface Traffic {
  /** Counts so far. */
  counts(): { sent: number; ok: number; failed: number; skipped: number };
  /** Stops starting requests, aborts those in flight and waits for them. */
  stop(): Promise<void>;
}

const USERS = ['alice', 'bob', 'carol', 'dave'];
const TEAMS = ['search', 'support'];
const QUESTIONS = [
  'How does Loom pick a provider?',
  'What happens when an upstream fails?',
  'Summarise the budget rules in one sentence.',
  'Why does time to first token matter?',
  'When is a local model the better choice?',
  'Explain circuit breakers briefly.',
  'What does a failover cost?',
  'Give me three tips for cheaper LLM calls.',
];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

async function readStream(response: Response): Promise<string | undefined> {
  // The gateway reports a failure after the first chunk in-band, as an `error` object.
  const text = await response.text();
  const match = /"error":\s*\{[^}]*"message":\s*"([^"]*)"/.exec(text);
  return match?.[1];
}

/**
 * Sends chat requests to the gateway at a steady average rate (exponential gaps), mixing
 * streamed and plain requests, users and team tags, the way a handful of app sessions would.
 */
export function startTraffic(options: TrafficOptions): Traffic {
  const rate = options.ratePerSecond ?? 3;
  const streamShare = options.streamShare ?? 0.5;
  const maxInFlight = options.maxInFlight ?? 16;
  const models = [options.models[0]!, ...options.models];
  const counts = { sent: 0, ok: 0, failed: 0, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function send(): Promise<void> {
    const stream = Math.random() < streamShare;
    const model = pick(models);
    const user = pick(USERS);
    const started = performance.now();
    const result: TrafficResult = { model, stream, user, status: 0, ok: false, durationMs: 0 };
    try {
      const response = await fetch(`${options.url}/v1/chat/completions`, {
        method: 'POST',
        signal: abort.signal,
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model,
          user,
          metadata: { team: pick(TEAMS) },
          max_tokens: 200,
          messages: [{ role: 'user', content: `${pick(QUESTIONS)} (${counts.sent})` }],
          ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
        }),
      });
      result.status = response.status;
      result.provider = response.headers.get('x-loom-provider') ?? undefined;
      result.servedModel = response.headers.get('x-loom-model') ?? undefined;
      const attempts = response.headers.get('x-loom-attempts');
      if (attempts) result.attempts = Number(attempts);
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        result.error = body.error?.message ?? `HTTP ${response.status}`;
      } else if (stream) {
        result.error = await readStream(response);
      } else {
        await response.arrayBuffer();
      }
      result.ok = response.ok && result.error === undefined;
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
    }
    result.durationMs = Math.round(performance.now() - started);
    if (result.ok) counts.ok += 1;
    else counts.failed += 1;
    if (!stopped) options.onResult?.(result);
  }

  function schedule(): void {
    if (stopped) return;
    const gapMs = -Math.log(1 - Math.random()) * (1000 / rate);
    timer = setTimeout(() => {
      if (inFlight.size >= maxInFlight) counts.skipped += 1;
      else {
        counts.sent += 1;
        const request = send().finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      schedule();
    }, gapMs);
  }
  schedule();

  return {
    counts: () => ({ ...counts }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
