// The smallest Loom app, and what `pnpm start` runs until the gateway exists: a kernel with two
// simulated providers, a failover, a streamed answer, and the kernel's stats.
import { createKernel, ProviderCallError } from '@loom/core';
import { createMockProvider, mockError, mockReply, mockStream } from '@loom/testkit';

const primary = createMockProvider({ id: 'primary' });
const backup = createMockProvider({ id: 'backup' });

// The primary is overloaded once: the kernel fails over to the backup without the caller noticing,
// and the next request goes to the primary again.
primary.enqueue(
  mockError(
    new ProviderCallError({
      provider: 'primary',
      message: 'server overloaded',
      upstreamStatus: 503,
    }),
  ),
  mockStream(['Streams ', 'pass ', 'through ', 'as ', 'they ', 'arrive.'], { chunkDelayMs: 30 }),
);
backup.enqueue(
  mockReply('Loom routed this answer to the backup after the primary failed.', { delayMs: 40 }),
);

const kernel = createKernel({
  providers: [primary, backup],
  models: [{ name: 'chat', targets: ['primary/mock-model', 'backup/mock-model'] }],
});
kernel.events.on('attempt:error', (event) =>
  console.log(
    `  attempt ${event.attempt} on ${event.deployment.id} failed: ${event.error.code} (${event.error.statusCode})`,
  ),
);

console.log('Loom quickstart: one kernel, two simulated providers.\n');
console.log('> chat "Hello Loom"');
const response = await kernel.chat({
  model: 'chat',
  messages: [{ role: 'user', content: 'Hello Loom' }],
});
console.log(`  ${response.loom.deployment.id} answered after ${response.loom.attempts} attempts:`);
console.log(`  ${response.message.content}`);
console.log(`  usage: ${response.usage.inputTokens} in, ${response.usage.outputTokens} out\n`);

console.log('> stream "Show me a stream"');
process.stdout.write('  ');
const stream = await kernel.stream({
  model: 'chat',
  messages: [{ role: 'user', content: 'Show me a stream' }],
});
for await (const part of stream) {
  if (part.type === 'text-delta') process.stdout.write(part.delta);
}
console.log('\n');

await kernel.stop();
console.log('Kernel stats:');
console.log(JSON.stringify(kernel.stats(), null, 2));
