/** The model servers `loom init` looks for on this machine. */
export type LocalRuntimeId = 'ollama' | 'lmstudio' | 'vllm' | 'llamacpp';

/** How `loom init` recognises one local runtime and how a config reaches it. */
export interface LocalRuntime {
  id: LocalRuntimeId;
  /** For people: `Ollama`, `LM Studio`, ... */
  name: string;
  /** Where it listens unless told otherwise. */
  defaultOrigin: string;
  /** The provider entry written for it. */
  providerId: string;
  providerType: 'ollama' | 'openai' | 'vllm';
  /** Appended to the origin to make the provider's `baseURL`. */
  apiPath: '' | '/v1';
  /**
   * How the runtime says it is there: Ollama's model list, an OpenAI-style `/v1/models`, or
   * (vLLM, llama.cpp) evidence of that runtime: a model list whose entries it owns, or for
   * llama.cpp its `/health` answer; anything else answering there is reported, not added.
   */
  signs: 'ollama-tags' | 'openai-models' | 'openai-models-or-health';
  /** The line that starts it, for when it was not found. */
  startHint: string;
  /** Whether the cost plugin already counts this provider type as local (free). */
  pricedAsLocal: boolean;
}

/**
 * Every runtime `loom init` knows, in the order their models are tried behind an alias: the
 * desktop runtimes first (what someone trying Loom on a laptop runs), then the servers.
 */
export const LOCAL_RUNTIMES: readonly LocalRuntime[] = [
  {
    id: 'ollama',
    name: 'Ollama',
    defaultOrigin: 'http://127.0.0.1:11434',
    providerId: 'local',
    providerType: 'ollama',
    apiPath: '',
    signs: 'ollama-tags',
    startHint: 'ollama serve, then ollama pull llama3.2',
    pricedAsLocal: true,
  },
  {
    id: 'lmstudio',
    name: 'LM Studio',
    defaultOrigin: 'http://127.0.0.1:1234',
    providerId: 'lmstudio',
    providerType: 'openai',
    apiPath: '/v1',
    signs: 'openai-models',
    startHint: 'lms server start (or start the server in the app), with a model loaded',
    pricedAsLocal: false,
  },
  {
    id: 'vllm',
    name: 'vLLM',
    defaultOrigin: 'http://127.0.0.1:8000',
    providerId: 'vllm',
    providerType: 'vllm',
    apiPath: '',
    signs: 'openai-models-or-health',
    startHint: 'vllm serve Qwen/Qwen2.5-1.5B-Instruct (port 8000)',
    pricedAsLocal: true,
  },
  {
    id: 'llamacpp',
    name: "llama.cpp's server",
    defaultOrigin: 'http://127.0.0.1:8080',
    providerId: 'llamacpp',
    providerType: 'openai',
    apiPath: '/v1',
    signs: 'openai-models-or-health',
    startHint: 'llama-server -m model.gguf --port 8080',
    pricedAsLocal: false,
  },
];

/** The OpenAI model `loom init` puts behind the chat alias when `OPENAI_API_KEY` is set. */
export const OPENAI_CHAT_MODEL = 'gpt-4o-mini';
/** The OpenAI embedding model put behind the embeddings alias when `OPENAI_API_KEY` is set. */
export const OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';
