import type { ModelCapabilities } from '@loom/core';

/** The parts of an `/api/tags` entry capabilities are guessed from. */
export interface TaggedModel {
  name: string;
  family?: string;
  families?: readonly string[];
  /** Newer servers list capabilities (`completion`, `tools`, `vision`, `embedding`, `thinking`). */
  capabilities?: readonly string[];
}

// Heuristics, because /api/tags does not say what a model can do (only /api/show, one call per
// model, does). Names are matched without their tag; override with settings.models.
const EMBEDDING_FAMILIES = /^(?:bert|nomic-bert|xlm-roberta|gte|jina-bert.*)$/i;
const EMBEDDING_NAMES =
  /embed|bge|minilm|(?:^|[-/])e5(?:[-:]|$)|gte-|paraphrase|snowflake-arctic|granite-embedding/i;
const VISION =
  /llava|bakllava|moondream|minicpm-v|vision|gemma3|qwen2\.5vl|qwen2\.5-vl|mistral-small3\.[12]|llama4/i;
const VISION_FAMILIES = /^(?:clip|mllama)$/i;
const TOOLS =
  /llama3\.[1-9]|llama-3\.[1-9]|llama4|qwen2|qwen3|qwq|mistral|mixtral|command-r|hermes|firefunction|granite3|smollm2|nemotron|gpt-oss|cogito|phi4-mini|devstral|magistral/i;
const REASONING = /deepseek-r1|qwq|qwen3|gpt-oss|magistral|phi4-reasoning|cogito|openthinker/i;

/** True when the model serves embeddings rather than chat. */
export function isEmbeddingModel(model: TaggedModel): boolean {
  if (model.capabilities) return model.capabilities.includes('embedding');
  const families = [model.family, ...(model.families ?? [])].filter(Boolean) as string[];
  return (
    families.some((family) => EMBEDDING_FAMILIES.test(family)) || EMBEDDING_NAMES.test(model.name)
  );
}

/**
 * What a listed model can do: the server's own `capabilities` list when it sends one, else a
 * guess from its name and family. Chat models stream and take `format` schemas.
 */
export function guessCapabilities(model: TaggedModel): ModelCapabilities {
  if (isEmbeddingModel(model)) return { embeddings: true };
  const listed = model.capabilities;
  const families = [model.family, ...(model.families ?? [])].filter(Boolean) as string[];
  const vision = listed
    ? listed.includes('vision')
    : VISION.test(model.name) || families.some((family) => VISION_FAMILIES.test(family));
  const tools = listed ? listed.includes('tools') : TOOLS.test(model.name);
  const reasoning = listed ? listed.includes('thinking') : REASONING.test(model.name);
  return {
    chat: true,
    streaming: true,
    jsonSchema: true,
    ...(tools ? { tools: true } : {}),
    ...(vision ? { vision: true } : {}),
    ...(reasoning ? { reasoning: true } : {}),
  };
}
