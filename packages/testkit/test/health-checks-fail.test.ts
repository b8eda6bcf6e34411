import type { HealthReport, ProviderV1 } from '@loom/core';
import { describe, expect, it } from 'vitest';
import { providerChecks } from '../src/conformance/provider-checks.js';
import { checkNamed } from './helpers.js';
import { type ReferenceWire, referenceOptions } from './support/reference-upstreams.js';

type DoHealth = NonNullable<ProviderV1['doHealth']>;

/** The reference provider with its `doHealth` replaced by `change(original)`. */
const withHealth =
  (change: (original: DoHealth) => DoHealth) =>
  (provider: ProviderV1): ProviderV1 => ({
    ...provider,
    doHealth: change((context) => provider.doHealth!(context)),
  });

const check = (name: string, change: (original: DoHealth) => DoHealth, wire: ReferenceWire) =>
  checkNamed(providerChecks(referenceOptions(wire, withHealth(change))), name);

const UNREACHABLE =
  'resolves doHealth with status down and a message when the upstream cannot be reached (when it has doHealth)';
const ABORTED =
  "rejects doHealth with its signal's reason within 1000 ms when aborted while the upstream hangs (when it has doHealth)";

describe('health checks fail on broken providers', () => {
  it('rejects a doHealth that throws for an unreachable upstream', async () => {
    const throwsWhenDown =
      (original: DoHealth): DoHealth =>
      async (context) => {
        const report = await original(context);
        if (report.status === 'down') throw new Error(`unreachable: ${report.message}`);
        return report;
      };
    await expect(check(UNREACHABLE, throwsWhenDown, 'fake-ndjson').run()).rejects.toThrow(
      /rejected with Error: unreachable: .*; it must resolve with status 'down' and a message/,
    );
  });

  it('rejects a doHealth that reports an unreachable upstream without a message', async () => {
    const silent =
      (original: DoHealth): DoHealth =>
      async (context) => {
        const { status, checkedAt }: HealthReport = await original(context);
        return { status, checkedAt };
      };
    await expect(check(UNREACHABLE, silent, 'openai').run()).rejects.toThrow(
      /expected status 'down' with a non-empty message .*; got 'down'\./,
    );
  });

  it('rejects a doHealth that answers down once its signal aborted', async () => {
    const abortAsDown =
      (original: DoHealth): DoHealth =>
      async (context) => {
        try {
          return await original(context);
        } catch (error) {
          return { status: 'down', checkedAt: Date.now(), message: (error as Error).message };
        }
      };
    await expect(check(ABORTED, abortAsDown, 'fake-sse').run()).rejects.toThrow(
      /resolved with 'down' \(aborted by the conformance suite during doHealth\); it must reject with signal.reason/,
    );
  });

  it('rejects a doHealth that rejects with its own error instead of the signal reason', async () => {
    const ownError =
      (original: DoHealth): DoHealth =>
      (context) =>
        original(context).catch(() => {
          throw new Error('health check cancelled');
        });
    await expect(check(ABORTED, ownError, 'ollama').run()).rejects.toThrow(
      /rejected with Error: health check cancelled; expected the signal's reason itself/,
    );
  });

  it('rejects a doHealth that ignores its signal', async () => {
    const deaf =
      (original: DoHealth): DoHealth =>
      () =>
        original({ signal: new AbortController().signal });
    await expect(check(ABORTED, deaf, 'fake-ndjson').run()).rejects.toThrow(
      /did not settle within 1000 ms/,
    );
  });
});
