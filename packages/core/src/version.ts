import packageJson from '../package.json' with { type: 'json' };

/** Version of this `@loom/core`, checked against plugins' `coreVersion` ranges. */
export const VERSION: string = packageJson.version;
