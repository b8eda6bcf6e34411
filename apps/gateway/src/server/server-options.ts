import type { LoomConfig } from '../config/config-schema.js';
import { createLogger } from '../logging/create-logger.js';
import type { GatewayOptions } from './create-gateway.js';

/** The parts of a config that `gatewayServerOptions` reads. */
export type GatewayConfigParts = Pick<
  LoomConfig,
  'server' | 'logging' | 'providers' | 'alerts' | 'monitor' | 'plugins'
>;

/** Setting names whose values are credentials in any plugin's settings. */
const SECRET_NAME =
  /(api[-_]?key|token|secret|password|passphrase|credential|authorization|routing[-_]?key)/i;

/** Credentials in one plugin entry: secret-named strings and header values, at any depth. */
function entrySecrets(value: unknown, name = ''): string[] {
  if (typeof value === 'string') return SECRET_NAME.test(name) && value !== '' ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  const headers = /^headers$/i.test(name);
  return Object.entries(value).flatMap(([key, item]) =>
    headers && typeof item === 'string' ? [item] : entrySecrets(item, key),
  );
}

/**
 * Every credential a config holds, for log redaction: gateway keys, and in every plugin entry
 * (providers, sinks, collectors, kernel plugins) values of secret-named settings and headers.
 * `declared` adds the values of settings that plugin modules declare secret.
 */
export function configSecrets(
  config: Partial<GatewayConfigParts>,
  declared: readonly string[] = [],
): string[] {
  const gatewayKeys = (config.server?.apiKeys ?? []).map((entry) =>
    typeof entry === 'string' ? entry : entry.key,
  );
  const entries = [
    ...(config.providers ?? []),
    ...(config.alerts?.sinks ?? []),
    ...(config.monitor?.collectors ?? []),
    ...(config.plugins ?? []),
  ];
  return [
    ...new Set([...gatewayKeys, ...entries.flatMap((entry) => entrySecrets(entry)), ...declared]),
  ];
}

/**
 * The `createGateway` options a config's `server` and `logging` sections set; the one place that
 * maps them. The logger is built here so it knows every configured secret and blanks it out.
 */
export function gatewayServerOptions(
  config: Partial<GatewayConfigParts>,
  declaredSecrets: readonly string[] = [],
): Omit<GatewayOptions, 'kernel'> {
  const server = config.server;
  return {
    ...(server?.apiKeys ? { apiKeys: server.apiKeys } : {}),
    ...(server?.bodyLimitBytes ? { bodyLimitBytes: server.bodyLimitBytes } : {}),
    ...(server?.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: server.drainTimeoutMs }),
    ...(server?.requestTimeoutMs ? { requestTimeoutMs: server.requestTimeoutMs } : {}),
    ...(server?.headersTimeoutMs ? { headersTimeoutMs: server.headersTimeoutMs } : {}),
    ...(server?.rateLimits ? { rateLimits: server.rateLimits } : {}),
    ...(server?.limits ? { limits: server.limits } : {}),
    ...(server?.cors ? { cors: server.cors } : {}),
    ...(server?.exposeAdmin === undefined ? {} : { exposeAdmin: server.exposeAdmin }),
    logger: createLogger(config.logging, { secrets: configSecrets(config, declaredSecrets) }),
    logPrompts: config.logging?.prompts === true,
  };
}
