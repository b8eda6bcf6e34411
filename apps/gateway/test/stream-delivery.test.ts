import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawStream } from './raw-http.js';
import { type Stack, startStack } from './start-stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const body = {
  model: 'solo',
  stream: true,
  messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
};

/** Reads SSE text until it holds `frames` content frames, then hangs up; rejects after 5 s. */
function readUntilFrames(url: string, frames: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const outgoing = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (incoming) => {
        incoming.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if ((text.match(/"content":/g) ?? []).length >= frames) {
            clearTimeout(timer);
            outgoing.destroy();
            resolve(text);
          }
        });
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`only this arrived within 5 s: ${text}`));
    }, 5_000);
    outgoing.on('error', (error) => {
      if (!outgoing.destroyed) reject(error);
    });
    outgoing.end(JSON.stringify(body));
  });
}

describe('stream delivery', () => {
  it('delivers every frame it has without waiting for more from the upstream', async () => {
    // The upstream sends three chunks and then goes silent: frames the gateway wrote (Node corks
    // a response's writes until the next tick) must reach the client while it waits.
    stack.primary.inject({
      fault: { type: 'stall', afterChunks: 3 },
      path: '/v1/chat/completions',
      times: 1,
    });
    const text = await readUntilFrames(`${stack.url}/v1/chat/completions`, 3);
    expect(text).toContain('"role":"assistant"');
    expect(text).not.toContain('[DONE]');
  });

  it('sends every frame in order, ending with [DONE]', async () => {
    const { status, text } = await readRawStream(`${stack.url}/v1/chat/completions`, body);
    expect(status).toBe(200);
    const frames = text.trim().split('\n\n');
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.replace(/^data: /, '')));
    const said = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(said.trim()).toBe('one two three four five six seven eight');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });
});
