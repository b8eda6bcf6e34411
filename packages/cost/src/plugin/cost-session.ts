import type {
  ChatStreamPart,
  Deployment,
  PluginApi,
  RequestContext,
  RequestHooks,
} from '@loom/core';
import type { Admission } from '../budgets/budget-manager.js';
import type { BudgetStatus } from '../budgets/budget-status.js';
import { DeploymentPricer } from '../pricing/deployment-pricer.js';
import { LocalRuntimeMeter } from '../pricing/local-runtime-meter.js';
import { budgetMetricsCollector } from './budget-metrics.js';
import type { CostSettings } from './cost-settings.js';
import { chooseLedgerWriter, type LedgerWriter } from './ledger-writer.js';
import { meterStream } from './meter-stream.js';
import { AttemptRecorder } from './record-attempt.js';
import { RequestAdmission } from './request-admission.js';
import { openRequestCosts, openStreamMeter, type RequestCosts } from './request-costs.js';

/**
 * The cost plugin from setup to teardown: its parts (ledger writer, admission, attempt recorder)
 * and the request hooks that join them over the requests in flight.
 */
export class CostSession {
  readonly writer: LedgerWriter;
  private readonly admission: RequestAdmission;
  private readonly requests = new Map<string, RequestCosts>();
  private readonly stopRecording: () => void;

  constructor(settings: CostSettings, api: PluginApi) {
    const { options, budgets } = settings;
    const now = options.now ?? (() => api.now());
    this.writer = chooseLedgerWriter({
      store: settings.store,
      writes: options.ledgerWrites,
      batching: options.batching,
      waitMs: options.ledgerWaitMs ?? 2_000,
      onError: (error) => api.emit('listener:error', { event: '@loom/cost ledger', error }),
    });
    const pricer = new DeploymentPricer(
      settings.priceBook,
      (id) => api.providers.get(id)?.type,
      new LocalRuntimeMeter(options.pricing?.localIdleCapMs),
      options.pricing?.localIdleCapMs ?? 300_000,
    );
    this.admission = new RequestAdmission({
      api,
      budgets,
      counters: options.budgetStore,
      pricer,
      now,
      defaultMaxTokens: settings.defaultMaxTokens,
      unpricedModels: options.unpricedModels ?? 'refuse',
    });
    if (budgets.length > 0) api.registerCollector(budgetMetricsCollector());
    const { requests, writer } = this;
    this.stopRecording = new AttemptRecorder({ api, requests, pricer, writer, now }).listen();
    api.addHooks(this.hooks());
  }

  /** Spent, reserved and remaining per budget counter in its current window. */
  budgetStatus(): Promise<BudgetStatus[]> {
    return this.admission.status();
  }

  /** Stops recording attempts, stores what waits and closes the store. */
  async stop(): Promise<void> {
    this.stopRecording();
    await this.writer.close();
  }

  private hooks(): RequestHooks {
    return {
      beforeRequest: (context) => this.open(context),
      afterResponse: (context) => this.finish(context),
      onError: (context) => this.finish(context),
      wrapStream: (context, stream, deployment) => this.meter(context, stream, deployment),
    };
  }

  /** Starts the request's costs and reserves its budgets. */
  private open(context: RequestContext): Promise<void> | undefined {
    const state = openRequestCosts(context);
    this.requests.set(context.requestId, state);
    return this.admission.admit(state);
  }

  /** Counts what a streamed attempt produces, and holds it to its blocking budgets. */
  private meter(
    context: RequestContext,
    stream: AsyncIterable<ChatStreamPart>,
    deployment: Deployment,
  ): AsyncIterable<ChatStreamPart> {
    const state = this.requests.get(context.requestId);
    if (!state) return stream;
    const meter = openStreamMeter(state, deployment.id);
    return meterStream(stream, meter, this.admission.streamLimit(state, meter, deployment));
  }

  /** Not async: a request with nothing to settle then costs no promise of its own. */
  private finish(context: RequestContext): Promise<void> | undefined {
    const state = this.requests.get(context.requestId);
    this.requests.delete(context.requestId);
    if (!state) return undefined;
    if (state.admission) return this.commitThenSettle(state, state.admission);
    return this.commitRows(state);
  }

  private commitRows(state: RequestCosts): Promise<void> | undefined {
    return state.queuedRows ? this.writer.commit(this.requests.size === 0) : undefined;
  }

  /** Rows before counters: a counter reseeded from the ledger may count a row twice, not miss it. */
  private async commitThenSettle(state: RequestCosts, admission: Admission): Promise<void> {
    await this.commitRows(state);
    await this.admission.settle(state, admission);
  }
}
