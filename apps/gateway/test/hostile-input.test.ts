import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../src/dashboard/dashboard-routes.js';
import { createLogger } from '../src/logging/create-logger.js';
import { captureLogs } from './logging-capture.js';
import { postJson } from './raw-http.js';
import { chatRequests, type Stack, startStack } from './start-stack.js';

const sink = captureLogs();
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    gateway: { logger: createLogger({}, { stream: sink }), routes: dashboardRoutes() },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  sink.lines.length = 0;
  for (const upstream of [stack.primary, stack.backup]) upstream.clearRequests();
});

const chatURL = () => `${stack.url}/v1/chat/completions`;
const hello = [{ role: 'user', content: 'hi' }];

/** The access line of a request, once its response has closed. */
async function accessLine(requestId: string | null): Promise<string> {
  const find = () => sink.lines.find((line) => line.includes(`"requestId":"${requestId}"`));
  await expect.poll(find).toBeDefined();
  return find() as string;
}

/** Sends one request on a raw socket and returns every byte the server sent until it closed. */
function rawExchange(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
    });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/** Status line and headers of a raw response, without the ones that change per request. */
function headOf(raw: string): { status: string; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const [status = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (name !== 'date' && name !== 'x-loom-request-id')
      headers[name] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: raw.slice(end + 4) };
}

