import { definePluginModule } from '@loom/core';
import { createPlainchat } from './create-plainchat.js';
import { plainchatSettingsSchema } from './plainchat-settings.js';

export { type PlainchatSettings, plainchatSettingsSchema } from './plainchat-settings.js';
export { createPlainchat };

/**
 * What the gateway loads by package name:
 * `providers: [{ id: local, type: loom-provider-plainchat, baseURL: "http://127.0.0.1:8080" }]`.
 */
export const plainchatPluginModule = definePluginModule({
  kind: 'provider',
  type: 'plainchat',
  description: 'A Plainchat server (JSON requests, NDJSON streams)',
  settings: plainchatSettingsSchema,
  secrets: ['apiKey'],
  create: (settings) => createPlainchat(settings),
});

export default plainchatPluginModule;
