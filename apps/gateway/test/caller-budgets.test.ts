import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costsCommand } from '../src/cli/costs-command.js';
import { type RuntimeStack, startRuntimeStack } from './runtime-stack.js';

const KEYS = {
  alpha1: 'sk-alpha-one-0001',
  alpha2: 'sk-alpha-two-0002',
  solo: 'sk-solo-key-0003',
};
const apiKeys = [
  { key: KEYS.alpha1, name: 'alpha-1', team: 'alpha', owner: 'ann' },
  { key: KEYS.alpha2, name: 'alpha-2', team: 'alpha' },
  { key: KEYS.solo, name: 'solo' },
];

async function ask(
  stack: RuntimeStack,
  key: string,
  extra: Record<string, unknown> = {},
): Promise<{ status: number; error?: { code: string; param?: string } }> {
  const response = await fetch(`${stack.loom.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: 'chat',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Write a hundred words about budgets.' }],
      ...extra,
    }),
  });
  const body = (await response.json()) as { error?: { code: string; param?: string } };
  return { status: response.status, ...(body.error ? { error: body.error } : {}) };
}

async function costsBy(stack: RuntimeStack, groupBy: string) {
  const response = await fetch(`${stack.loom.url}/api/costs?groupBy=${groupBy}`, {
    headers: { authorization: `Bearer ${KEYS.solo}` },
  });
  return (await response.json()) as {
    groups: Array<{ key: string; records: number }>;
    budgets: Array<{ budget: string; scope: string; spentMicros: number; limitMicros: number }>;
  };
}

describe('a budget scoped by the gateway key', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack({
      server: { apiKeys },
      budgets: [
        { name: 'per-key', scope: 'key', limitUsd: 0.000_06, window: 'day', action: 'block' },
      ],
      storage: { ledger: 'sqlite://./ledger.db' },
    });
  });
  afterAll(() => stack?.close());

  it('cannot be stepped around by changing or leaving out user and tags', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 40; index++) {
      // A fresh user and fresh tags every other request, none in between.
      const disguise =
        index % 2 === 0 ? { user: `user-${index}`, metadata: { team: `t-${index}` } } : {};
      statuses.push((await ask(stack, KEYS.alpha1, disguise)).status);
    }
    const admitted = statuses.filter((status) => status === 200).length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThan(20);
    // Once refused, refused for the rest of the window.
    expect(statuses.slice(statuses.indexOf(429)).every((status) => status === 429)).toBe(true);
    // Another key has its own counter.
    expect((await ask(stack, KEYS.solo)).status).toBe(200);
    const costs = await costsBy(stack, 'key');
    const spent = costs.budgets.filter((budget) => budget.budget === 'per-key');
    expect(spent.length).toBeGreaterThan(0);
    for (const budget of spent) expect(budget.spentMicros).toBeLessThanOrEqual(60);
  });

  it('reports spend per key, team and owner from the ledger rows, which name the key', async () => {
    const byKey = await costsBy(stack, 'key');
    const keys = byKey.groups.map((group) => group.key);
    expect(keys).toContain('alpha-1');
    expect(keys).toContain('solo');
    expect(JSON.stringify(byKey)).not.toContain(KEYS.alpha1);
    const byTeam = await costsBy(stack, 'team');
    expect(byTeam.groups.find((group) => group.key === 'alpha')?.records).toBeGreaterThan(0);
    const byOwner = await costsBy(stack, 'owner');
    expect(byOwner.groups.map((group) => group.key)).toContain('ann');
    const table = await costsCommand({ config: stack.file, groupBy: 'key' });
    expect(table).toMatch(/^KEY\s+RECORDS/);
    expect(table).toMatch(/^alpha-1\s+\d+/m);
  });

  it('refuses a body that sets the gateway’s own caller tags, naming the field', async () => {
    const forged = await ask(stack, KEYS.solo, { metadata: { 'loom.key': 'alpha-2' } });
    expect(forged.status).toBe(400);
    expect(forged.error).toMatchObject({
      code: 'reserved_metadata_key',
      param: 'metadata.loom.key',
    });
  });
});

describe('team budgets and user budgets without a user', () => {
  let stack: RuntimeStack;
  beforeAll(async () => {
    stack = await startRuntimeStack({
      server: { apiKeys },
      budgets: [
        { name: 'per-team', scope: 'team', limitUsd: 0.000_06, window: 'day', action: 'block' },
        { name: 'per-user', scope: 'user', limitUsd: 0.000_06, window: 'day', action: 'block' },
      ],
      storage: { ledger: 'memory' },
    });
  });
  afterAll(() => stack?.close());

  it('counts both keys of a team on one counter', async () => {
    let refusedOn: string | undefined;
    for (let index = 0; index < 40 && !refusedOn; index++) {
      const key = index % 2 === 0 ? KEYS.alpha1 : KEYS.alpha2;
      // Each request names a fresh user: only the team budget can stop them.
      const answer = await ask(stack, key, { user: `fresh-${index}` });
      if (answer.status === 429) refusedOn = key;
    }
    expect(refusedOn).toBeDefined();
    const other = refusedOn === KEYS.alpha1 ? KEYS.alpha2 : KEYS.alpha1;
    expect((await ask(stack, other, { user: 'someone-else' })).status).toBe(429);
    // The solo key has no team: the team budget does not apply to it.
    expect((await ask(stack, KEYS.solo, { user: 'someone-else' })).status).toBe(200);
  });

  it('enforces a user budget on the key when the request names no user', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 40; index++) statuses.push((await ask(stack, KEYS.solo)).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThan(20);
  });
});
