import { LoomError } from '../errors/loom-error.js';
import { PluginError } from '../errors/plugin-error.js';
import type { ChatStreamPart } from '../spec/chat/chat-stream-part.js';
import type { LoomErrorLike } from '../spec/plugin/v1/loom-error-like.js';
import type {
  RequestContext,
  RequestFailure,
  RequestHooks,
  RequestResult,
} from '../spec/plugin/v1/request-hooks.js';
import type { Deployment } from '../spec/routing/deployment.js';
import type { EventBus } from './event-bus.js';

type Owned<T> = { owner: string; hook: T };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Request hooks of every plugin, by kind, so a request with no hooks of a kind pays one length
 * check for it. Admission errors fail the request; errors after the fact are reported, not thrown.
 */
export class HookSet {
  private readonly before: Owned<NonNullable<RequestHooks['beforeRequest']>>[] = [];
  private readonly after: Owned<NonNullable<RequestHooks['afterResponse']>>[] = [];
  private readonly error: Owned<NonNullable<RequestHooks['onError']>>[] = [];
  private readonly wrap: Owned<NonNullable<RequestHooks['wrapStream']>>[] = [];

  constructor(private readonly events: EventBus) {}

  add(owner: string, hooks: RequestHooks): void {
    if (hooks.beforeRequest) this.before.push({ owner, hook: hooks.beforeRequest });
    if (hooks.afterResponse) this.after.push({ owner, hook: hooks.afterResponse });
    if (hooks.onError) this.error.push({ owner, hook: hooks.onError });
    if (hooks.wrapStream) this.wrap.push({ owner, hook: hooks.wrapStream });
  }

  get hasBefore(): boolean {
    return this.before.length > 0;
  }

  async beforeRequest(context: RequestContext): Promise<void> {
    for (const { owner, hook } of this.before) {
      try {
        const result = hook(context);
        if (isThenable(result)) await result;
      } catch (error) {
        if (LoomError.isInstance(error)) throw error;
        throw new PluginError({ plugin: owner, message: 'beforeRequest hook threw', cause: error });
      }
    }
  }

  // Each hook is called inline, not through a closure and an async helper: those cost a closure,
  // a promise and an async function object per hook per request.
  async afterResponse(context: RequestContext, result: RequestResult): Promise<void> {
    for (const { owner, hook } of this.after) {
      try {
        const pending = hook(context, result);
        if (isThenable(pending)) await pending;
      } catch (error) {
        this.report(owner, 'afterResponse', error);
      }
    }
  }

  async onError(
    context: RequestContext,
    error: LoomErrorLike,
    failure: RequestFailure,
  ): Promise<void> {
    for (const { owner, hook } of this.error) {
      try {
        const pending = hook(context, error, failure);
        if (isThenable(pending)) await pending;
      } catch (hookError) {
        this.report(owner, 'onError', hookError);
      }
    }
  }

  wrapStream(
    context: RequestContext,
    stream: AsyncIterable<ChatStreamPart>,
    deployment: Deployment,
  ): AsyncIterable<ChatStreamPart> {
    let wrapped = stream;
    for (const { hook } of this.wrap) wrapped = hook(context, wrapped, deployment);
    return wrapped;
  }

  get hasAfter(): boolean {
    return this.after.length > 0;
  }

  get hasOnError(): boolean {
    return this.error.length > 0;
  }

  /** Errors after the fact are reported, never thrown: the request already has its outcome. */
  private report(owner: string, name: string, error: unknown): void {
    this.events.emit('listener:error', { event: `${owner}:${name}`, error });
  }
}
