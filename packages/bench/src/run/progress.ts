import cliProgress from 'cli-progress';
import type { RunSnapshot } from './run-recorder.js';

/** What a run tells its progress display when it starts. */
export interface ProgressStart {
  label: string;
  /** Planned requests, when the run is bounded by a count. */
  total?: number;
  /** Planned duration, ms, when the run is bounded by time. */
  durationMs?: number;
  /** Current numbers; the display polls it, so recording stays cheap. */
  snapshot: () => RunSnapshot;
}

/** Shows a run's progress. */
export interface ProgressReporter {
  start(run: ProgressStart): void;
  stop(): void;
}

/** Somewhere to write text. */
export interface TextSink {
  write(text: string): unknown;
}

const format = (snapshot: RunSnapshot) =>
  `p50 ${snapshot.p50Ms.toFixed(2)} ms  p99 ${snapshot.p99Ms.toFixed(2)} ms  errors ${snapshot.failed}`;

/** No output at all. */
export const silentProgress: ProgressReporter = { start() {}, stop() {} };

/**
 * A cli-progress bar with running p50 / p99, redrawn a few times a second; for terminals.
 * Duration-bounded runs fill the bar by elapsed time.
 */
export function barProgress(stream: NodeJS.WritableStream): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    start(run) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${run.label.padEnd(12)} {bar} {percentage}% | {value}/{total} | {stats}`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      const startedAt = Date.now();
      const total = run.total ?? run.durationMs ?? 1;
      bar.start(total, 0, { stats: '' });
      timer = setInterval(() => {
        const snapshot = run.snapshot();
        const value = run.total !== undefined ? snapshot.done : Date.now() - startedAt;
        bar?.update(Math.min(total, value), { stats: format(snapshot) });
      }, 200);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      bar?.stop();
      bar = undefined;
    },
  };
}

/** Plain lines every `intervalMs` (default 2 s) and one at the end; for logs and CI. */
export function lineProgress(sink: TextSink, intervalMs = 2_000): ProgressReporter {
  let timer: NodeJS.Timeout | undefined;
  let current: ProgressStart | undefined;
  const line = (run: ProgressStart) => {
    const snapshot = run.snapshot();
    const planned = run.total !== undefined ? `/${run.total}` : '';
    sink.write(`${run.label}: ${snapshot.done}${planned} requests  ${format(snapshot)}\n`);
  };
  return {
    start(run) {
      current = run;
      timer = setInterval(() => line(run), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (current) line(current);
      current = undefined;
    },
  };
}
