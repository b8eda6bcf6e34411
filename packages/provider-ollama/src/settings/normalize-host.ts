/** Ollama's own default: the server listens on this port when OLLAMA_HOST is not set. */
export const DEFAULT_OLLAMA_PORT = '11434';

/** Where an Ollama server runs when neither `baseURL` nor OLLAMA_HOST says otherwise. */
export const DEFAULT_OLLAMA_URL = `http://127.0.0.1:${DEFAULT_OLLAMA_PORT}`;

// Addresses a server binds to but a client cannot always dial (Windows refuses 0.0.0.0).
const BIND_ALL = new Set(['0.0.0.0', '[::]']);

/**
 * Turns an OLLAMA_HOST value into a URL the way Ollama's own clients read it: `host`,
 * `host:port`, `:port` and full URLs are accepted; without a scheme it is `http` and, without a
 * port, 11434. Returns undefined when the value cannot be a URL.
 */
export function normalizeOllamaHost(value: string): string | undefined {
  let host = value.trim();
  if (host === '') return undefined;
  const explicitScheme = host.includes('://');
  if (host.startsWith(':')) host = `127.0.0.1${host}`;
  if (!explicitScheme) host = `http://${host}`;
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return undefined;
  }
  if (!explicitScheme && url.port === '') url.port = DEFAULT_OLLAMA_PORT;
  if (BIND_ALL.has(url.hostname)) url.hostname = '127.0.0.1';
  return url.href.replace(/\/+$/, '');
}
