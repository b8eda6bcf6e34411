import { defineProject } from 'vitest/config';
import { projectConfig } from '../../tooling/vitest.preset.mjs';

// fromSource: false — like an outside author, this plugin runs against @loom/core's built files.
export default defineProject(projectConfig({ name: 'example-http-provider', fromSource: false }));
