import { isIP } from 'node:net';

/**
 * True when a base URL points at a link-local address (169.254.0.0/16, fe80::/10): where cloud
 * metadata services live, so a config that routes there is refused unless explicitly allowed.
 */
export function isLinkLocalURL(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (isIP(host) === 4) return host.startsWith('169.254.');
  if (isIP(host) === 6) return /^fe[89ab][0-9a-f]:/i.test(host);
  return false;
}
