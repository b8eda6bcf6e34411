import {
  chatResponseSchema,
  embedResponseSchema,
  healthReportSchema,
  modelInfoSchema,
  type ProviderV1,
} from '@loom/core';
import {
  attempt,
  type ConformanceCheck,
  expectConsistentUsage,
  expectThat,
  parseWith,
  resolveWithin,
} from './check.js';
import {
  callContext,
  callTimeout,
  type ProviderConformanceOptions,
  sampleRequest,
  withProvider,
} from './provider-harness.js';

type Options = ProviderConformanceOptions;

function expectIdentity(provider: ProviderV1): void {
  expectThat(
    provider.specificationVersion === 'v1',
    `specificationVersion is ${JSON.stringify(provider.specificationVersion)}; a ProviderV1 must declare 'v1'.`,
  );
  expectThat(
    typeof provider.id === 'string' && provider.id.trim() !== '',
    `id is ${JSON.stringify(provider.id)}; it must be a non-empty string.`,
  );
  expectThat(
    typeof provider.type === 'string' && provider.type.trim() !== '',
    `type is ${JSON.stringify(provider.type)}; it must be a non-empty string.`,
  );
  for (const method of ['doListModels', 'doChat', 'doStream'] as const) {
    expectThat(typeof provider[method] === 'function', `${method} must be a function.`);
  }
  if (provider.server !== undefined) {
    expectThat(
      typeof provider.server.address === 'string' && provider.server.address !== '',
      'server.address must be a non-empty string when server is set.',
    );
  }
}

/** Identity, listing, chat, embeddings and health: the shapes of what a provider returns. */
export function shapeChecks(options: Options): ConformanceCheck[] {
  const timeout = callTimeout(options);
  const checks: ConformanceCheck[] = [
    {
      name: 'declares specificationVersion v1, an id and a type',
      run: () => withProvider(options, async (provider) => expectIdentity(provider)),
    },
    {
      name: 'lists models that parse as ModelInfo',
      run: () =>
        withProvider(options, async (provider) => {
          const signal = AbortSignal.timeout(timeout);
          const models = await resolveWithin(
            attempt(() => provider.doListModels({ signal })),
            timeout,
            'doListModels()',
          );
          expectThat(Array.isArray(models), 'doListModels() must resolve to an array.');
          models.forEach((model, index) => {
            parseWith(modelInfoSchema, model, `doListModels()[${index}]`);
          });
        }),
    },
    {
      name: 'answers doChat with a valid ChatResponse and consistent usage',
      run: () =>
        withProvider(options, async (provider) => {
          const context = callContext(AbortSignal.timeout(timeout));
          const response = await resolveWithin(
            attempt(() => provider.doChat(sampleRequest(options), context)),
            timeout,
            'doChat()',
          );
          parseWith(chatResponseSchema, response, 'doChat() response');
          expectConsistentUsage(response.usage, 'doChat() usage');
        }),
    },
    {
      name: 'reports health that parses as HealthReport (when it has doHealth)',
      run: () =>
        withProvider(options, async (provider) => {
          if (!provider.doHealth) return;
          const signal = AbortSignal.timeout(timeout);
          const report = await resolveWithin(
            attempt(() => provider.doHealth!({ signal })),
            timeout,
            'doHealth()',
          );
          parseWith(healthReportSchema, report, 'doHealth() report');
        }),
    },
  ];
  const model = options.embeddingModel;
  if (model !== undefined) {
    checks.push({
      name: 'embeds one vector per input, all of one length',
      run: () =>
        withProvider(options, async (provider) => {
          expectThat(provider.doEmbed, 'embeddingModel is set, but the provider has no doEmbed().');
          const input = ['Loom conformance check', 'a second, different text', 'third'];
          const response = await resolveWithin(
            attempt(() =>
              provider.doEmbed!({ model, input }, callContext(AbortSignal.timeout(timeout))),
            ),
            timeout,
            'doEmbed()',
          );
          parseWith(embedResponseSchema, response, 'doEmbed() response');
          const { embeddings } = response;
          expectThat(
            embeddings.length === input.length,
            `doEmbed() returned ${embeddings.length} vectors for ${input.length} inputs; it must return one per input, in order.`,
          );
          const size = embeddings[0]?.length ?? 0;
          expectThat(size > 0, 'doEmbed() returned empty vectors.');
          for (const vector of embeddings) {
            expectThat(vector.length === size, 'doEmbed() vectors differ in length.');
            expectThat(vector.every(Number.isFinite), 'doEmbed() vectors hold non-finite numbers.');
          }
          expectConsistentUsage(response.usage, 'doEmbed() usage');
        }),
    });
  }
  return checks;
}
