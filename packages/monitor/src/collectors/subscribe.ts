import type { KernelEventSource, KernelEvents } from '@loom/core';

/** Removes the listeners `subscribe` added. */
export type Unsubscribe = () => void;

/** Listeners by event name. */
export type Listeners = { [K in keyof KernelEvents]?: (payload: KernelEvents[K]) => void };

/** Adds every listener and returns one function that removes them all. */
export function subscribe(events: KernelEventSource, listeners: Listeners): Unsubscribe {
  const entries = Object.entries(listeners) as [
    keyof KernelEvents,
    (payload: KernelEvents[keyof KernelEvents]) => void,
  ][];
  for (const [event, listener] of entries) events.on(event, listener);
  return () => {
    for (const [event, listener] of entries) events.off(event, listener);
  };
}
