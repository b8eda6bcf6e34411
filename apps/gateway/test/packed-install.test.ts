import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type OllamaUpstream, startOllamaServer } from '@loom/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlainchatServer } from '../../example-http-provider/test/plainchat-fake-upstream.js';
import { FILE_SINK_MANIFEST, FILE_SINK_SOURCE } from './packed/file-sink-package.js';
import { npmInstall, packWorkspace } from './packed/pack-workspace.js';
import { installInto, scaffoldAndTest } from './packed/scaffold-steps.js';

const run = promisify(execFile);

/** What the user asks npm for; the rest must come in as their dependencies. */
const WANTED = ['@loom/gateway', '@loom/provider-ollama', 'loom-provider-echo'];

/** Starts the installed `loom` bin and resolves with its URL once it says it is listening. */
function serve(
  folder: string,
  configFile = 'loom.yaml',
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const args = ['serve', '--port', '0', '--config', configFile];
  const child = spawn(join(folder, 'node_modules/.bin/loom'), args, {
    cwd: folder,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], child, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`loom serve exited ${code}:\n${output}`)));
  });
}

function config(ollamaURL: string): string {
  return `# Written as a user would, for the packed gateway.
providers:
  - { id: local, type: ollama, baseURL: "${ollamaURL}" }
  - { id: echo, type: loom-provider-echo, prefix: "echo: " }
models:
  - { name: chat, targets: [local/llama3.2, echo/echo-1] }
routing: { strategy: priority, retries: 1, initialBackoffMs: 1 }
health: { intervalMs: 0 }
alerts:
  intervalMs: 200
  rules:
    - name: failover
      severity: critical
      condition:
        type: threshold
        query: { name: loom.fallbacks }
        windowMs: 60000
        aggregate: count
        operator: ">"
        value: 0
  sinks: [{ type: log }, { type: loom-sink-file, file: alerts.jsonl }]
`;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the packed gateway installed outside the workspace', () => {
  let folder: string;
  let ollama: OllamaUpstream;
  let gateway: Awaited<ReturnType<typeof serve>>;
  let scratch: string;
  let tarballs: string[];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'loom-packed-'));
    tarballs = await packWorkspace(scratch);
    folder = join(scratch, 'app');
    await mkdir(folder);
    await npmInstall(folder, tarballs, WANTED);
    const sink = join(folder, 'node_modules', FILE_SINK_MANIFEST.name);
    await mkdir(sink, { recursive: true });
    await writeFile(join(sink, 'package.json'), JSON.stringify(FILE_SINK_MANIFEST));
    await writeFile(join(sink, 'index.js'), FILE_SINK_SOURCE);
    ollama = await startOllamaServer();
    await writeFile(join(folder, 'loom.yaml'), config(ollama.baseURL));
    gateway = await serve(folder);
  }, 600_000);

  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) {
      const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
      gateway.child.kill('SIGTERM');
      await exited;
    }
    await ollama?.close();
    if (folder) await rm(join(folder, '..'), { recursive: true, force: true });
  });

  it('installs only what was asked for, and resolves nothing from the repository', async () => {
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...WANTED].sort());
    const installed = JSON.parse(
      await readFile(join(folder, 'node_modules/@loom/gateway/package.json'), 'utf8'),
    );
    expect(installed.exports['.']).not.toHaveProperty('@loom/source');
    expect(JSON.stringify(installed.dependencies)).not.toContain('workspace:');
    const api = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import * as loom from '@loom/gateway'; console.log(['startLoom', 'createGateway', 'loadConfig', 'validateConfig', 'dashboardRoutes'].map((name) => typeof loom[name]).join(' '))",
      ],
      { cwd: folder },
    );
    expect(api.stdout.trim()).toBe('function function function function function');
    const { stdout } = await run(join(folder, 'node_modules/.bin/loom'), ['plugins', '--json'], {
      cwd: folder,
    });
    const plugins = JSON.parse(stdout).plugins as {
      package: string;
      type?: string;
      status: string;
    }[];
    const byType = Object.fromEntries(
      plugins.map((plugin) => [plugin.type ?? plugin.package, plugin.status]),
    );
    expect(byType).toMatchObject({
      ollama: 'ok',
      'loom-provider-echo': 'ok',
      'loom-sink-file': 'ok',
      '@loom/provider-openai': 'not installed: npm install @loom/provider-openai',
    });
  });

  it('serves chat and streams over the installed providers, and fails over to the plugin', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Hello there' }];
    const local = await client.chat.completions.create({ model: 'chat', messages });
    expect(local.choices[0]?.message.content).toBeTruthy();
    expect(local.choices[0]?.message.content).not.toMatch(/^echo: /);
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({
      model: 'echo/echo-1',
      messages,
      stream: true,
    })) {
      streamed += chunk.choices[0]?.delta.content ?? '';
    }
    expect(streamed).toBe('echo: Hello there');

    ollama.inject({ fault: { type: 'status', status: 500 }, path: '/api/chat' });
    const failedOver = await client.chat.completions.create({ model: 'chat', messages });
    expect(failedOver.choices[0]?.message.content).toBe('echo: Hello there');
  });

  it('shows the third-party provider in the costs, metrics and providers APIs', async () => {
    const text = (path: string) =>
      fetch(`${gateway.url}${path}`).then((response) => response.text());
    expect(await text('/api/providers')).toContain('"id":"echo"');
    expect(await text('/api/costs?groupBy=provider')).toContain('echo');
    expect(await text('/metrics')).toMatch(/provider(_name)?="echo"/);
  });

  it('delivers a firing alert to the third-party alert sink', async () => {
    const file = join(folder, 'alerts.jsonl');
    await waitFor(
      async () => (await readFile(file, 'utf8').catch(() => '')).includes('"firing"'),
      20_000,
    );
    const [first] = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(first).toMatchObject({ rule: 'failover', state: 'firing', severity: 'critical' });
  });

  it('names the package to install when a config needs one that is missing', async () => {
    await rm(join(folder, 'node_modules/@loom/provider-ollama'), { recursive: true, force: true });
    const checked = await run(join(folder, 'node_modules/.bin/loom'), ['check'], {
      cwd: folder,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(checked.code).toBe(1);
    expect(checked.stderr.trim()).toBe(
      'loom.yaml: providers.0.type: type "ollama" comes from @loom/provider-ollama, which is not installed; run: npm install @loom/provider-ollama',
    );
  });

  it('says which providers to install in loom init and loom demo', async () => {
    const loom = join(folder, 'node_modules/.bin/loom');
    const init = await run(loom, ['init', '--yes', '--config', 'first/loom.yaml'], { cwd: folder });
    expect(init.stdout).toContain('npm install @loom/provider-ollama');
    const demo = await run(loom, ['demo', '--duration', '1'], { cwd: folder }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(demo.code).toBe(2);
    expect(demo.stderr.trim()).toBe(
      "loom: the demo routes through Loom's providers; install them: npm install @loom/provider-openai @loom/provider-vllm @loom/provider-ollama",
    );
  });

  it('names the packages Redis needs when a config asks for it without them', async () => {
    await writeFile(
      join(folder, 'redis.yaml'),
      'providers: [{ id: echo, type: loom-provider-echo }]\nstorage: { redis: "redis://127.0.0.1:6379" }\n',
    );
    const served = await run(
      join(folder, 'node_modules/.bin/loom'),
      ['serve', '--config', 'redis.yaml', '--port', '0'],
      { cwd: folder },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(served.code).toBe(1);
    expect(served.stderr.trim()).toBe(
      'redis.yaml: storage.redis: needs @loom/redis and ioredis, which are not installed; run: npm install @loom/redis ioredis',
    );
  });

  // Last: installing the package npm-prunes the hand-made sink the tests above use.
  it('makes a provider with loom new that passes its tests as generated and serves a request', async () => {
    const made = await scaffoldAndTest(folder, join(scratch, 'weather'), 'weather', tarballs);
    // Every conformance check of the generated test, upstream checks included, ran and passed.
    const passed = Number(/Tests\s+(\d+) passed/.exec(made.testOutput)?.[1] ?? 0);
    expect(passed, made.testOutput).toBeGreaterThanOrEqual(45);
    expect(made.testOutput).not.toMatch(/\bfailed\b|\bskipped\b/i);
    await installInto(folder, made.tarball);
    const upstream = await startPlainchatServer(['plain-1']);
    await writeFile(
      join(folder, 'weather.yaml'),
      `providers:\n  - { id: sky, type: loom-provider-weather, baseURL: "${upstream.baseURL}" }\nmodels:\n  - { name: chat, targets: [sky/plain-1] }\n`,
    );
    const served = await serve(folder, 'weather.yaml');
    try {
      const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'Will it rain?' }];
      const answer = await client.chat.completions.create({ model: 'chat', messages });
      expect(answer.choices[0]?.message.content).toBe(upstream.requests.at(-1)?.answer?.text);
      expect(answer.usage?.prompt_tokens).toBeGreaterThan(0);
    } finally {
      const exited = new Promise((resolve) => served.child.once('exit', resolve));
      served.child.kill('SIGTERM');
      await exited;
      await upstream.close();
    }
  }, 600_000);
});
