import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { MaxTokensField, ModelOverrides } from './compatible/openai-compatible-config.js';

/** Settings of `createOpenAI` and `lmStudio`. Every field is optional. */
export interface OpenAISettings {
  /** Provider id, used in `id/model` targets; default `openai` (`lmstudio` for `lmStudio`). */
  id?: string;
  /** API base URL with its `/v1`; default env `OPENAI_BASE_URL`, else `https://api.openai.com/v1`. */
  baseURL?: string;
  /**
   * API key, or a function returning it (called at every request, so keys can rotate). When
   * omitted, `OPENAI_API_KEY` is read at call time. Required only by api.openai.com.
   */
  apiKey?: string | (() => string | undefined | PromiseLike<string | undefined>);
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
  /** Sent as `OpenAI-Project`. */
  project?: string;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** Context windows and capabilities by model id, merged into what `/models` reports. */
  models?: ModelOverrides;
  /** Most sockets open at once; default 64. */
  connections?: number;
  /** Idle socket lifetime, milliseconds; undici's default (4 s) when absent. */
  keepAliveTimeoutMs?: number;
  /** Limit for opening a socket, milliseconds; undici's default (10 s) when absent. */
  connectTimeoutMs?: number;
  /** Limit until response headers, and for streams until the first event; default 60 000 ms. */
  headersTimeoutMs?: number;
  /** Longest silence between body chunks; default 30 000 ms. */
  bodyTimeoutMs?: number;
  /** An undici dispatcher (Agent, ProxyAgent, MockAgent) instead of Loom's own pool. */
  dispatcher?: Dispatcher;
  /**
   * Body field for `maxTokens`. Default `max_completion_tokens` on api.openai.com (its reasoning
   * models refuse `max_tokens`) and `max_tokens` elsewhere, the field every compatible server reads.
   */
  maxTokensField?: MaxTokensField;
}

/** Settings after validation; the key and dispatcher stay private to the provider. */
export type ResolvedOpenAISettings = Readonly<
  Omit<OpenAISettings, 'apiKey' | 'dispatcher' | 'headers'> & {
    id: string;
    baseURL: string;
    connections: number;
    headersTimeoutMs: number;
    bodyTimeoutMs: number;
    maxTokensField: MaxTokensField;
  }
>;

const positive = z.number().int().positive('must be a positive integer');
const httpURL = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http:// or https:// URL',
  })
  .refine((value) => !URL.canParse(value) || new URL(value).username === '', {
    message: 'must not hold credentials; use apiKey or headers',
  });
const flag = z.boolean().optional();
const capabilities = z.strictObject({
  chat: flag,
  streaming: flag,
  tools: flag,
  vision: flag,
  jsonSchema: flag,
  embeddings: flag,
  reasoning: flag,
});

/** The zod schema of `OpenAISettings`, shared with providers built on the same settings. */
export const openAISettingsSchema = z.strictObject({
  id: z.string().trim().min(1, 'must be a non-empty string').optional(),
  baseURL: httpURL.optional(),
  apiKey: z
    .union([
      z.string().min(1, 'must be a non-empty string'),
      z.custom<() => string | undefined>(
        (value) => typeof value === 'function',
        'must be a string or a function',
      ),
    ])
    .optional(),
  organization: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  models: z
    .record(
      z.string(),
      z.strictObject({
        contextWindow: positive.optional(),
        maxOutputTokens: positive.optional(),
        capabilities: capabilities.optional(),
        ownedBy: z.string().optional(),
        loaded: z.boolean().optional(),
      }),
    )
    .optional(),
  connections: positive.optional(),
  keepAliveTimeoutMs: positive.optional(),
  connectTimeoutMs: positive.optional(),
  headersTimeoutMs: positive.optional(),
  bodyTimeoutMs: z.number().int().nonnegative('must be 0 (off) or a positive integer').optional(),
  dispatcher: z
    .custom<Dispatcher>(
      (value) => typeof (value as Dispatcher | null)?.request === 'function',
      'must be an undici Dispatcher',
    )
    .optional(),
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
});
