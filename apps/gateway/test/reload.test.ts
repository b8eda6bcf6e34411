import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type RuntimeStack, startRuntimeStack } from './runtime-stack.js';
import { chatRequests } from './start-stack.js';

const ask = (stack: RuntimeStack, content = 'Hello') =>
  stack.client.chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content }] })
    .withResponse();

/** The stack's config with `chat` routed only to `provider`. */
function routedTo(stack: RuntimeStack, provider: string) {
  return {
    ...stack.raw,
    models: [
      { name: 'chat', targets: [`${provider}/gpt-4o-mini`] },
      { name: 'embed', targets: ['primary/text-embedding-3-small'] },
    ],
  };
}

describe('config reload', () => {
  let stack: RuntimeStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('applies a changed file, keeps serving on a broken one, and carries ledger and metrics over', async () => {
    stack = await startRuntimeStack({}, { watch: { intervalMs: 50, debounceMs: 50 } });
    const first = await ask(stack);
    expect(first.response.headers.get('x-loom-provider')).toBe('primary');
    const oldKernel = stack.loom.kernel;

    await stack.write(routedTo(stack, 'backup'));
    await eventually(() => stack!.loom.lastReload?.ok === true);
    expect(stack.loom.kernel).not.toBe(oldKernel);
    expect(oldKernel.state).toBe('stopped');
    const second = await ask(stack);
    expect(second.response.headers.get('x-loom-provider')).toBe('backup');

    // Broken: an unknown provider in a target. The error is reported; the last good config serves.
    await stack.write({
      ...routedTo(stack, 'backup'),
      models: [{ name: 'chat', targets: ['nowhere/x'] }],
    });
    await eventually(() => stack!.loom.lastReload?.ok === false);
    const error = stack.loom.lastReload?.ok === false ? stack.loom.lastReload.error.message : '';
    expect(error).toContain('loom.json: models.0.targets.0: unknown provider "nowhere"');
    expect(stack.logged.some((line) => line.includes('still serving the previous one'))).toBe(true);
    const third = await ask(stack);
    expect(third.response.headers.get('x-loom-provider')).toBe('backup');

    // Not YAML/JSON at all.
    await stack.write('{ "providers": [');
    await eventually(() => stack!.logged.some((line) => line.includes('cannot parse')));
    expect((await ask(stack)).response.headers.get('x-loom-provider')).toBe('backup');

    const costs = await stack.get('/api/costs?groupBy=provider');
    expect(
      costs.body.groups.map((group: { key: string; records: number }) => [
        group.key,
        group.records,
      ]),
    ).toEqual([
      ['backup', 3],
      ['primary', 1],
    ]);
    const stats = await stack.get('/api/stats?window=1m&step=1m');
    const served = Object.values(
      stats.body.series.requestsPerSecond as Record<string, [number, number][]>,
    )
      .flat()
      .reduce((sum, [, perSecond]) => sum + perSecond * 60, 0);
    expect(served).toBeCloseTo(4, 5);
  });

  it('lets in-flight requests finish on the old kernel (the SIGHUP path: reloadFromFile)', async () => {
    stack = await startRuntimeStack();
    stack.primary.inject({ fault: { type: 'delay', ms: 600 }, times: 1 });
    const slow = ask(stack, 'slow one');
    await eventually(() => chatRequests(stack!.primary).length === 1);
    await stack.write(routedTo(stack, 'backup'));
    const result = await stack.loom.reloadFromFile();
    expect(result).toEqual({ ok: true });
    const finished = await slow;
    expect(finished.response.status).toBe(200);
    expect(finished.response.headers.get('x-loom-provider')).toBe('primary');
    expect(Number(finished.response.headers.get('x-loom-cost-usd'))).toBeGreaterThan(0);
    expect((await ask(stack)).response.headers.get('x-loom-provider')).toBe('backup');
  });

  it('keeps budget counters across a reload', async () => {
    const budgets = [{ name: 'day', limitUsd: 1, action: 'block' }];
    stack = await startRuntimeStack({ budgets });
    await ask(stack);
    const before = (await stack.get('/api/costs')).body.budgets[0];
    expect(before.spentMicros).toBeGreaterThan(0);
    await stack.loom.reload({ ...stack.loom.config, routing: { strategy: 'round-robin' } });
    const after = (await stack.get('/api/costs')).body.budgets[0];
    expect(after.spentMicros).toBe(before.spentMicros);
    expect((await stack.get('/api/explain?model=chat')).body.strategy).toBe('round-robin');
  });

  it('keeps what the router learned (an open breaker) unless the routing section changed', async () => {
    stack = await startRuntimeStack({
      routing: {
        strategy: 'priority',
        retries: 2,
        initialBackoffMs: 1,
        circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 },
      },
    });
    stack.primary.inject({ fault: { type: 'status', status: 503 }, times: 1 });
    expect((await ask(stack)).response.headers.get('x-loom-provider')).toBe('backup');
    const circuit = async () => {
      const { body } = await stack!.get('/api/providers');
      const primary = body.providers.find((entry: { id: string }) => entry.id === 'primary');
      return primary?.deployments.find(
        (entry: { deployment: { id: string } }) => entry.deployment.id === 'primary/gpt-4o-mini',
      )?.circuit;
    };
    expect(await circuit()).toBe('open');

    // A change elsewhere (a new alias): the breaker stays open, traffic still avoids primary.
    const { validateConfig } = await import('../src/config/load-config.js');
    const withAlias = {
      ...stack.raw,
      models: [
        ...(stack.raw.models as object[]),
        { name: 'extra', targets: ['backup/gpt-4o-mini'] },
      ],
    };
    await stack.loom.reload(validateConfig(withAlias, 'loom.json', {}));
    expect(await circuit()).toBe('open');
    expect((await ask(stack)).response.headers.get('x-loom-provider')).toBe('backup');

    // A routing change starts a fresh router: primary serves again.
    const retuned = { ...withAlias, routing: { strategy: 'priority', retries: 1 } };
    await stack.loom.reload(validateConfig(retuned, 'loom.json', {}));
    expect((await ask(stack)).response.headers.get('x-loom-provider')).toBe('primary');
  });
});
