import { defineProject } from 'vitest/config';
import { projectConfig } from '../../tooling/vitest.preset.mjs';

export default defineProject(projectConfig({ name: 'provider-utils' }));
