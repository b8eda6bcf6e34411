import {
  ConfigError,
  definePlugin,
  type KernelEvents,
  type LoomPluginV1,
  type PluginApi,
  type RequestContext,
} from '@loom/core';
import { parseBudgets } from '../budgets/budget-config.js';
import { MemoryBudgetCounterStore } from '../budgets/budget-counter-store.js';
import { type Admission, BudgetManager } from '../budgets/budget-manager.js';
import { type BudgetStatus, readBudgetStatus } from '../budgets/budget-status.js';
import { BudgetThresholds } from '../budgets/budget-thresholds.js';
import {
  inputTokenBound,
  requestCharacters,
  requestItems,
  typicalInputTokens,
} from '../budgets/estimate-tokens.js';
import { BatchedLedger } from '../ledger/batched-ledger.js';
import type { CostRecord, LedgerStore } from '../ledger/cost-record.js';
import { MemoryLedger } from '../ledger/memory-ledger.js';
import { createGenAiPricesCatalog } from '../pricing/catalog.js';
import type { CostUsage } from '../pricing/cost-of.js';
import { DeploymentPricer } from '../pricing/deployment-pricer.js';
import { LocalRuntimeMeter } from '../pricing/local-runtime-meter.js';
import { createPriceBook, type PriceBook } from '../pricing/price-book.js';
import { type CostReport, type CostReportQuery, costReport } from '../report/cost-report.js';
import { type CostSummary, costSummary } from '../report/cost-summary.js';
import { budgetMetricsCollector } from './budget-metrics.js';
import type { CostPluginOptions } from './cost-plugin-options.js';
import { groupCommit, TurnCommit } from './group-commit.js';
import { meterStream } from './meter-stream.js';
import { recordAttempt } from './record-attempt.js';
import { attemptUsage, meteredUsage, type RequestCosts } from './request-costs.js';

/** The cost plugin, with its ledger and reports. */
export interface CostPlugin extends LoomPluginV1 {
  /** Prices per provider and model. */
  readonly priceBook: PriceBook;
  /** The batched ledger writer; undefined until the kernel started the plugin. */
  readonly ledger: BatchedLedger | undefined;
  /** Flushes pending records and reports on a time range. */
  report(query?: CostReportQuery): Promise<CostReport>;
  /** Spent, reserved and remaining per budget counter in its current window. */
  budgetStatus(): Promise<BudgetStatus[]>;
  /** Total, daily, tokens, by provider and model, and budgets for a time range. */
  getCostSummary(range?: { from?: number; to?: number }): Promise<CostSummary>;
}

/**
 * Cost tracking, budgets and ledgers as a kernel plugin. Every attempt that consumed tokens
 * becomes a `CostRecord` (failed but billed attempts too); budgets admit requests by reserving
 * their worst case and reconcile once when the request ends.
 */
