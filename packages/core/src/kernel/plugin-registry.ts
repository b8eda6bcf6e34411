import satisfies from 'semver/functions/satisfies.js';
import { DuplicatePluginError } from '../errors/duplicate-plugin-error.js';
import { MissingDependencyError } from '../errors/missing-dependency-error.js';
import { PluginError } from '../errors/plugin-error.js';
import { UnsupportedSpecificationError } from '../errors/unsupported-specification-error.js';
import { VersionMismatchError } from '../errors/version-mismatch-error.js';
import type { LoomPluginV1 } from '../spec/plugin/v1/loom-plugin-v1.js';

const SUPPORTED_SPECS = ['v1'] as const;

/** Checks the spec version tag every plugin kind carries. */
export function assertSpecification(
  kind: string,
  name: string,
  value: { specificationVersion?: unknown },
) {
  if (!SUPPORTED_SPECS.includes(value.specificationVersion as 'v1')) {
    throw new UnsupportedSpecificationError({
      kind,
      name,
      version: value.specificationVersion,
      supported: SUPPORTED_SPECS,
    });
  }
}

/** Checks that a named object has a usable name. */
export function assertName(kind: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new PluginError({
      plugin: String(name),
      message: `a ${kind} needs a non-empty string name`,
    });
  }
}

/**
 * Holds kernel plugins between `use()` and `start()`. Names, spec versions and core ranges are
 * checked on `use()`; dependencies on `ordered()`, once every plugin is known.
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, LoomPluginV1>();

  constructor(private readonly coreVersion: string) {}

  add(plugin: LoomPluginV1): void {
    assertName('plugin', plugin?.name);
    assertSpecification('plugin', plugin.name, plugin);
    if (typeof plugin.setup !== 'function') {
      throw new PluginError({ plugin: plugin.name, message: 'has no setup(api) function' });
    }
    if (this.plugins.has(plugin.name)) {
      throw new DuplicatePluginError({ kind: 'plugin', name: plugin.name });
    }
    const range = plugin.coreVersion;
    if (range !== undefined && !satisfies(this.coreVersion, range, { includePrerelease: true })) {
      throw new VersionMismatchError({ plugin: plugin.name, range, coreVersion: this.coreVersion });
    }
    this.plugins.set(plugin.name, plugin);
  }

  /** Plugins in an order where each comes after its dependencies. */
  ordered(): LoomPluginV1[] {
    const result: LoomPluginV1[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (plugin: LoomPluginV1, trail: string[]) => {
      const seen = state.get(plugin.name);
      if (seen === 'done') return;
      if (seen === 'visiting') {
        throw new PluginError({
          plugin: plugin.name,
          message: `dependency cycle: ${[...trail, plugin.name].join(' -> ')}. Remove one of these dependencies.`,
        });
      }
      state.set(plugin.name, 'visiting');
      for (const dependency of plugin.dependencies ?? []) {
        const found = this.plugins.get(dependency);
        if (!found) throw new MissingDependencyError({ plugin: plugin.name, dependency });
        visit(found, [...trail, plugin.name]);
      }
      state.set(plugin.name, 'done');
      result.push(plugin);
    };
    for (const plugin of this.plugins.values()) visit(plugin, []);
    return result;
  }
}
