// What a streamed answer's SSE frames cost the gateway's process to send: one `response.write`
// per frame (each its own chunk of the chunked body) against the frames of one upstream read
// gathered into one write (`FrameWriter`). A loopback HTTP server answers 15 frames the size of
// OpenAI's chunks to 16 keep-alive clients in the same process; the clients' work is the same
// in both variants, so the difference is the server's. Writes bench/results/gateway-frames.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameWriter } from '../src/server/frame-writer.js';

const REQUESTS = 20_000;
const CONCURRENCY = 16;
const ROUNDS = 5;
const FRAME = `data: ${JSON.stringify({
  id: 'chatcmpl-0123456789abcdefghij',
  object: 'chat.completion.chunk',
  created: 1_796_688_198,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: { content: 'word ' }, logprobs: null, finish_reason: null }],
})}\n\n`;
const FRAMES = 15;

const variants: Record<string, (response: ServerResponse) => void> = {
  'a write per frame': (response) => {
    for (let index = 0; index < FRAMES; index++) response.write(FRAME);
    response.end('data: [DONE]\n\n');
  },
  'frames gathered into one write': (response) => {
    const frames = new FrameWriter(response);
    for (let index = 0; index < FRAMES; index++) frames.push(FRAME);
    frames.end('data: [DONE]\n\n');
  },
};

async function measure(answer: (response: ServerResponse) => void): Promise<number> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    answer(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = () =>
    new Promise<void>((done, fail) => {
      request({ port, host: '127.0.0.1', path: '/', agent }, (incoming) => {
        incoming.on('data', () => {});
        incoming.on('end', done);
      })
        .on('error', fail)
        .end();
    });
  const run = async (requests: number) => {
    let left = requests;
    const worker = async () => {
      while (left-- > 0) {
        await get();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  await run(REQUESTS / 4);
  const usUsed: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    await run(REQUESTS);
    const used = process.cpuUsage(before);
    usUsed.push((used.user + used.system) / REQUESTS);
  }
  agent.destroy();
  await new Promise((done) => server.close(done));
  return usUsed.sort((a, b) => a - b)[ROUNDS >> 1] ?? 0;
}

const results: Array<{ variant: string; cpuUsPerRequest: number }> = [];
for (const [variant, answer] of Object.entries(variants)) {
  results.push({ variant, cpuUsPerRequest: Math.round((await measure(answer)) * 10) / 10 });
}
console.table(results);
const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(here, '../../../bench/results/gateway-frames.json');
mkdirSync(dirname(output), { recursive: true });
writeFileSync(
  output,
  `${JSON.stringify(
    {
      benchmark: 'gateway-frames',
      description: `${FRAMES} SSE frames and [DONE] per response, ${CONCURRENCY} clients in process, CPU of server and clients per request, median of ${ROUNDS} rounds`,
      requests: REQUESTS,
      node: process.version,
      cpu: cpus()[0]?.model,
      results,
    },
    null,
    2,
  )}\n`,
);
console.log(`written: ${output}`);
