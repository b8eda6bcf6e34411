import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Exchange } from './route-request.js';

const kAnswering = Symbol('loom.answering');

type Watched = Socket & { [kAnswering]?: Exchange | undefined };

// After a FIN the peer is either half-closed (still reading) or gone; only a write tells: a gone
// peer answers it with a reset, and the write after that fails. One probe at once, then a few
// spaced so a reset has time to come back over a slow link; then the peer is taken to be reading.
const PROBE_GAPS_MS = [100, 500, 2_000, 5_000];

/**
 * Answers clients that half-close. HTTP/1.1 lets a client send its request and then close its
 * sending side (FIN) while it reads the answer; node:http by default takes that FIN for the
 * client leaving, aborts the request and ends the socket, so such a client got no answer, or one
 * frame of a stream. With this, the answer is sent; and since a client that really left also
 * sends a FIN first, the socket is probed with bytes every HTTP/1.1 client ignores (a `100
 * Continue` before the answer, an SSE comment inside a stream): a write to a gone client fails,
 * the response closes, and the call is aborted as for any disconnect.
 */
export function answerHalfClosedClients(server: Server): void {
  // node:http's switch for this; its type definitions do not list it.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('connection', (socket: Watched) => {
    socket.on('end', () => {
      const exchange = socket[kAnswering];
      if (exchange && exchange.response.socket === socket) probe(socket, exchange);
    });
  });
}

/** Marks the exchange as the one its socket is answering; `answered` when its response closed. */
export function answering(exchange: Exchange): void {
  const socket = exchange.request.socket as Watched;
  socket[kAnswering] = exchange;
}

/** The response closed: its socket answers nothing now. */
export function answered(exchange: Exchange): void {
  const socket = exchange.request.socket as Watched;
  if (socket[kAnswering] === exchange) socket[kAnswering] = undefined;
}

function probe(socket: Socket, exchange: Exchange): void {
  const { request, response } = exchange;
  // No interim response may go to an HTTP/1.0 client.
  if (request.httpVersionMajor === 1 && request.httpVersionMinor === 0) return;
  let step = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    if (response.writableEnded || socket.destroyed) return;
    if (!response.headersSent) response.writeContinue();
    // Started and not ended: only a chat stream is answered that way.
    else if (exchange.record.stream === true) response.write(':\n\n');
    else return;
    const delay = PROBE_GAPS_MS[step++];
    if (delay !== undefined) timer = setTimeout(send, delay);
  };
  response.once('close', () => clearTimeout(timer));
  send();
}
