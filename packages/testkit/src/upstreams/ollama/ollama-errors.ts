import { STATUS_CODES } from 'node:http';

/** Ollama's answer to a model it does not have. */
export const ollamaModelNotFound = (model: string) => `model '${model}' not found`;

/** Ollama's 503 when its request queue is full (two spaces, as Ollama writes it). */
export const OLLAMA_BUSY = 'server busy, please try again.  maximum pending requests exceeded';

/** The `error` text Ollama sends with `status` when a test injects the status without a body. */
export function ollamaStatusMessage(status: number, model: string | undefined): string {
  switch (status) {
    case 400:
      return 'invalid request';
    case 404:
      return ollamaModelNotFound(model ?? 'unknown');
    case 500:
      return 'an error was encountered while running the model: unexpected EOF';
    case 503:
      return OLLAMA_BUSY;
    default:
      return (STATUS_CODES[status] ?? `status ${status}`).toLowerCase();
  }
}
