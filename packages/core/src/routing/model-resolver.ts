import { ConfigError } from '../errors/config-error.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment, ModelAlias } from '../spec/routing/deployment.js';
import type { DeploymentTarget, ModelAliasConfig } from './model-config.js';

function toTarget(target: string | DeploymentTarget, path: string): DeploymentTarget {
  if (typeof target !== 'string') return target;
  const slash = target.indexOf('/');
  if (slash <= 0 || slash === target.length - 1) {
    throw new ConfigError({ path, message: `'${target}' is not 'providerId/modelId'` });
  }
  return { provider: target.slice(0, slash), model: target.slice(slash + 1) };
}

function toDeployment(target: DeploymentTarget): Deployment {
  const { provider, tags, ...rest } = target;
  return Object.freeze({
    id: `${provider}/${target.model}`,
    providerId: provider,
    ...rest,
    ...(tags ? { tags: Object.freeze([...tags]) } : {}),
  });
}

/**
 * Maps what a caller sends as `model` to deployments: a configured alias, `providerId/model` of
 * a registered provider, or (with `defaultProvider`) any other name on that provider.
 */
export class ModelResolver {
  private aliases = new Map<string, ModelAlias>();
  private readonly direct = new Map<string, readonly Deployment[]>();

  constructor(
    private readonly providers: ReadonlyMap<string, ProviderV1>,
    private readonly defaultProvider?: string,
  ) {}

  /** Validates aliases against registered providers; throws `ConfigError` naming the path. */
  configure(configs: readonly ModelAliasConfig[]): void {
    const aliases = new Map<string, ModelAlias>();
    configs.forEach((config, index) => {
      const path = `models.${index}`;
      if (!config.name) throw new ConfigError({ path: `${path}.name`, message: 'is required' });
      if (aliases.has(config.name)) {
        throw new ConfigError({
          path: `${path}.name`,
          message: `alias '${config.name}' is defined twice`,
        });
      }
      if (!config.targets?.length) {
        throw new ConfigError({ path: `${path}.targets`, message: 'needs at least one target' });
      }
      const deployments = config.targets.map((raw, t) => {
        const target = toTarget(raw, `${path}.targets.${t}`);
        if (!this.providers.has(target.provider)) {
          throw new ConfigError({
            path: `${path}.targets.${t}`,
            message: `provider '${target.provider}' is not registered (known: ${[...this.providers.keys()].join(', ') || 'none'})`,
          });
        }
        return toDeployment(target);
      });
      aliases.set(config.name, { name: config.name, deployments: Object.freeze(deployments) });
    });
    if (this.defaultProvider && !this.providers.has(this.defaultProvider)) {
      throw new ConfigError({
        path: 'defaultProvider',
        message: `provider '${this.defaultProvider}' is not registered`,
      });
    }
    this.aliases = aliases;
    this.direct.clear();
  }

  /** Deployments for `model`, in preference order. */
  resolve(model: string): readonly Deployment[] {
    const alias = this.aliases.get(model);
    if (alias) return alias.deployments;
    const cached = this.direct.get(model);
    if (cached) return cached;
    const deployments = this.resolveDirect(model);
    // Callers choose these names: bound the cache so arbitrary model strings cannot grow it.
    if (this.direct.size >= 1_024) this.direct.clear();
    this.direct.set(model, deployments);
    return deployments;
  }

  list(): ModelAlias[] {
    return [...this.aliases.values()];
  }

  private resolveDirect(model: string): readonly Deployment[] {
    const slash = model.indexOf('/');
    if (slash > 0 && this.providers.has(model.slice(0, slash))) {
      return [toDeployment({ provider: model.slice(0, slash), model: model.slice(slash + 1) })];
    }
    if (this.defaultProvider) return [toDeployment({ provider: this.defaultProvider, model })];
    throw new ModelNotFoundError({ model, known: [...this.aliases.keys()] });
  }
}
