import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const perMinute = {
  /** Requests admitted per minute (sliding window). */
  requestsPerMinute: positiveInt.optional(),
  /** Tokens (prompt + completion, from the answers' usage) per minute. */
  tokensPerMinute: positiveInt.optional(),
};

const gatewayKey = z.string().min(8, 'at least 8 characters');

/** One gateway key: the key alone, or with a name for logs and its own rate limits. */
export const apiKeyEntrySchema = z.union([
  gatewayKey,
  z.strictObject({
    key: gatewayKey,
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.:@-]{1,64}$/, 'letters, digits and `_.:@-`, at most 64')
      .optional(),
    ...perMinute,
  }),
]);

/** The `server` section: listener, gateway keys, rate limits, request limits, CORS and admin. */
export const serverConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  apiKeys: z.array(apiKeyEntrySchema).optional(),
  bodyLimitBytes: positiveInt.optional(),
  drainTimeoutMs: nonNegativeInt.optional(),
  /** Default per-key limits; a key entry's own values win. */
  rateLimits: z.strictObject(perMinute).optional(),
  limits: z
    .strictObject({
      maxMessages: positiveInt.optional(),
      maxTokens: positiveInt.optional(),
      maxStreamDurationMs: positiveInt.optional(),
    })
    .optional(),
  cors: z
    .strictObject({
      origins: z.array(
        z
          .string()
          .regex(/^(\*|https?:\/\/[^/\s]+)$/, 'an origin such as https://app.example.com, or *'),
      ),
    })
    .optional(),
  /** Serve admin routes (JSON API, /metrics, dashboard) to non-loopback clients too. */
  exposeAdmin: z.boolean().optional(),
});

/** The top-level `logging` section. */
export const loggingConfigSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Log prompts and answers in access lines; off by default. */
  prompts: z.boolean().optional(),
  /** `stdout` (default), `stderr` or a file path (appended to). */
  destination: z.string().min(1).optional(),
});

/** A validated `server` section. */
export type ServerConfig = z.infer<typeof serverConfigSchema>;
/** A validated `logging` section. */
export type LoggingConfig = z.infer<typeof loggingConfigSchema>;
/** One validated gateway key entry. */
export type ApiKeyEntry = z.infer<typeof apiKeyEntrySchema>;
