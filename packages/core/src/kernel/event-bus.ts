import { EventEmitter } from 'eventemitter3';
import type { KernelEventSource, KernelEvents } from '../spec/plugin/v1/kernel-events.js';

type Listener<K extends keyof KernelEvents> = (payload: KernelEvents[K]) => void;
type AnyListener = (payload: unknown) => void;

/**
 * The kernel's typed events. A listener that throws is reported as `listener:error` and the
 * remaining listeners still run: one bad plugin must not fail requests or starve other plugins.
 */
export class EventBus implements KernelEventSource {
  private readonly emitter = new EventEmitter();
  // Per event: the same function may listen to several events, each needing its own wrapper.
  private readonly wrapped = new Map<string, WeakMap<AnyListener, AnyListener>>();

  on<K extends keyof KernelEvents>(event: K, listener: Listener<K>): this {
    this.emitter.on(event, this.wrap(event, listener as AnyListener));
    return this;
  }

  once<K extends keyof KernelEvents>(event: K, listener: Listener<K>): this {
    this.emitter.once(event, this.wrap(event, listener as AnyListener));
    return this;
  }

  off<K extends keyof KernelEvents>(event: K, listener: Listener<K>): this {
    const wrapped = this.wrapped.get(event)?.get(listener as AnyListener);
    if (wrapped) this.emitter.off(event, wrapped);
    return this;
  }

  /** True when someone listens, so callers can skip building a payload nobody reads. */
  has(event: keyof KernelEvents): boolean {
    return this.emitter.listenerCount(event) > 0;
  }

  emit<K extends keyof KernelEvents>(event: K, payload: KernelEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  removeAll(): void {
    this.emitter.removeAllListeners();
  }

  private wrap(event: string, listener: AnyListener): AnyListener {
    let forEvent = this.wrapped.get(event);
    if (!forEvent) {
      forEvent = new WeakMap();
      this.wrapped.set(event, forEvent);
    }
    let wrapped = forEvent.get(listener);
    if (!wrapped) {
      wrapped = (payload: unknown) => {
        try {
          listener(payload);
        } catch (error) {
          if (event === 'listener:error') return;
          this.emitter.emit('listener:error', { event, error });
        }
      };
      forEvent.set(listener, wrapped);
    }
    return wrapped;
  }
}
