import { definePlugin, type LoomPluginV1 } from '@loom/core';
import { createEcho } from './create-echo.js';
import { type EchoSettings, resolveEchoSettings } from './echo-settings.js';

/**
 * The echo provider as a kernel plugin: `kernel.use(echoPlugin())`. Settings are checked now, so
 * a mistake fails where the plugin is configured, not later at `start()`.
 */
export function echoPlugin(settings?: EchoSettings): LoomPluginV1 {
  const resolved = resolveEchoSettings(settings);
  return definePlugin({
    name: 'loom-provider-echo',
    version: '0.1.0',
    coreVersion: '^0.1.0',
    setup(api) {
      // A fresh provider per kernel: kernels never share state.
      api.registerProvider(createEcho(resolved));
    },
  });
}
