import { LoomError } from '@loom/core';

/**
 * Imports an optional peer dependency, turning "module not found" into an error that names the
 * package to install and the feature that needs it.
 */
export async function loadOptional<T>(
  name: string,
  feature: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new LoomError({
      code: 'dependency_missing',
      message: `${feature} needs the '${name}' package, which could not be loaded. Install it next to @loom/monitor (npm install ${name}).`,
      cause: error,
    });
  }
}
