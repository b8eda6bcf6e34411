/** Where telemetry says the upstream is (`server.address` / `server.port` of the GenAI names). */
export function serverOf(baseURL: string): { address: string; port: number } {
  const url = new URL(baseURL);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { address: url.hostname.replace(/^\[|\]$/g, ''), port };
}