/** `levels` arrays nested in one another: `[[[...]]]`, two bytes a level. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('deeply nested bodies', () => {
  it('answers a body nested 6,500 levels deep with 400 naming where it got too deep', async () => {
    const body = `{"model":"chat","messages":${JSON.stringify(hello)},"metadata":{"deep":${nested(6_500)}}}`;
    const result = await postJson(chatURL(), body);
    expect(result.status).toBe(400);
    const error = result.json().error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'nesting_too_deep' });
    expect(error.param).toMatch(/^metadata\.deep\.0\.0\.0/);
    expect(String(error.message)).toContain('400 levels');
    expect(result.text.length).toBeLessThan(1_000);
    expect(stack.primary.requests).toHaveLength(0);
    // Nothing overflowed on the way: no error-level line, no RangeError.
    const line = await accessLine(result.headers.get('x-loom-request-id'));
    expect(line).not.toContain('RangeError');
    expect(line).toContain('"level":40');
  });

  it('walks a body nested 100,000 levels deep without overflowing', async () => {
    const body = `{"model":"chat","messages":${JSON.stringify(hello)},"extra_body":${nested(100_000)}}`;
    const result = await postJson(chatURL(), body);
    expect(result.status).toBe(400);
    expect(result.json().error).toMatchObject({
      code: 'nesting_too_deep',
      param: expect.stringMatching(/^extra_body\.0\.0/),
    });
  });

  it('serves a tool schema nested exactly 400 levels deep and refuses one level more', async () => {
    // The body, tools, the tool, function and parameters are five levels; `x` holds the rest.
    const withSchema = (levels: number) =>
      `{"model":"chat","messages":${JSON.stringify(hello)},"tools":[{"type":"function",` +
      `"function":{"name":"f","parameters":{"x":${nested(levels - 5)}}}}]}`;
    const atLimit = await postJson(chatURL(), withSchema(400));
    expect(atLimit.status).toBe(200);
    const over = await postJson(chatURL(), withSchema(401));
    expect(over.status).toBe(400);
    // The too-deep array is the 395th inside `x`: its path, capped like every echoed value.
    const path = `tools.0.function.parameters.x${'.0'.repeat(395)}`;
    expect(over.json().error.param).toBe(`${path.slice(0, 200)}… (${path.length} characters)`);
  });
});

describe('forbidden keys', () => {
  it('serves tools, response schemas and metadata that name api_key or base_url', async () => {
    const parameters = {
      type: 'object',
      properties: { api_key: { type: 'string' }, base_url: { type: 'string' } },
      required: ['api_key', 'base_url'],
    };
    const result = await postJson(chatURL(), {
      model: 'chat',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'set my api_key' }] }],
      tools: [{ type: 'function', function: { name: 'configure', parameters } }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'settings', schema: { ...parameters, title: 'apiBase' } },
      },
      metadata: { api_key_owner: 'team-a', baseURL: 'https://docs.example.com' },
    });
    expect(result.status).toBe(200);
    const sent = chatRequests(stack.primary)[0]?.body as {
      tools: Array<{ function: { parameters: unknown } }>;
    };
    expect(sent.tools[0]?.function.parameters).toEqual(parameters);
  });

  it('still refuses an upstream URL or key at the top level, in extra_body and in provider options', async () => {
    const smuggled = [
      [{ api_base: 'http://169.254.169.254' }, 'api_base'],
      [{ apiKey: 'sk-mine' }, 'apiKey'],
      [{ extra_body: { base_url: 'http://evil' } }, 'extra_body.base_url'],
      [{ extra_body: { nested: [{ 'API-KEY': 'x' }] } }, 'extra_body.nested.0.API-KEY'],
      [
        { providerOptions: { openai: { baseURL: 'http://evil' } } },
        'providerOptions.openai.baseURL',
      ],
      [{ ollama: { options: { endpoint_url: 'http://evil' } } }, 'ollama.options.endpoint_url'],
    ] as const;
    for (const [extra, param] of smuggled) {
      const result = await postJson(chatURL(), { model: 'chat', messages: hello, ...extra });
      expect(result.status).toBe(400);
      expect(result.json().error).toMatchObject({
        type: 'invalid_request_error',
        code: 'forbidden_parameter',
        param,
      });
    }
    const embed = await postJson(`${stack.url}/v1/embeddings`, {
      model: 'embed',
      input: 'x',
      extra_body: { api_base: 'http://evil' },
    });
    expect(embed.json().error).toMatchObject({
      code: 'forbidden_parameter',
      param: 'extra_body.api_base',
    });
    expect(stack.primary.requests).toHaveLength(0);
    expect(stack.backup.requests).toHaveLength(0);
  });
});

describe('HEAD', () => {
  it('answers HEAD /healthz, /readyz, /v1/models and added GET routes like GET, without a body', async () => {
    for (const path of ['/healthz', '/readyz', '/v1/models', '/dashboard/dashboard.js']) {
      const get = headOf(await rawExchange(stack.url, `GET ${path} HTTP/1.1`));
      const head = headOf(await rawExchange(stack.url, `HEAD ${path} HTTP/1.1`));
      expect(get.status).toBe('HTTP/1.1 200 OK');
      expect(get.body.length).toBeGreaterThan(0);
      expect(head).toEqual({ ...get, body: '' });
    }
  });

  it('names HEAD beside GET when refusing another method', async () => {
    const result = await postJson(`${stack.url}/healthz`, {});
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, HEAD');
    const head = headOf(await rawExchange(stack.url, 'HEAD /v1/chat/completions HTTP/1.1'));
    expect(head.status).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(head.headers.allow).toBe('POST');
    expect(head.body).toBe('');
  });
});

describe('echoed values', () => {
  const long = (length: number) => 'q'.repeat(length);

  it('caps a 10 KB model name in the error and the access line', async () => {
    const result = await postJson(chatURL(), { model: long(10_000), messages: hello });
    expect(result.status).toBe(404);
    const message = String(result.json().error.message);
    expect(message.includes(`'${long(200)}… (10000 characters)'`)).toBe(true);
    const line = await accessLine(result.headers.get('x-loom-request-id'));
    expect(line).toContain('(10000 characters)');
    for (const echoed of [message, line]) expect(echoed.includes(long(201))).toBe(false);
  });

  it('caps a 20 KB key path in param, message and the access line', async () => {
    const unknown = await postJson(chatURL(), {
      model: 'chat',
      messages: hello,
      [long(20_000)]: 1,
    });
    expect(unknown.status).toBe(400);
    const forbidden = await postJson(chatURL(), {
      model: 'chat',
      messages: hello,
      extra_body: { [long(20_000)]: { api_key: 'x' } },
    });
    expect(forbidden.json().error.code).toBe('forbidden_parameter');
    for (const result of [unknown, forbidden]) {
      const { param, message } = result.json().error;
      expect(String(param)).toMatch(/… \(\d+ characters\)$/);
      const line = await accessLine(result.headers.get('x-loom-request-id'));
      for (const echoed of [String(param), String(message), line])
        expect(echoed.includes(long(201))).toBe(false);
    }
  });

  it('caps an unknown 10 KB route in the error and the access line', async () => {
    const response = await fetch(`${stack.url}/v1/${long(10_000)}`);
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).toContain('… (10004 characters)');
    const line = await accessLine(response.headers.get('x-loom-request-id'));
    for (const echoed of [text, line]) expect(echoed.includes(long(201))).toBe(false);
  });

  it('never repeats the raw text of an invalid body', async () => {
    const result = await postJson(chatURL(), 'secret-prompt-text is not json');
    expect(result.status).toBe(400);
    expect(result.json().error.code).toBe('invalid_json');
    const line = await accessLine(result.headers.get('x-loom-request-id'));
    for (const echoed of [result.text, line]) expect(echoed).not.toContain('ecret-pro');
  });
});
