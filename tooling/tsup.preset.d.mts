import type { Options } from 'tsup';

export function libraryBuild(overrides?: Partial<Options>): Options;
