import { createKernel, type Kernel, type KernelEvents } from '@loom/core';
import { type CostPlugin, type CostPluginOptions, costPlugin } from '@loom/cost';
import {
  createMockProvider,
  type MockProvider,
  type MockProviderOptions,
  mockReply,
} from '@loom/testkit';

/** A running kernel with an `openai`-typed mock provider, an `ollama`-typed one, and the plugin. */
export interface Harness {
  kernel: Kernel;
  plugin: CostPlugin;
  openai: MockProvider;
  local: MockProvider;
  events: Array<{ name: keyof KernelEvents; payload: unknown }>;
  clock: { now: number };
}

export async function startHarness(
  options: CostPluginOptions = {},
  providerOptions: MockProviderOptions = {},
): Promise<Harness> {
  const clock = { now: Date.parse('2026-01-15T12:00:00Z') };
  const openai = createMockProvider({ id: 'openai', type: 'openai', ...providerOptions });
  const local = createMockProvider({
    id: 'local',
    type: 'ollama',
    fallback: mockReply('local answer'),
  });
  const plugin = costPlugin({ now: () => clock.now, ...options });
  const kernel = createKernel({
    providers: [openai, local],
    plugins: [plugin],
    models: [{ name: 'chat', targets: ['openai/gpt-4o-mini', 'local/llama3'] }],
    health: { intervalMs: 0 },
    now: () => clock.now,
  });
  const events: Harness['events'] = [];
  for (const name of [
    'budget:threshold',
    'budget:exceeded',
    'alert:firing',
    'cost:recorded',
  ] as const) {
    kernel.events.on(name, (payload: unknown) => events.push({ name, payload }));
  }
  await kernel.start();
  return { kernel, plugin, openai, local, events, clock };
}

/** A one-message chat request. */
export function ask(text: string, extra: Record<string, unknown> = {}) {
  return {
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user' as const, content: text }],
    ...extra,
  };
}
