import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: `--import tsx` resolves from here. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/** A `loom serve` child process. */
export interface GatewayProcess {
  /** `http://127.0.0.1:PORT`, from the "listening on" line. */
  url: string;
  pid: number;
  /** Whether the process has exited. */
  readonly exited: boolean;
  /** The last 16 KB of its stdout and stderr, for failure messages. */
  output(): string;
  /** Its exit code once it exited (null when a signal ended it). */
  readonly exitCode: number | null;
  /** Closes the reading ends of its stdout and stderr, like a log collector that went away. */
  closeOutput(): void;
  /** Sends `signal` (default SIGTERM) and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Options of `startGatewayProcess`. */
export interface StartGatewayOptions {
  /** How long to wait for the "listening on" line, ms; default 60 000 (tsx compiles on start). */
  startTimeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * Starts `loom serve --config <file> --port 0 --no-watch` from the sources (tsx, the
 * `@loom/source` condition) and resolves with its URL once it listens. Rejects with the
 * process's output when it exits or stays silent past the start timeout.
 */
export function startGatewayProcess(
  configFile: string,
  options: StartGatewayOptions = {},
): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@loom/source',
      '--import',
      'tsx',
      cli,
      'serve',
      '--config',
      configFile,
      '--port',
      '0',
      '--no-watch',
    ],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exited = false;
  void exit.then(() => {
    exited = true;
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway (${configFile}) did not start in time; output:\n${output}`));
    }, options.startTimeoutMs ?? 60_000);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(
        handle(
          child,
          match[1],
          exit,
          () => output,
          () => exited,
        ),
      );
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `gateway (${configFile}) exited before listening (code ${code}, signal ${signal}); output:\n${output}`,
        ),
      );
    });
  });
}

function handle(
  child: ChildProcess,
  url: string,
  exit: Promise<void>,
  output: () => string,
  exited: () => boolean,
): GatewayProcess {
  return {
    url,
    pid: child.pid ?? -1,
    get exited() {
      return exited();
    },
    get exitCode() {
      return child.exitCode;
    },
    closeOutput() {
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
    output,
    async stop(signal = 'SIGTERM') {
      if (exited()) return;
      child.kill(signal);
      // A graceful stop drains and flushes; if it hangs, the test must still end.
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(force);
    },
  };
}
