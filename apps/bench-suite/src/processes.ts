import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A child process that announced its URL. */
export interface Child {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Resident set size now, MB, from /proc/<pid>/status. */
  rssMb(): number;
  stop(): Promise<void>;
}

/**
 * Starts a child and waits until a stdout line matches `ready` (its first group is the URL).
 * Fails with the child's stderr when it exits first or takes longer than `timeoutMs`.
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; ready: RegExp; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<Child> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${name} did not start within ${options.timeoutMs ?? 20_000} ms:\n${stderr}`),
      );
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = options.ready.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      // Keep draining stdout so a chatty child never blocks on a full pipe.
      child.stdout?.resume();
      child.off('exit', onExit);
      resolve(handle(name, match[1], child));
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}) before it was ready:\n${stderr}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function handle(name: string, url: string, child: ChildProcess): Child {
  return {
    name,
    url,
    process: child,
    rssMb: () => rssMbOf(child.pid ?? 0),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** VmRSS of a process, MB (Linux). */
export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round((Number(match[1]) / 1024) * 10) / 10;
}

const TICK_MS = 10; // Linux USER_HZ is 100 on every common kernel build.

/** CPU time a process has used so far (user + system), ms, from /proc/<pid>/stat (Linux). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
