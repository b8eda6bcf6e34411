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
const label = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,64}$/, 'letters, digits and `_.:@-`, at most 64');

/**
 * One gateway key: the key alone, or with a name, team and owner, the models it may use, an expiry
 * and its own rate limits.
 */
export const apiKeyEntrySchema = z.union([
  gatewayKey,
  z.strictObject({
    key: gatewayKey,
    name: label.optional(),
    /** The team the key belongs to: budgets with `scope: team` and reports group by it. */
    team: label.optional(),
    /** Who holds the key (a person or service): `scope: owner` budgets and reports. */
    owner: label.optional(),
    /** Models the key may use (aliases or `provider/model`, `*` for any run); default all. */
    models: z.array(z.string().min(1)).min(1).optional(),
    /** When the key stops working (then 401 `expired_api_key`): an ISO 8601 date-time. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    ...perMinute,
  }),
]);

/**
 * How long a client may take to send a whole request (headers and body), and its headers alone,
 * ms. Only receiving the request is timed: a long answer or stream is not cut.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** See `DEFAULT_REQUEST_TIMEOUT_MS`. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;

/** The `server` section: listener, gateway keys, rate limits, request limits, CORS and admin. */
export const serverConfigSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65_535).optional(),
    host: z.string().min(1).optional(),
    apiKeys: z.array(apiKeyEntrySchema).optional(),
    bodyLimitBytes: positiveInt.optional(),
    drainTimeoutMs: nonNegativeInt.optional(),
    /** Most time to receive a whole request (headers and body), ms; default 60 000. */
    requestTimeoutMs: positiveInt.optional(),
    /** Most time to receive a request's headers, ms; default 15 000; at most `requestTimeoutMs`. */
    headersTimeoutMs: positiveInt.optional(),
    /** Default per-key limits; a key entry's own values win. */
    rateLimits: z.strictObject(perMinute).optional(),
    limits: z
      .strictObject({
        maxMessages: positiveInt.optional(),
        maxTokens: positiveInt.optional(),
        maxStreamDurationMs: positiveInt.optional(),
        /** Most `metadata` tags in one request; default 64. */
        maxTags: positiveInt.optional(),
        /** Most UTF-8 bytes of all `metadata` keys and values together; default 4096. */
        maxTagBytes: positiveInt.optional(),
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
  })
  .superRefine((server, context) => {
    const request = server.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const headers = server.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    // Headers are part of the request: node:http refuses a longer header timeout.
    if (headers > request)
      context.addIssue({
        code: 'custom',
        path: ['headersTimeoutMs'],
        message: `${headers} is longer than server.requestTimeoutMs (${request}); at most that`,
      });
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
