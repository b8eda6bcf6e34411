import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { type Hop, type MatrixCell, type MatrixPlan, measureMatrix } from './measure-matrix.js';

/** Binds every thread of `pid` to the CPUs in `list` (`taskset` syntax, e.g. `0` or `0-1`). */
function pin(pid: number, list: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
}

function tasksetWorks(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The hops at concurrency 64 with each hop alone on CPU 0 and the load generator (this process)
 * and the upstream on CPU 1, so a ratio of two hops is the ratio of their own capacity rather
 * than of how they share a machine with the load. Undefined (and a line saying why) on a machine
 * with one CPU or without `taskset`.
 */
export async function measurePinned(
  hops: Hop[],
  upstreamPid: number,
  plan: Pick<MatrixPlan, 'requests' | 'warmup' | 'maxDurationMs' | 'prime'> &
    Partial<Pick<MatrixPlan, 'scenarios'>>,
  log: (line: string) => void,
): Promise<MatrixCell[] | undefined> {
  const count = cpus().length;
  if (count < 2 || !tasksetWorks()) {
    log('    skipped: pinning needs two CPUs and taskset');
    return undefined;
  }
  const all = `0-${count - 1}`;
  const pinned = [process.pid, upstreamPid, ...hops.map((hop) => hop.pid)];
  try {
    pin(process.pid, '1');
    pin(upstreamPid, '1');
    for (const hop of hops) pin(hop.pid, '0');
    return await measureMatrix(
      hops,
      { scenarios: ['chat', 'stream'], ...plan, concurrency: [64], rounds: () => 5 },
      log,
    );
  } finally {
    for (const pid of pinned) {
      try {
        pin(pid, all);
      } catch {
        // A process that already exited needs no unpinning.
      }
    }
  }
}
