import { parseDurationFlag } from '@loom/bench/duration';
import type { HealthReport, ProviderV1 } from '@loom/core';
import { buildProviders } from '../config/build-kernel.js';
import { loadConfig } from '../config/load-config.js';

/** Flags of `loom providers`. */
export interface ProvidersFlags {
  config: string;
  json?: boolean;
  /**
   * Time limit of each check, as typed: `5s`, `1500ms`; a bare number is seconds. Default: the
   * config's `health.timeoutMs`, or 5 s.
   */
  timeout?: string;
}

/** One provider's check. */
export interface ProviderCheck {
  id: string;
  type: string;
  status: HealthReport['status'] | 'unknown';
  latencyMs?: number;
  message?: string;
  version?: string;
  models?: Array<{ id: string; loaded: boolean }>;
}

/** What `loom providers` prints and the exit code it ends with. */
export interface ProvidersOutcome {
  checks: ProviderCheck[];
  text: string;
  /** 0 when at least one provider is up or degraded, 4 when none is. */
  exitCode: 0 | 4;
}

/** Exit code of `loom providers` when no provider is healthy. */
export const EXIT_NO_HEALTHY_PROVIDER = 4;

async function check(
  provider: ProviderV1,
  type: string,
  timeoutMs: number,
): Promise<ProviderCheck> {
  const base = { id: provider.id, type };
  if (!provider.doHealth) return { ...base, status: 'unknown', message: 'no health check' };
  const started = performance.now();
  try {
    const report = await provider.doHealth({ signal: AbortSignal.timeout(timeoutMs) });
    return {
      ...base,
      status: report.status,
      latencyMs: report.latencyMs ?? Math.round(performance.now() - started),
      ...(report.message ? { message: report.message } : {}),
      ...(report.version ? { version: report.version } : {}),
      ...(report.models ? { models: report.models } : {}),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: 'down', message };
  }
}

function table(checks: readonly ProviderCheck[]): string {
  const rows = [
    ['PROVIDER', 'TYPE', 'STATUS', 'LATENCY', 'DETAIL'],
    ...checks.map((entry) => [
      entry.id,
      entry.type,
      entry.status,
      entry.latencyMs === undefined ? '-' : `${Math.round(entry.latencyMs)} ms`,
      [entry.version ? `v${entry.version}` : '', entry.message ?? ''].filter(Boolean).join(' '),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Checks the health of every provider in a config, all at once, with no kernel and no traffic:
 * the same active check the kernel runs (`/health`, `/api/version`, `/v1/models`).
 */
export async function providersCommand(flags: ProvidersFlags): Promise<ProvidersOutcome> {
  const flagMs =
    flags.timeout === undefined ? undefined : parseDurationFlag('timeout', flags.timeout);
  const config = await loadConfig(flags.config);
  const providers = await buildProviders(config, flags.config);
  const timeoutMs = flagMs ?? config.health?.timeoutMs ?? 5_000;
  try {
    const checks = await Promise.all(
      providers.map((provider, index) =>
        check(provider, config.providers[index]?.type ?? 'unknown', timeoutMs),
      ),
    );
    const healthy = checks.some((entry) => entry.status === 'up' || entry.status === 'degraded');
    const text = flags.json ? JSON.stringify({ providers: checks }, null, 2) : table(checks);
    return { checks, text, exitCode: healthy ? 0 : EXIT_NO_HEALTHY_PROVIDER };
  } finally {
    await Promise.all(providers.map((provider) => provider.close?.()));
  }
}
