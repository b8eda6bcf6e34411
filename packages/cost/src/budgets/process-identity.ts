import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds reservations: one process, told apart from a later process given the same pid. */
export interface ProcessIdentity {
  /** Host name, for people reading the table. */
  host: string;
  pid: number;
  /**
   * Where `pid` means one process: on Linux the kernel's boot id and the pid namespace (two
   * containers on one machine may both run pid 7), elsewhere the host name.
   */
  space: string;
  /** When the process started (Linux: clock ticks after boot); '' when it cannot be read. */
  start: string;
}

function readOr(read: () => string, fallback: string): string {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** `starttime` of `/proc/<pid>/stat` (field 22); the name before it may hold spaces or ')'. */
export function processStart(pid: number): string {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'), '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? '';
}

let current: ProcessIdentity | undefined;

/** This process. */
export function currentProcess(): ProcessIdentity {
  if (current) return current;
  const boot = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), '');
  const namespace = readOr(() => readlinkSync('/proc/self/ns/pid'), '');
  const host = hostname();
  current = {
    host,
    pid: process.pid,
    // On Linux without a readable boot id or pid namespace, a space of its own: processes that
    // share a host name (containers on the host network) must never judge each other's pids.
    space:
      boot && namespace
        ? `${boot}/${namespace}`
        : process.platform === 'linux'
          ? `unknown:${randomUUID()}`
          : `host:${host}`,
    start: processStart(process.pid),
  };
  return current;
}

/**
 * Whether the process that recorded `pid` and `start` in this pid space still runs: signal 0
 * finds the pid (EPERM: it exists, under another user), and a recorded start that differs from
 * the pid's current one means the pid was reused. Without a start on either side, the pid
 * alone decides.
 */
export function processAlive(pid: number, start: string): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (start === '') return true;
  const now = processStart(pid);
  return now === '' || now === start;
}