export function costPlugin(options: CostPluginOptions = {}): CostPlugin {
  const budgets = parseBudgets(options.budgets ?? []);
  const defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens <= 0) {
    throw new ConfigError({
      path: 'defaultMaxTokens',
      message: `expected a positive integer, got ${defaultMaxTokens}`,
    });
  }
  const priceBook = createPriceBook(options.pricing, options.catalog ?? createGenAiPricesCatalog());
  const store: LedgerStore = options.ledger ?? new MemoryLedger();
  const requests = new Map<string, RequestCosts>();
  let ledger: BatchedLedger | undefined;
  let turn: TurnCommit | undefined;
  let unsubscribe: (() => void) | undefined;
  let status: () => Promise<BudgetStatus[]> = async () => [];

  const setup = (api: PluginApi) => {
    const now = options.now ?? (() => api.now());
    const writer = new BatchedLedger(store, {
      ...options.batching,
      onError: (error) => {
        options.batching?.onError?.(error);
        api.emit('listener:error', { event: '@loom/cost ledger', error });
      },
    });
    ledger = writer;
    const commitRequestRows = groupCommit(() => writer.flush(), options.ledgerWaitMs ?? 2_000);
    // A store that keeps rows durably as it takes them (a journal) can store a row as its attempt
    // ends, so its request waits for nothing; when it throws, the row takes the queue.
    const appendSync =
      options.ledgerWrites === 'request' ? store.appendSync?.bind(store) : undefined;
    const onLedgerError = (error: unknown) =>
      api.emit('listener:error', { event: '@loom/cost ledger', error });
    turn = appendSync
      ? new TurnCommit(appendSync, (records, error) => {
          onLedgerError(error);
          for (const record of records) writer.write(record);
          return commitRequestRows(true);
        })
      : undefined;
    const storedNow = (record: CostRecord): boolean => {
      if (!appendSync) return false;
      try {
        appendSync([record]);
        return true;
      } catch (error) {
        onLedgerError(error);
        return false;
      }
    };
    const pricer = new DeploymentPricer(
      priceBook,
      (id) => api.providers.get(id)?.type,
      new LocalRuntimeMeter(options.pricing?.localIdleCapMs),
      options.pricing?.localIdleCapMs ?? 300_000,
    );
    const counters = options.budgetStore ?? new MemoryBudgetCounterStore(now);
    const manager = new BudgetManager({
      budgets,
      store: counters,
      pricer,
      now,
      unpricedModels: options.unpricedModels ?? 'refuse',
      thresholds: new BudgetThresholds(
        {
          alert: (alert) => api.alert(alert),
          threshold: (event) => api.emit('budget:threshold', event),
          now,
        },
        // A store shared by several gateways (Redis) lets one of them alert per crossing.
        counters,
      ),
      onExceeded: (details) => api.emit('budget:exceeded', { ...details, timestamp: now() }),
      onOverReservation: (details) =>
        api.emit('budget:over-reservation', { ...details, timestamp: now() }),
    });
    if (budgets.length > 0) api.registerCollector(budgetMetricsCollector());

    status = () => readBudgetStatus(budgets, counters, manager.seenScopes, now());

    const onAttempt = (event: KernelEvents['attempt:end'] | KernelEvents['attempt:error']) => {
      const state = requests.get(event.requestId);
      const meter = state?.meters?.get(event.deployment.id);
      const usage = state ? attemptUsage(event, state, meter) : event.usage;
      if (state && meter) state.meters?.delete(event.deployment.id);
      if (!usage || usage.inputTokens + usage.outputTokens <= 0) return;
      const record = recordAttempt({ event, usage, pricer, context: state?.context, time: now() });
      state?.costs.push({ deployment: event.deployment, costMicros: record.costMicros });
      // Alone, the row is stored at once and the request waits for nothing; among others, rows
      // share one write per event-loop turn (a journal write per row cost more under load).
      if (!(requests.size <= 1 && storedNow(record))) {
        if (turn) turn.add(record);
        else writer.write(record);
        if (state) state.queuedRows = true;
      }
      const recorded: KernelEvents['cost:recorded'] = {
        requestId: event.requestId,
        operation: event.operation,
        attempt: event.attempt,
        deployment: event.deployment,
        timestamp: record.time,
        costMicros: record.costMicros,
        unpriced: record.unpriced,
        inputTokens: record.inputTokens,
        outputTokens: record.outputTokens,
        estimated: record.estimated,
      };
      // Assigned rather than spread in: `...(cond ? {...} : {})` built a throwaway object and
      // copied the payload through the slow spread path on every attempt.
      const metadata = state?.context.request.metadata;
      if (metadata) recorded.metadata = { ...metadata };
      api.emit('cost:recorded', recorded);
    };
    api.events.on('attempt:end', onAttempt);
    api.events.on('attempt:error', onAttempt);
    unsubscribe = () => {
      api.events.off('attempt:end', onAttempt);
      api.events.off('attempt:error', onAttempt);
    };

    const admit = async (state: RequestCosts, usage: CostUsage) => {
      const admission = await manager.admit(state.context, usage);
      if (admission) state.admission = admission;
    };
    const commitRows = (state: RequestCosts) =>
      options.ledgerWrites === 'request' && state.queuedRows
        ? turn
          ? turn.commit(requests.size === 0)
          : commitRequestRows(requests.size === 0)
        : undefined;
    // The ledger first: counters that lose their data are reseeded from it, so a row committed
    // after the settle could miss both (settled into the lost counter, absent when reseeded).
    // In this order that window can only count the request twice, never miss it.
    const commitThenSettle = async (state: RequestCosts, admission: Admission) => {
      await commitRows(state);
      await manager.settle(admission, state.costs);
    };
    // Not an async function: most requests have nothing to settle, and then the only promise
    // is the group commit's (shared by the turn), not one more per request.
    const finish = (context: RequestContext): Promise<void> | undefined => {
      const state = requests.get(context.requestId);
      requests.delete(context.requestId);
      if (!state) return undefined;
      if (state.admission) return commitThenSettle(state, state.admission);
      return commitRows(state);
    };

    api.addHooks({
      beforeRequest(context) {
        const state: RequestCosts = {
          context,
          inputEstimate: typicalInputTokens(
            requestCharacters(context.request),
            requestItems(context.request),
          ),
          costs: [],
        };
        requests.set(context.requestId, state);
        // Without budgets admission admits everything: skip it, and its promise and await.
        if (budgets.length === 0) return;
        const outputTokens =
          'input' in context.request ? 0 : (context.request.maxTokens ?? defaultMaxTokens);
        const inputTokens = inputTokenBound(context.request);
        return admit(state, { inputTokens, outputTokens });
      },
      afterResponse: (context) => finish(context),
      onError: (context) => finish(context),
      wrapStream(context, stream, deployment) {
        const state = requests.get(context.requestId);
        if (!state) return stream;
        const meter = { outputCharacters: 0 };
        state.meters ??= new Map();
        state.meters.set(deployment.id, meter);
        const admission = state.admission;
        // Without a blocking budget there is nothing to check per part: no check at all.
        if (!admission?.holds.some((hold) => hold.budget.action === 'block'))
          return meterStream(stream, meter);
        return meterStream(stream, meter, () => {
          const cost = pricer.worstCase(deployment, meteredUsage(state, meter)).costMicros;
          return manager.extend(admission, deployment, cost);
        });
      },
    });
  };

  const plugin = definePlugin({
    name: '@loom/cost',
    version: '0.1.0',
    coreVersion: '^0.1.0',
    setup,
    async teardown() {
      unsubscribe?.();
      await turn?.storeNow();
      await ledger?.close();
    },
  });
  // Object.assign would copy the getter's value once (undefined before setup): define it instead.
  Object.defineProperty(plugin, 'ledger', { get: () => ledger, enumerable: true });
  return Object.assign(plugin as typeof plugin & { readonly ledger: BatchedLedger | undefined }, {
    priceBook,
    budgetStatus: () => status(),
    async report(query?: CostReportQuery) {
      await turn?.storeNow();
      await ledger?.flush();
      return costReport(store, query);
    },
    async getCostSummary(range?: { from?: number; to?: number }) {
      await turn?.storeNow();
      await ledger?.flush();
      return costSummary((query) => costReport(store, query), status, range);
    },
  });
}
