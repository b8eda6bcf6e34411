import type { Kernel } from '@loom/core';
import { createLlmCollector, createSessionCollector, createSystemCollector } from '@loom/monitor';
import { testMetricCollector } from '@loom/testkit/conformance';

testMetricCollector('system', { createCollector: () => createSystemCollector({ intervalMs: 50 }) });

testMetricCollector('llm', { createCollector: () => createLlmCollector() });

async function driveWithSession(kernel: Kernel): Promise<void> {
  const messages = [{ role: 'user' as const, content: 'session traffic' }];
  const metadata = { sessionId: 's-1', user: 'u-1', tags: { team: 'search' } };
  await kernel.chat({ model: 'chat', messages, metadata });
  const stream = await kernel.stream({ model: 'chat', messages, metadata });
  for await (const _part of stream);
}

testMetricCollector('session', {
  createCollector: () => createSessionCollector(),
  drive: driveWithSession,
});
