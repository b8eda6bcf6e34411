import { definePluginModule } from '@loom/core';
import { createEcho } from './create-echo.js';
import { echoSettingsSchema } from './echo-settings.js';

/**
 * The plugin module a host app loads by package name: in the gateway's config,
 * `providers: [{ id: echo, type: loom-provider-echo, prefix: "echo: " }]`.
 */
export const echoPluginModule = definePluginModule({
  kind: 'provider',
  type: 'echo',
  description: 'Echoes the last user message; no network, no key',
  settings: echoSettingsSchema,
  create: (settings) => createEcho(settings),
});
