import { echoPluginModule } from './echo-plugin-module.js';

export { createEcho, ECHO_MODEL, type EchoProvider } from './create-echo.js';
export { echoPlugin } from './echo-plugin.js';
export type { EchoSettings, ResolvedEchoSettings } from './echo-settings.js';
export { echoPluginModule };

export default echoPluginModule;
