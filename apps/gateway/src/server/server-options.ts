import type { LoomConfig } from '../config/config-schema.js';
import { createLogger } from '../logging/create-logger.js';
import type { GatewayOptions } from './create-gateway.js';

/** The parts of a config that `gatewayServerOptions` reads. */
export type GatewayConfigParts = Pick<LoomConfig, 'server' | 'logging' | 'providers'>;

/** Every credential a config holds: provider keys and gateway keys, for log redaction. */
export function configSecrets(config: Partial<GatewayConfigParts>): string[] {
  const gatewayKeys = (config.server?.apiKeys ?? []).map((entry) =>
    typeof entry === 'string' ? entry : entry.key,
  );
  const providerKeys = (config.providers ?? []).flatMap((provider) => [
    ...(provider.apiKey ? [provider.apiKey] : []),
    ...Object.values(provider.headers ?? {}),
  ]);
  return [...gatewayKeys, ...providerKeys];
}

/**
 * The `createGateway` options a config's `server` and `logging` sections set; the one place that
 * maps them. The logger is built here so it knows every configured secret and blanks it out.
 */
export function gatewayServerOptions(
  config: Partial<GatewayConfigParts>,
): Omit<GatewayOptions, 'kernel'> {
  const server = config.server;
  return {
    ...(server?.apiKeys ? { apiKeys: server.apiKeys } : {}),
    ...(server?.bodyLimitBytes ? { bodyLimitBytes: server.bodyLimitBytes } : {}),
    ...(server?.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: server.drainTimeoutMs }),
    ...(server?.rateLimits ? { rateLimits: server.rateLimits } : {}),
    ...(server?.limits ? { limits: server.limits } : {}),
    ...(server?.cors ? { cors: server.cors } : {}),
    ...(server?.exposeAdmin === undefined ? {} : { exposeAdmin: server.exposeAdmin }),
    logger: createLogger(config.logging, { secrets: configSecrets(config) }),
    logPrompts: config.logging?.prompts === true,
  };
}
