import type { Kernel, KernelEvents } from '@loom/core';

/** Options of `narrate`. */
export interface NarratorOptions {
  /** Where lines go (stdout in the CLI). */
  write: (line: string) => void;
  /** Seconds between traffic summaries; default 10. */
  summaryEverySeconds?: number;
  /** Failovers narrated one by one before they are only counted; default 3 per burst. */
  failoverLines?: number;
  now?: () => number;
}

/** What the narrator has seen so far. */
export interface NarratorCounts {
  requests: number;
  failovers: number;
  failedAttempts: number;
  alertsFired: number;
  costMicros: number;
}

/** A running narrator. */
export interface Narrator {
  /** Prints one line with the elapsed time and a tag. */
  say(tag: string, text: string): void;
  counts(): NarratorCounts;
  /** Detaches from the kernel and stops the summaries. */
  stop(): void;
}

function usd(micros: number): string {
  return `$${(micros / 1e6).toFixed(micros < 10_000 ? 6 : 4)}`;
}

/**
 * Turns kernel events into short lines a person can follow: where requests go, when one fails
 * over, when a breaker opens or closes, what has been spent, and which alerts fire.
 */
export function narrate(kernel: Kernel, options: NarratorOptions): Narrator {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const counts: NarratorCounts = {
    requests: 0,
    failovers: 0,
    failedAttempts: 0,
    alertsFired: 0,
    costMicros: 0,
  };
  const firstErrors = new Map<string, string>();
  const seenDeployments = new Set<string>();
  const servedSinceSummary = new Map<string, number>();
  let failoverLinesLeft = options.failoverLines ?? 3;
  let quietFailovers = 0;

  const say = (tag: string, text: string) => {
    const seconds = Math.floor((now() - startedAt) / 1000);
    const clock = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
    options.write(`[${clock}] ${tag.padEnd(8)} ${text}`);
  };

  const listeners: { [K in keyof KernelEvents]?: (payload: KernelEvents[K]) => void } = {
    'attempt:error': (event) => {
      counts.failedAttempts += 1;
      if (!firstErrors.has(event.requestId)) {
        firstErrors.set(event.requestId, `${event.deployment.id} (${event.error.code})`);
      }
    },
    'request:end': (event) => {
      counts.requests += 1;
      const failed = firstErrors.get(event.requestId);
      firstErrors.delete(event.requestId);
      const served = event.deployment?.id;
      if (served) servedSinceSummary.set(served, (servedSinceSummary.get(served) ?? 0) + 1);
      if (served && !seenDeployments.has(served)) {
        seenDeployments.add(served);
        say('routing', `${event.model} → first answer from ${served} in ${event.durationMs} ms`);
      }
      if (!failed || event.outcome !== 'success' || !served) return;
      counts.failovers += 1;
      if (failoverLinesLeft > 0) {
        failoverLinesLeft -= 1;
        say(
          'failover',
          `${failed} failed; ${served} answered instead (${event.attempts} attempts)`,
        );
      } else quietFailovers += 1;
    },
    'circuit:open': (event) => {
      say('circuit', `${event.deployment.id} OPEN: no traffic for a while (${event.reason})`);
    },
    'circuit:half-open': (event) => {
      say('circuit', `${event.deployment.id} half-open: letting a probe request through`);
    },
    'circuit:close': (event) => {
      say('circuit', `${event.deployment.id} closed: healthy again, traffic returns`);
      failoverLinesLeft = options.failoverLines ?? 3;
    },
    'provider:health': (event) => {
      if (event.previous === undefined || event.previous === event.report.status) return;
      const why = event.report.message ? ` (${event.report.message})` : '';
      say('health', `${event.providerId} ${event.previous} → ${event.report.status}${why}`);
    },
    'cost:recorded': (event) => {
      counts.costMicros += event.costMicros;
    },
    'budget:threshold': (event) => {
      const share = Math.round((event.threshold ?? 0) * 100);
      say(
        'budget',
        `${event.budget} (${event.scope}) passed ${share}%: ${usd(event.spentMicros)} of ${usd(event.limitMicros)}`,
      );
    },
    'budget:exceeded': (event) => {
      say(
        'budget',
        `${event.budget} (${event.scope}) is at its limit of ${usd(event.limitMicros)}`,
      );
    },
    'alert:firing': (alert) => {
      counts.alertsFired += 1;
      const labels = Object.entries(alert.labels)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ');
      say('alert', `FIRING ${alert.rule} [${alert.severity}] ${labels}: ${alert.message}`);
    },
    'alert:resolved': (alert) => {
      say('alert', `resolved ${alert.rule}`);
    },
  };
  for (const [event, listener] of Object.entries(listeners)) {
    kernel.events.on(event as keyof KernelEvents, listener as never);
  }

  const summary = setInterval(
    () => {
      const shares = [...servedSinceSummary]
        .sort((a, b) => b[1] - a[1])
        .map(([deployment, served]) => `${deployment.split('/')[0]} ${served}`)
        .join(', ');
      servedSinceSummary.clear();
      const extra = quietFailovers > 0 ? `, ${quietFailovers} more failovers` : '';
      quietFailovers = 0;
      say(
        'traffic',
        `${counts.requests} requests so far (last interval: ${shares || 'none'}${extra}); spent ${usd(counts.costMicros)}`,
      );
    },
    (options.summaryEverySeconds ?? 10) * 1000,
  );
  summary.unref();

  return {
    say,
    counts: () => ({ ...counts }),
    stop() {
      clearInterval(summary);
      for (const [event, listener] of Object.entries(listeners)) {
        kernel.events.off(event as keyof KernelEvents, listener as never);
      }
    },
  };
}
