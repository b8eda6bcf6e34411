// The floor: the least a Node proxy can do. node:http in, undici `Pool.request` out, bodies piped
// both ways with no parsing. Usage: bare-proxy.ts <upstream origin>. Prints `READY <origin>`.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-proxy.ts <upstream origin>');
const pool = new Pool(upstream, { connections: 128, pipelining: 1 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = createServer((request, response) => {
  pool
    .request({
      path: request.url ?? '/',
      method: (request.method ?? 'GET') as 'POST',
      headers: forwardable(request.headers),
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request,
    })
    .then((upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode, forwardable(upstreamResponse.headers));
      upstreamResponse.body.pipe(response);
    })
    .catch((error: Error) => {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: error.message, type: 'proxy_error' } }));
    });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
