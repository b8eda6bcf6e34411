import type { UserWorkspaceConfig } from 'vitest/config';

export const sourceConditions: string[];
export function projectConfig(options: {
  name: string;
  fromSource?: boolean;
  testTimeout?: number;
}): UserWorkspaceConfig;
