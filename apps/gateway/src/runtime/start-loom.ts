import { basename } from 'node:path';
import type { Kernel } from '@loom/core';
import type { CostPlugin } from '@loom/cost';
import { apiRoutes } from '../api/api-routes.js';
import type { LoomConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { addLoggerSecrets } from '../logging/create-logger.js';
import { resolveConfigPlugins } from '../plugins/resolve-config-plugins.js';
import {
  createGateway,
  type GatewayOptions,
  type RunningGateway,
} from '../server/create-gateway.js';
import type { DependencyStatus } from '../server/readiness.js';
import type { Route } from '../server/route-request.js';
import { configSecrets, gatewayServerOptions } from '../server/server-options.js';
import { AlertLog } from './alert-log.js';
import { AlertRules } from './alert-rules.js';
import { buildGeneration, type Generation } from './generation.js';
import { ledgerDependency, reportLedgerState, servedLedger } from './ledger-state.js';
import type { MonitorState } from './monitor-generation.js';
import { reportRedisState } from './redis-gauge.js';
import { RequestCostLog } from './request-cost-log.js';
import { type RuntimeLog, stderrLog } from './runtime-log.js';
import { openSharedState } from './shared-state.js';
import { type WatchOptions, watchConfigFile } from './watch-config.js';

export type { RuntimeLog } from './runtime-log.js';

/** Options of `startLoom`. */
export interface StartLoomOptions {
  /** The config's file: named in errors, anchors relative `sqlite://` paths, watched when asked. */
  file: string;
  /** Port (overrides `server.port`; default 4000; 0 picks a free one). */
  port?: number;
  /** Address to bind (overrides `server.host`; default 127.0.0.1). */
  host?: string;
  /** More `createGateway` options; they win over the config's `server` section. */
  gatewayOptions?: Partial<Omit<GatewayOptions, 'kernel'>>;
  /** More routes (the dashboard); the JSON API and `/metrics` are always mounted. */
  routes?: Readonly<Record<string, Route>>;
  /** Ledger when the config has no `storage.ledger`; default `memory` (`loom serve`: SQLite). */
  defaultLedger?: string;
  /** Reload when the file changes; default off. */
  watch?: boolean | WatchOptions;
  /** Default: one line per message on stderr. */
  log?: RuntimeLog;
}

/** Outcome of a reload. */
export type ReloadResult = { ok: true } | { ok: false; error: Error };

/** A running Loom: gateway, kernel and plugins. */
export interface RunningLoom {
  /** `http://host:port`. */
  url: string;
  /** The kernel serving new requests (changes on reload). */
  readonly kernel: Kernel;
  /** The current config. */
  readonly config: LoomConfig;
  /** The current cost plugin (ledger, budgets, reports). */
  readonly cost: CostPlugin;
  /** Metric store and Prometheus registry; absent with `monitor.enabled: false`. */
  readonly monitor: MonitorState | undefined;
  /** Alerts firing and recent. */
  readonly alerts: AlertLog;
  gateway: RunningGateway;
  /** The last reload's outcome; undefined before the first. */
  readonly lastReload: ReloadResult | undefined;
  /**
   * Swaps in a kernel built from `config`; in-flight requests finish on the old one, which is
   * then drained and stopped. Rejects (with `ConfigFileError` for a bad config) and keeps the
   * old kernel serving when the new one cannot be built or started.
   */
  reload(config: LoomConfig): Promise<void>;
  /** Reads and validates the file, then `reload`; never rejects: errors are logged and returned. */
  reloadFromFile(): Promise<ReloadResult>;
  /** Stops accepting, drains the gateway, stops the kernel, flushes the ledger, closes stores. */
  close(): Promise<void>;
}

/**
 * Starts Loom from a validated config: opens the shared stores (ledger, budget counters, metric
 * store), builds and starts the kernel with the cost and monitor plugins, runs alert rules and
 * starts the gateway with the JSON API and `/metrics`.
 */
export async function startLoom(
  config: LoomConfig,
  options: StartLoomOptions,
): Promise<RunningLoom> {
  const log = options.log ?? stderrLog;
  // Plugins first: a config naming a package that is not installed fails before any store opens.
  const plugins = await resolveConfigPlugins(config, options.file);
  const opened = await openSharedState(
    config,
    options.file,
    options.defaultLedger,
    (source, error) =>
      log.warn(`${source}: ${error instanceof Error ? error.message : String(error)}`),
  );
  const alerts = new AlertLog();
  const costs = new RequestCostLog();
  let current: Generation;
  let unwatchCurrent: () => void = () => {};
  const activate = (generation: Generation) => {
    const stops = [alerts.watch(generation.kernel), costs.watch(generation.kernel)];
    return () => {
      for (const stop of stops) stop();
    };
  };
  try {
    current = await buildGeneration(config, options.file, opened.shared, undefined, {
      plugins,
      log,
    });
    unwatchCurrent = activate(current);
    await current.kernel.start();
  } catch (error) {
    unwatchCurrent();
    await opened.close();
    throw error;
  }
  const monitor = opened.shared.monitor;
  const rules = monitor
    ? new AlertRules(monitor.store, (alert) => current.kernel.alert(alert))
    : undefined;
  rules?.apply(config.alerts);

  const redis = opened.shared.redis;
  const ledger = servedLedger(opened.shared.ledger);
  const dependencies = (): DependencyStatus[] => [
    // Fail-closed budgets cannot admit while Redis is away: take this node out of rotation.
    ...(redis
      ? [{ name: 'redis', state: redis.state(), required: redis.policy === 'closed' }]
      : []),
    ...(ledger ? [ledgerDependency(ledger)] : []),
  ];
  const serverOptions = gatewayServerOptions(config, plugins.secrets);
  const logger = options.gatewayOptions?.logger ?? serverOptions.logger;
  const listening = createGateway({
    kernel: current.kernel,
    ...serverOptions,
    // Without any per-minute limit, the in-memory limiter admits for free; Redis would cost a
    // round trip per request for nothing.
    ...(redis && hasRateLimits(config) ? { rateLimiter: redis.rateLimiter } : {}),
    ...(redis || ledger ? { dependencies } : {}),
    ...options.gatewayOptions,
    routes: {
      ...options.routes,
      ...options.gatewayOptions?.routes,
      ...apiRoutes({
        cost: () => current.cost,
        monitor,
        alerts,
        providerTypes: () =>
          Object.fromEntries(current.config.providers.map((entry) => [entry.id, entry.type])),
        now: Date.now,
      }),
    },
    requestCost: (requestId) => costs.take(requestId),
  }).listen(
    options.port ?? config.server?.port ?? 4000,
    options.host ?? config.server?.host ?? '127.0.0.1',
  );
  const stopRedisGauge = redis && monitor ? reportRedisState(redis, monitor) : undefined;
  const stopLedgerGauge = ledger ? reportLedgerState(ledger, monitor, log) : undefined;
  let gateway: RunningGateway;
  try {
    gateway = await listening;
  } catch (error) {
    // The port was taken (or the address is wrong): release what was started, keep the error.
    stopRedisGauge?.();
    stopLedgerGauge?.();
    rules?.stop();
    await current.kernel.stop({ drainTimeoutMs: 0 });
    unwatchCurrent();
    await opened.close();
    throw error;
  }
  log.info(`ledger: ${opened.ledgerDescription}`);
  if (opened.recoveredRows > 0)
    log.info(`ledger: stored ${opened.recoveredRows} cost rows a stopped gateway had journaled`);

  let lastReload: ReloadResult | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closing = false;

  const swap = async (next: LoomConfig) => {
    if (closing) throw new Error('Loom is shutting down; the reload was not applied.');
    const resolved = await resolveConfigPlugins(next, options.file);
    if (logger) addLoggerSecrets(logger, configSecrets(next, resolved.secrets));
    const generation = await buildGeneration(next, options.file, opened.shared, current, {
      plugins: resolved,
      log,
    });
    const unwatchNext = activate(generation);
    try {
      await generation.kernel.start();
      rules?.apply(next.alerts);
    } catch (error) {
      unwatchNext();
      await generation.kernel.stop({ drainTimeoutMs: 0 });
      throw error;
    }
    if (JSON.stringify(next.server) !== JSON.stringify(current.config.server))
      log.warn('server settings (port, keys, limits) changed: they apply after a restart');
    const previous = current;
    const unwatchPrevious = unwatchCurrent;
    current = generation;
    opened.setBudgets(next.budgets);
    unwatchCurrent = unwatchNext;
    gateway.setKernel(generation.kernel);
    // Requests already on the old kernel finish there; its cost events still reach the logs.
    await previous.kernel.stop();
    unwatchPrevious();
  };
  const reload = (next: LoomConfig): Promise<void> => {
    const run = queue.then(() => swap(next));
    queue = run.catch(() => undefined);
    return run.then(
      () => {
        lastReload = { ok: true };
      },
      (error: unknown) => {
        lastReload = {
          ok: false,
          error: error instanceof Error ? error : new Error(String(error)),
        };
        throw error;
      },
    );
  };
  const reloadFromFile = async (): Promise<ReloadResult> => {
    try {
      await reload(await loadConfig(options.file));
      log.info(`${basename(options.file)}: reloaded`);
      lastReload = { ok: true };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      lastReload = { ok: false, error: failure };
      log.error(`config not reloaded, still serving the previous one:\n${failure.message}`);
    }
    return lastReload;
  };

  const watching = options.watch
    ? watchConfigFile(
        options.file,
        () => void reloadFromFile(),
        options.watch === true ? {} : options.watch,
      )
    : undefined;

  return {
    url: gateway.url,
    gateway,
    alerts,
    monitor,
    get kernel() {
      return current.kernel;
    },
    get config() {
      return current.config;
    },
    get cost() {
      return current.cost;
    },
    get lastReload() {
      return lastReload;
    },
    reload,
    reloadFromFile,
    async close() {
      if (closing) return;
      closing = true;
      watching?.();
      await queue;
      await gateway.close();
      stopRedisGauge?.();
      stopLedgerGauge?.();
      rules?.stop();
      // Stopping the kernel tears down the cost plugin, which flushes its queued ledger records.
      await current.kernel.stop();
      unwatchCurrent();
      await opened.close();
    },
  };
}

/** True when the config sets a per-minute limit anywhere (defaults or a key's own). */
function hasRateLimits(config: LoomConfig): boolean {
  const limited = (limits: { requestsPerMinute?: number; tokensPerMinute?: number } | undefined) =>
    limits?.requestsPerMinute !== undefined || limits?.tokensPerMinute !== undefined;
  return (
    limited(config.server?.rateLimits) ||
    (config.server?.apiKeys ?? []).some((entry) => typeof entry !== 'string' && limited(entry))
  );
}
