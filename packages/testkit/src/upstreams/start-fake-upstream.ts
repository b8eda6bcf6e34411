import type { FakeWire } from './fake/fake-wire.js';
import { createFakeWireDefinition } from './fake/fake-wire-definition.js';
import { startUpstream } from './server/start-upstream.js';
import { pacingOf } from './server/stream-writer.js';
import type { SimulatedBehaviour, SimulatedUpstream } from './simulated-upstream.js';

/** Models a fake upstream serves when the behaviour names none. */
export const FAKE_DEFAULT_MODELS = ['fake-model'] as const;

/**
 * Starts a fake upstream on 127.0.0.1 that speaks `wire`: the chat route (JSON or streamed, the
 * reply echoing the prompt in several content chunks), the model list and the health route,
 * with request recording, every `Fault` (by rule or `x-loom-simulate` header) and pacing. An
 * unknown model answers 404, a missing or wrong `Authorization: Bearer <apiKey>` 401 (health
 * excepted), each with `wire.error(status, message)`.
 */
export function startFakeUpstream(
  wire: FakeWire,
  behaviour: SimulatedBehaviour = {},
): Promise<SimulatedUpstream> {
  const pacing = pacingOf(behaviour);
  const definition = createFakeWireDefinition(wire, {
    models: behaviour.models ?? [...FAKE_DEFAULT_MODELS],
    pacing,
    apiKey: behaviour.apiKey,
    reply: behaviour.reply,
  });
  const basePath = wire.basePath ?? '';
  return startUpstream({
    wire: definition,
    latencyMs: pacing.latencyMs,
    baseURL: (origin) => `${origin}${basePath}`,
  });
}
