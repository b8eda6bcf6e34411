// The suite's pinned pass alone (the bare proxy and the built gateway, each alone on CPU 0), for
// checking a change to the hot path in half a minute: prints CPU per request and req/s. Writes
// nothing. ONLY=chat or ONLY=stream runs one scenario; LOOM_SUITE_PROFILE=<dir> profiles the gateway.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hop } from './measure-matrix.js';
import { measurePinned } from './pinned.js';
import { startBareProxy, startLoomGateway, startUpstream } from './start-targets.js';

const only = process.env.ONLY;

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => process.stdout.write(`${line}\n`);
const profileDir = process.env.LOOM_SUITE_PROFILE;
const configDir = await mkdtemp(join(tmpdir(), 'loom-pinned-'));
const upstream = await startUpstream(appDir);
const bare = await startBareProxy(appDir, upstream.url);
const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
const loom = await startLoomGateway(appDir, upstream.url, configDir, profileArgs);
try {
  const hops: Hop[] = [
    { id: 'bare', label: 'bare', baseURL: `${bare.url}/v1`, pid: bare.process.pid ?? 0 },
    { id: 'loom', label: 'loom', baseURL: `${loom.url}/v1`, pid: loom.process.pid ?? 0 },
  ];
  const cells = await measurePinned(
    hops,
    upstream.process.pid ?? 0,
    {
      ...(only ? { scenarios: [only as 'chat' | 'stream'] } : {}),
      requests: () => 8_000,
      warmup: () => 1_000,
      maxDurationMs: 1_500,
      prime: 2_000,
    },
    () => {},
  );
  for (const cell of (cells ?? []).filter((c) => !only || c.scenario === only)) {
    log(
      `${cell.scenario} ${cell.hop}: ${cell.cpuUsPerRequest.toFixed(0)} us cpu, ${cell.run.throughputRps.toFixed(0)} [${cell.roundsRps.map((r) => r.toFixed(0)).join(' ')}] rps`,
    );
  }
} finally {
  await loom.stop();
  await bare.stop();
  await upstream.stop();
  await rm(configDir, { recursive: true, force: true });
}
