import { ConfigError, LoomError } from '@loom/core';
import { costPlugin, createPriceBook } from '@loom/cost';
import { describe, expect, it } from 'vitest';
import { loadOptional } from '../src/ledger/load-optional.js';

describe('configuration errors', () => {
  it('names the path of a wrong budget field', () => {
    expect(() => costPlugin({ budgets: [{ name: 'a', limitUsd: -1 }] })).toThrow(ConfigError);
    expect(() =>
      costPlugin({ budgets: [{ name: 'a', limitUsd: 1, timeZone: 'Mars/Olympus' }] }),
    ).toThrow(/budgets\.0\.timeZone: unknown IANA time zone 'Mars\/Olympus'/);
    expect(() =>
      costPlugin({
        budgets: [
          { name: 'a', limitUsd: 1 },
          { name: 'a', limitUsd: 2 },
        ],
      }),
    ).toThrow(/budgets\.1\.name/);
  });

  it('names the path of a wrong price', () => {
    const book = createPriceBook({
      providers: { p: { models: { m: { inputPerMillionUsd: -2, outputPerMillionUsd: 1 } } } },
    });
    expect(() => book.resolve({ providerId: 'p', model: 'm' })).toThrow(
      /pricing\.providers\.p\.models\.m\.inputPerMillionUsd/,
    );
  });

  it('turns a missing optional package into an error naming it', async () => {
    const error = await loadOptional(
      'better-sqlite3',
      'SQLite',
      () => import('no-such-package-for-loom' as string),
    ).catch((caught: unknown) => caught);
    expect(LoomError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'dependency_missing',
      message: expect.stringContaining("'better-sqlite3'"),
    });
  });
});
