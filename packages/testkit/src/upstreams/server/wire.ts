import type { Exchange, Headers } from './exchange.js';

/** Answers one route. May throw `ClientGone` when the client leaves midway. */
export type RouteHandler = (exchange: Exchange) => Promise<void> | void;

/**
 * What a wire (OpenAI, Ollama, vLLM) tells the shared server: its routes, which answers stream,
 * and its error bodies. Everything else (recording, faults, pacing, closing) is shared.
 */
export interface WireDefinition {
  /** The handler of a method and path, or `undefined` when the wire has no such route. */
  route(method: string, path: string): RouteHandler | undefined;
  /** Answers a path the wire does not know, as the real server does. */
  notFound(exchange: Exchange): void;
  /** Whether the answer to this request is streamed (stream faults only apply then). */
  streams(path: string, body: unknown): boolean;
  /** Answers a `status` fault that has no body, with the real service's body for that status. */
  statusFault(exchange: Exchange, status: number, headers: Headers): void;
  /** Answers a request the simulator itself refuses (a bad `x-loom-simulate` header). */
  refuse(exchange: Exchange, status: number, message: string): void;
  /** Headers on every response, e.g. `x-request-id`. */
  commonHeaders?(): Headers;
}
