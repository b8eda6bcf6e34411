import { definePluginModule } from '@loom/core';
import { chatopsSettingsSchema } from './chatops-settings.js';
import { createChatopsSink } from './create-chatops-sink.js';

export { type ChatopsSettings, chatopsSettingsSchema } from './chatops-settings.js';
export { createChatopsSink };

/**
 * What the gateway loads by package name:
 * `alerts: { sinks: [{ type: loom-alert-sink-chatops, url: "https://chat.example/hooks/loom" }] }`.
 */
export const chatopsPluginModule = definePluginModule({
  kind: 'alert-sink',
  type: 'chatops',
  description: 'Posts each alert as JSON to a chat-ops endpoint',
  settings: chatopsSettingsSchema,
  secrets: ['token'],
  create: (settings) => createChatopsSink(settings),
});

export default chatopsPluginModule;
