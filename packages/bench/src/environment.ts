import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { BenchEnvironment } from './results-schema.js';

/** The git commit of the working directory, when git and a repository are there. */
export function gitSha(cwd = process.cwd()): string | undefined {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2_000,
    })
      .toString()
      .trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/** Node, OS, CPU, memory and git facts for a results file. */
export function describeEnvironment(startedAt: Date, finishedAt: Date): BenchEnvironment {
  const cores = cpus();
  const environment: BenchEnvironment = {
    node: process.version,
    platform: platform(),
    release: release(),
    arch: arch(),
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: Math.max(1, cores.length),
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
  const sha = gitSha();
  if (sha) environment.gitSha = sha;
  return environment;
}
