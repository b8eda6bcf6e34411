import type { Attributes } from '@opentelemetry/api';
import type { ProviderV1 } from '../spec/provider/v1/provider-v1.js';
import type { Deployment } from '../spec/routing/deployment.js';
import * as names from './gen-ai-names.js';

/** Attributes of a successful attempt: for the duration, and per token type. */
export interface EndAttributes {
  all: Attributes;
  input: Attributes;
  output: Attributes;
}

const MAX_VARIANTS = 64;

/**
 * Every attribute set one deployment's telemetry uses, built once. Attempts would otherwise
 * allocate several attribute objects each; the variants (response models, error codes) are few.
 */
export class DeploymentAttributes {
  readonly base: Attributes;
  /** `{operation} {model}`, as the conventions name client spans. */
  readonly spanName: string;
  private readonly ends = new Map<string, EndAttributes>();
  private readonly errors = new Map<string, Attributes>();

  constructor(operationName: string, deployment: Deployment, provider: ProviderV1) {
    const base: Attributes = {
      [names.ATTR_OPERATION_NAME]: operationName,
      [names.ATTR_PROVIDER_NAME]: provider.type,
      [names.ATTR_REQUEST_MODEL]: deployment.model,
    };
    if (provider.server) {
      base[names.ATTR_SERVER_ADDRESS] = provider.server.address;
      if (provider.server.port !== undefined) base[names.ATTR_SERVER_PORT] = provider.server.port;
    }
    this.base = base;
    this.spanName = `${operationName} ${deployment.model}`;
  }

  end(responseModel: string | undefined): EndAttributes {
    const key = responseModel ?? '';
    let found = this.ends.get(key);
    if (!found) {
      const all = responseModel
        ? { ...this.base, [names.ATTR_RESPONSE_MODEL]: responseModel }
        : this.base;
      found = {
        all,
        input: { ...all, [names.ATTR_TOKEN_TYPE]: 'input' },
        output: { ...all, [names.ATTR_TOKEN_TYPE]: 'output' },
      };
      if (this.ends.size < MAX_VARIANTS) this.ends.set(key, found);
    }
    return found;
  }

  error(code: string): Attributes {
    let found = this.errors.get(code);
    if (!found) {
      found = { ...this.base, [names.ATTR_ERROR_TYPE]: code };
      if (this.errors.size < MAX_VARIANTS) this.errors.set(code, found);
    }
    return found;
  }
}
