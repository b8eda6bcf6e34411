import type { Deployment } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { parseBudgets } from '../src/budgets/budget-config.js';
import { scopeKeyOf } from '../src/budgets/budget-scope.js';
import { type BudgetConfig, CALLER_TAGS, ledgerCounterSeeder, MemoryLedger } from '../src/index.js';
import { makeRecord } from './ledger-conformance.js';

const deployment = { id: 'p/m', providerId: 'p', model: 'm' } as Deployment;
const budget = (config: Omit<BudgetConfig, 'name' | 'limitUsd'>) =>
  parseBudgets([{ name: 'b', limitUsd: 1, ...config }])[0] as ReturnType<typeof parseBudgets>[0];
const caller = { [CALLER_TAGS.key]: 'ci-bot', [CALLER_TAGS.team]: 'search' };

describe('caller budget scopes', () => {
  it('count key, team and owner budgets by the caller tags, whatever user the body names', () => {
    const metadata = { user: 'anyone', tags: { ...caller, team: 'made-up' } };
    expect(scopeKeyOf(budget({ scope: 'key' }), deployment, metadata)).toBe('tag:loom.key=ci-bot');
    expect(scopeKeyOf(budget({ scope: 'team' }), deployment, metadata)).toBe(
      'tag:loom.team=search',
    );
    // A key without an owner is not counted by an owner budget; nor is a request without a key.
    expect(scopeKeyOf(budget({ scope: 'owner' }), deployment, metadata)).toBeUndefined();
    expect(scopeKeyOf(budget({ scope: 'key' }), deployment, { user: 'anyone' })).toBeUndefined();
    expect(scopeKeyOf(budget({ scope: 'key', match: 'other' }), deployment, metadata)).toBe(
      undefined,
    );
  });

  it('count a user budget on the key when the request names no user', () => {
    const perUser = budget({ scope: 'user' });
    expect(scopeKeyOf(perUser, deployment, { user: 'ann', tags: caller })).toBe('user:ann');
    expect(scopeKeyOf(perUser, deployment, { tags: caller })).toBe('tag:loom.key=ci-bot');
    // Without a key (in process, no gateway) there is nothing to fall back on.
    expect(scopeKeyOf(perUser, deployment, undefined)).toBeUndefined();
    // A budget for one user does not take in other traffic.
    expect(scopeKeyOf(budget({ scope: 'user', match: 'ann' }), deployment, { tags: caller })).toBe(
      undefined,
    );
  });

  it('reseed a key budget from the ledger rows of that key', async () => {
    const ledger = new MemoryLedger();
    const time = Date.UTC(2026, 0, 15, 12);
    await ledger.append([
      makeRecord({ id: 'a', time, costMicros: 700, tags: { [CALLER_TAGS.key]: 'ci-bot' } }),
      makeRecord({ id: 'b', time, costMicros: 300, tags: { [CALLER_TAGS.key]: 'other' } }),
    ]);
    const seed = ledgerCounterSeeder({
      ledger,
      budgets: [{ name: 'per-key', limitUsd: 5, scope: 'key' }],
      now: () => time + 1_000,
    });
    expect(await seed('per-key|tag:loom.key=ci-bot|2026-01-15')).toBe(700);
  });

  it('name the new scopes in the error for an unknown one', () => {
    expect(() => parseBudgets([{ name: 'b', limitUsd: 1, scope: 'tenant' as 'key' }])).toThrow(
      /global, provider, model, session, user, key, team, owner or tag:<key>/,
    );
  });
});
