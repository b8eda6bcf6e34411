import type { ChatRequest, ChatStreamPart, Kernel, ProviderV1, Usage } from '@loom/core';
import { UnsupportedOperationError } from '@loom/core';
import { nowMs } from '../clock.js';
import type { BenchCall, BenchTarget, CallReport, CostTotals } from './bench-target.js';
import { embeddingInput } from './http-target.js';

/**
 * A target that calls a provider's `doChat` / `doStream` / `doEmbed` directly, in process: the
 * provider's own cost with no kernel around it.
 */
export function createProviderTarget(provider: ProviderV1, model: string): BenchTarget {
  let sequence = 0;
  const deploymentId = `${provider.id}/${model}`;
  return {
    kind: 'provider',
    name: provider.id,
    model,
    async call(work) {
      const context = { signal: work.signal, requestId: `bench-${++sequence}`, attempt: 1 };
      if (work.scenario === 'embeddings') {
        if (!provider.doEmbed) {
          throw new UnsupportedOperationError({
            operation: 'embed',
            model,
            provider: provider.id,
          });
        }
        const response = await provider.doEmbed(
          { model, input: [embeddingInput(work.prompt)] },
          context,
        );
        return { ...tokens(response.usage), deploymentId };
      }
      if (work.scenario === 'stream') {
        const { stream } = await provider.doStream(chatRequest(work, model), context);
        return { ...(await readParts(stream)), deploymentId };
      }
      const response = await provider.doChat(chatRequest(work, model), context);
      return { ...tokens(response.usage), deploymentId };
    },
    close: async () => {
      await provider.close?.();
    },
  };
}

/**
 * A target that goes through a whole kernel (routing, hooks, plugins). Cost comes from the
 * kernel's `cost:recorded` events, which a cost plugin emits; nothing here imports one.
 */
export function createKernelTarget(kernel: Kernel, model: string): BenchTarget {
  const cost: CostTotals = { micros: 0, priced: 0, unpriced: 0 };
  const onCost = (event: { costMicros: number; unpriced: boolean }) => {
    if (event.unpriced) cost.unpriced += 1;
    else {
      cost.priced += 1;
      cost.micros += event.costMicros;
    }
  };
  kernel.events.on('cost:recorded', onCost);
  return {
    kind: 'kernel',
    name: 'kernel',
    model,
    async call(work) {
      const options = { signal: work.signal };
      if (work.scenario === 'embeddings') {
        const response = await kernel.embed(
          { model, input: [embeddingInput(work.prompt)] },
          options,
        );
        return tokens(response.usage);
      }
      if (work.scenario === 'stream') {
        const stream = await kernel.stream(chatRequest(work, model), options);
        return { ...(await readParts(stream)), deploymentId: stream.deployment.id };
      }
      const response = await kernel.chat(chatRequest(work, model), options);
      return { ...tokens(response.usage), deploymentId: response.loom.deployment.id };
    },
    costTotals: () => ({ ...cost }),
    close: async () => {
      kernel.events.off('cost:recorded', onCost);
    },
  };
}

function chatRequest(work: BenchCall, model: string): ChatRequest {
  const request: ChatRequest = { model, messages: work.prompt.messages };
  if (work.prompt.maxTokens !== undefined) request.maxTokens = work.prompt.maxTokens;
  return request;
}

function tokens(usage: Usage | undefined): CallReport {
  return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
}

async function readParts(stream: AsyncIterable<ChatStreamPart>): Promise<CallReport> {
  const report: CallReport & { tokenGapsMs: number[] } = {
    tokenGapsMs: [],
    inputTokens: 0,
    outputTokens: 0,
  };
  let lastTokenAt = 0;
  let contentParts = 0;
  for await (const part of stream) {
    if (
      part.type === 'text-delta' ||
      part.type === 'reasoning-delta' ||
      part.type === 'tool-call-delta'
    ) {
      const at = nowMs();
      if (report.firstTokenAt === undefined) report.firstTokenAt = at;
      else report.tokenGapsMs.push(at - lastTokenAt);
      lastTokenAt = at;
      contentParts += 1;
    } else if (part.type === 'usage' || (part.type === 'finish' && part.usage)) {
      const usage = part.usage as Usage;
      report.inputTokens = usage.inputTokens;
      report.outputTokens = usage.outputTokens;
    }
  }
  if (report.outputTokens === 0) report.outputTokens = contentParts;
  return report;
}
