import { describe, expect, it } from 'vitest';
import {
  createKernel,
  definePlugin,
  type LoomPluginV1,
  type ProviderV1,
  VERSION,
} from '../src/index.js';
import { fakeProvider } from './fixtures/fake-provider.js';

const noop = (name: string, extra: Partial<LoomPluginV1> = {}) =>
  definePlugin({ name, setup() {}, ...extra });

describe('plugin registration', () => {
  it('refuses a duplicate plugin name (plugin_duplicate)', () => {
    const kernel = createKernel().use(noop('a'));
    expect(() => kernel.use(noop('a'))).toThrowError(
      expect.objectContaining({ code: 'plugin_duplicate' }),
    );
  });

  it('refuses a duplicate provider id, from options or from a plugin', async () => {
    expect(() => createKernel({ providers: [fakeProvider('p'), fakeProvider('p')] })).toThrowError(
      /A provider named 'p' is already registered/,
    );
    const kernel = createKernel({ providers: [fakeProvider('p')] }).use(
      noop('adds-p', { setup: (api) => api.registerProvider(fakeProvider('p')) }),
    );
    await expect(kernel.start()).rejects.toMatchObject({ code: 'plugin_duplicate' });
  });

  it('refuses a plugin whose core range the running core does not satisfy (plugin_version_mismatch)', () => {
    const kernel = createKernel();
    expect(() => kernel.use(noop('old', { coreVersion: '^9.0.0' }))).toThrowError(
      expect.objectContaining({
        code: 'plugin_version_mismatch',
        message: expect.stringContaining(`needs @loom/core ^9.0.0, but ${VERSION} is running`),
      }),
    );
    expect(() => kernel.use(noop('current', { coreVersion: `^${VERSION}` }))).not.toThrow();
  });

  it('refuses unknown specification versions on every plugin kind (plugin_unsupported_spec)', () => {
    const future = { ...fakeProvider('p'), specificationVersion: 'v2' } as unknown as ProviderV1;
    expect(() => createKernel({ providers: [future] })).toThrowError(
      expect.objectContaining({
        code: 'plugin_unsupported_spec',
        message: expect.stringContaining('"v2"'),
      }),
    );
    const plugin = { name: 'x', setup() {} } as unknown as LoomPluginV1;
    expect(() => createKernel().use(plugin)).toThrowError(
      expect.objectContaining({ code: 'plugin_unsupported_spec' }),
    );
    const sink = { specificationVersion: 'v0', name: 's', doSend: async () => {} } as never;
    expect(() => createKernel({ alertSinks: [sink] })).toThrowError(
      expect.objectContaining({ code: 'plugin_unsupported_spec' }),
    );
    const collector = { specificationVersion: 'v3', name: 'c', start() {}, stop() {} } as never;
    expect(() => createKernel({ collectors: [collector] })).toThrowError(
      expect.objectContaining({ code: 'plugin_unsupported_spec' }),
    );
  });

  it('fails start when a dependency is missing (plugin_missing_dependency)', async () => {
    const kernel = createKernel().use(noop('@loom/monitor', { dependencies: ['@loom/cost'] }));
    await expect(kernel.start()).rejects.toMatchObject({
      code: 'plugin_missing_dependency',
      message: expect.stringContaining("Plugin '@loom/monitor' needs plugin '@loom/cost'"),
    });
    expect(kernel.state).toBe('stopped');
  });

  it('sets plugins up in dependency order and tears them down in reverse', async () => {
    const log: string[] = [];
    const tracked = (name: string, dependencies: string[] = []) =>
      noop(name, {
        dependencies,
        setup: () => void log.push(`setup ${name}`),
        teardown: () => void log.push(`teardown ${name}`),
      });
    const kernel = createKernel()
      .use(tracked('c', ['b']))
      .use(tracked('b', ['a']))
      .use(tracked('a'));
    await kernel.start();
    await kernel.stop();
    expect(log).toEqual([
      'setup a',
      'setup b',
      'setup c',
      'teardown c',
      'teardown b',
      'teardown a',
    ]);
  });

  it('reports dependency cycles and failing setups as plugin_error', async () => {
    const cyclic = createKernel()
      .use(noop('a', { dependencies: ['b'] }))
      .use(noop('b', { dependencies: ['a'] }));
    await expect(cyclic.start()).rejects.toMatchObject({
      code: 'plugin_error',
      message: expect.stringContaining('a -> b -> a'),
    });
    const failing = createKernel().use(
      noop('broken', {
        setup() {
          throw new Error('no config');
        },
      }),
    );
    await expect(failing.start()).rejects.toMatchObject({
      code: 'plugin_error',
      message: "Plugin 'broken': setup failed",
    });
  });

  it('refuses malformed plugins and late registration', async () => {
    expect(() => createKernel().use(definePlugin({ name: '', setup() {} }))).toThrowError(
      /non-empty string name/,
    );
    const lacking = {
      specificationVersion: 'v1',
      id: 'p',
      type: 't',
      doChat() {},
    } as unknown as ProviderV1;
    expect(() => createKernel({ providers: [lacking] })).toThrowError(
      /must have a doListModels\(\) method/,
    );
    const kernel = createKernel();
    await kernel.start();
    expect(() => kernel.use(noop('late'))).toThrowError(
      expect.objectContaining({ code: 'plugin_error' }),
    );
  });

  it('lets a plugin register providers, hooks and listeners', async () => {
    const seen: string[] = [];
    const kernel = createKernel({ models: [{ name: 'chat', targets: ['from-plugin/m'] }] }).use(
      definePlugin({
        name: 'bundle',
        coreVersion: '>=0.1.0',
        setup(api) {
          api.registerProvider(fakeProvider('from-plugin'));
          api.addHooks({
            afterResponse: (context) => void seen.push(`after ${context.requestId}`),
          });
          api.events.on('request:end', (event) => seen.push(`end ${event.outcome}`));
        },
      }),
    );
    const response = await kernel.chat(
      { model: 'chat', messages: [{ role: 'user', content: 'hi' }] },
      { requestId: 'r1' },
    );
    expect(response.message.content).toBe('echo from-plugin');
    expect(seen).toEqual(['after r1', 'end success']);
  });
});
