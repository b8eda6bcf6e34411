import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { GatewayError } from '../errors/gateway-error.js';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

/**
 * Whether a request comes from this machine. A request that went through a proxy (it carries
 * `Forwarded` or `X-Forwarded-For`) counts as remote even from a loopback socket: behind a local
 * reverse proxy every client would otherwise look local.
 */
export function isLocalRequest(request: IncomingMessage): boolean {
  const headers = request.headers;
  if (headers.forwarded !== undefined || headers['x-forwarded-for'] !== undefined) return false;
  return isLoopbackAddress(request.socket.remoteAddress);
}

/** Refuses an admin route to a non-local client unless the operator exposed admin routes. */
export function assertAdminAccess(request: IncomingMessage, exposeAdmin: boolean): void {
  if (exposeAdmin || isLocalRequest(request)) return;
  throw new GatewayError({
    status: 403,
    type: 'permission_error',
    code: 'admin_loopback_only',
    message:
      'Admin routes (JSON API, metrics, dashboard) answer only to clients on this machine; set server.exposeAdmin: true to serve them to others.',
  });
}
