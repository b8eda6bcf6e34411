import { GatewayError } from '../errors/gateway-error.js';

/**
 * A query-parameter error of the JSON API as the CLI says it: the CLIs that share the API's
 * parameter checks name flags (`--group-by`), not query parameters (`'groupBy'`).
 */
export function asFlagError(error: unknown): unknown {
  if (!(error instanceof GatewayError)) return error;
  const flag = (name: string) =>
    `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  return new Error(
    error.message
      .replace(/Query parameter '(\w+)'/g, (_match, name: string) => flag(name))
      .replace(/'(from|to)'/g, '--$1'),
  );
}
