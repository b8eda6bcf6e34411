import type { ChatStreamPart, Kernel, KernelStream } from '@loom/core';

/**
 * A kernel whose `stream` answers with `parts` from deployment `p/m`, for gateway tests that
 * drive the SSE writer with a stream of their own making.
 */
export function kernelStreaming(parts: AsyncGenerator<ChatStreamPart>): Kernel {
  const stream: KernelStream = Object.assign(parts, {
    requestId: 'r1',
    deployment: { providerId: 'p', model: 'm' },
    attempts: [],
    cancel() {},
  }) as unknown as KernelStream;
  return { stream: async () => stream } as unknown as Kernel;
}
