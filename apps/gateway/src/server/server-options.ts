import type { LoomConfig } from '../config/config-schema.js';
import type { GatewayOptions } from './create-gateway.js';

/** The `createGateway` options a config's `server` section sets; the one place that maps them. */
export function gatewayServerOptions(server: LoomConfig['server']): Omit<GatewayOptions, 'kernel'> {
  return {
    ...(server?.apiKeys ? { apiKeys: server.apiKeys } : {}),
    ...(server?.bodyLimitBytes ? { bodyLimitBytes: server.bodyLimitBytes } : {}),
    ...(server?.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: server.drainTimeoutMs }),
  };
}
