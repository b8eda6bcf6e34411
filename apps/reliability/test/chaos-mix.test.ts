import type { Fault, SimulatedUpstream } from '@loom/testkit';
import { describe, expect, it } from 'vitest';
import { promptOf, reply, seeded } from './chaos-replies.js';
import { chatHits, deploy, readStream, type Wire } from './harness.js';

const REQUESTS = 600;
const CONCURRENCY = 20;

// RELIABILITY.md's mix: every one a failure before the first byte, so a request that meets one
// must land elsewhere unseen.
const FAULTS: Fault[] = [
  { type: 'status', status: 500 },
  { type: 'status', status: 503 },
  { type: 'status', status: 429, headers: { 'retry-after-ms': '50' } },
  { type: 'reset' },
  { type: 'hang' },
];

/** Every complete answer a simulator gave to `prompt` (several when an attempt was given up). */
function answersTo(servers: readonly SimulatedUpstream[], prompt: string): string[] {
  return servers.flatMap((server) =>
    chatHits(server).flatMap((request) =>
      request.answer && !request.aborted && promptOf(request.body) === prompt
        ? [request.answer.text]
        : [],
    ),
  );
}

/** The kinds of fault the requests to `servers` met. */
const metFaults = (servers: readonly SimulatedUpstream[]) =>
  servers.flatMap((server) =>
    server.requests.flatMap(({ fault }) =>
      !fault ? [] : fault.type === 'status' ? [`status ${fault.status}`] : [fault.type],
    ),
  );

// Each wire is once the healthy third, and twice one of the faulty two.
const LAYOUTS: Array<[Wire, Wire, Wire]> = [
  ['openai', 'ollama', 'vllm'],
  ['ollama', 'vllm', 'openai'],
  ['vllm', 'openai', 'ollama'],
];

describe('chaos: RELIABILITY.md fault mix across wires', () => {
  for (const [first, second, healthy] of LAYOUTS) {
    it(`random 500 / 503 / 429 / reset / hang on two of three deployments (${first}, ${second}; ${healthy} healthy), 600 requests at c=20, half streamed: 0 failed, 0 truncated`, async () => {
      const { kernel, deployed } = await deploy(
        [first, second, healthy].map((wire) => ({ wire, options: { reply } })),
        {
          routing: {
            // Round-robin keeps sending first tries into the faulty deployments.
            strategy: 'round-robin',
            attemptTimeoutMs: 400,
            firstTokenTimeoutMs: 400,
            timeoutMs: 10_000,
            initialBackoffMs: 10,
            // Short open periods bring the faulty deployments back (half-open) during the run.
            circuitBreaker: { openMs: 100, maxOpenMs: 400 },
          },
        },
      );
      const servers = deployed.map((d) => d.server);
      const faulty = servers.slice(0, 2);
      const random = seeded(23);
      const injected = [0, 0];
      const failed: string[] = [];
      const truncated: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < REQUESTS) {
          const index = next++;
          // Before each request, each faulty deployment with no fault waiting gets one, with
          // chance 0.3. Queued without that bound, faults piled up faster than requests met
          // them: the deployments failed every time, their breakers shut, and the mix went unmet.
          faulty.forEach((server, which) => {
            if (injected[which]! > metFaults([server]).length || random() >= 0.3) return;
            server.inject({ fault: FAULTS[Math.floor(random() * FAULTS.length)]!, times: 1 });
            injected[which]! += 1;
          });
          const prompt = `request ${index} with a few words to stream back`;
          const request = { model: 'chat', messages: [{ role: 'user' as const, content: prompt }] };
          try {
            if (index % 2 === 0) {
              const { text, parts } = await readStream(await kernel.stream(request));
              const answered = answersTo(servers, prompt);
              const whole = text === `answer to ${prompt}` && answered.includes(text);
              if (parts.at(-1)?.type !== 'finish' || !whole)
                truncated.push(`${index}: ${JSON.stringify(text)} of ${JSON.stringify(answered)}`);
            } else {
              const response = await kernel.chat(request);
              if (response.message.content !== `answer to ${prompt}`)
                truncated.push(`${index}: ${response.message.content}`);
            }
          } catch (error) {
            failed.push(`${index}: ${(error as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      expect(failed).toEqual([]);
      expect(truncated).toEqual([]);
      // Every kind of fault was met, and both faulty deployments met faults.
      const met = metFaults(faulty);
      expect(new Set(met)).toEqual(
        new Set(['status 500', 'status 503', 'status 429', 'reset', 'hang']),
      );
      for (const server of faulty) expect(metFaults([server]).length).toBeGreaterThan(5);
      expect(met.length).toBeGreaterThan(15);
      // Between faults the faulty deployments kept serving: their wires answered too.
      for (const server of servers)
        expect(chatHits(server).filter((request) => request.answer).length).toBeGreaterThan(0);
    }, 120_000);
  }
});
