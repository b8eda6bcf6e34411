import {
  ConfigError,
  createKernel,
  type Kernel,
  type KernelOptions,
  type ProviderV1,
} from '@loom/core';
import { createOllama } from '@loom/provider-ollama';
import { createOpenAI } from '@loom/provider-openai';
import { createVllm } from '@loom/provider-vllm';
import { ConfigFileError } from './config-error.js';
import type { LoomConfig, ProviderConfig } from './config-schema.js';

/** Drops undefined entries so provider settings only carry what the config set. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

// Without a configured key, a provider must not fall back to OPENAI_API_KEY / VLLM_API_KEY from
// the environment: that key could then be sent to whatever host this entry points at.
const noKey = (): undefined => undefined;

function createProvider(entry: ProviderConfig): ProviderV1 {
  const timeouts = {
    connections: entry.connections,
    keepAliveTimeoutMs: entry.keepAliveTimeoutMs,
    connectTimeoutMs: entry.connectTimeoutMs,
    headersTimeoutMs: entry.headersTimeoutMs,
    bodyTimeoutMs: entry.bodyTimeoutMs,
  };
  const common = {
    id: entry.id,
    baseURL: entry.baseURL,
    headers: entry.headers,
    models: entry.models,
    ...timeouts,
  };
  switch (entry.type) {
    case 'openai':
      return createOpenAI(
        compact({
          ...common,
          apiKey: entry.apiKey ?? noKey,
          organization: entry.organization,
          project: entry.project,
          maxTokensField: entry.maxTokensField,
        }),
      );
    case 'vllm':
      return createVllm(
        compact({ ...common, apiKey: entry.apiKey ?? noKey, loadCacheMs: entry.loadCacheMs }),
      );
    case 'ollama':
      return createOllama(
        compact({
          ...common,
          coldStartTimeoutMs: entry.coldStartTimeoutMs,
          keepAlive: entry.keepAlive,
        }),
      );
  }
}

/** The kernel's routing options: the config's, without the file list already read into priors. */
export function routingOptions(routing: LoomConfig['routing']) {
  if (!routing) return undefined;
  const { latencyPriorsFrom: _files, ...options } = routing;
  return options;
}

/**
 * Creates every provider a config lists, without starting anything. A provider refusing its
 * settings is reported as a config error at `providers.N`, naming `file`.
 */
export function buildProviders(config: LoomConfig, file = 'config'): ProviderV1[] {
  return config.providers.map((entry, index) => {
    try {
      return createProvider(entry);
    } catch (error) {
      if (!ConfigError.isInstance(error) && !(error instanceof Error)) throw error;
      throw new ConfigFileError(file, [{ path: `providers.${index}`, message: error.message }]);
    }
  });
}

/**
 * Assembles the providers and the kernel a config describes; `extra` adds kernel options such as
 * plugins and alert sinks (see `startLoom`). Errors as in `buildProviders`.
 */
export function buildKernel(
  config: LoomConfig,
  file = 'config',
  extra: Partial<KernelOptions> = {},
): Kernel {
  return createKernel(
    compact({
      providers: buildProviders(config, file),
      models: config.models,
      defaultProvider: config.defaultProvider,
      routing: routingOptions(config.routing),
      cache: config.cache,
      singleFlight: config.singleFlight,
      health: config.health,
      drainTimeoutMs: config.server?.drainTimeoutMs,
      // The gateway parses the wire body with its own, stricter schema before the kernel sees
      // it; a second validation per request would only cost time. Pass `validateRequests: true`
      // in `extra` when requests come from elsewhere.
      validateRequests: false,
      ...extra,
    }),
  );
}
