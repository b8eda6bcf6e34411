/** Plain text inside a user message. */
export interface TextPart {
  /** Discriminator. */
  type: 'text';
  /** The text. */
  text: string;
}

/** An image inside a user message, for vision-capable models. */
export interface ImagePart {
  /** Discriminator. */
  type: 'image';
  /**
   * Where the image is: an `https:` URL or a `data:` URL carrying base64 bytes. Providers that
   * only take raw base64 (Ollama) convert data URLs themselves.
   */
  url: string;
  /** IANA media type such as `image/png`, when known. */
  mediaType?: string;
  /** Resolution hint for providers that support it (OpenAI's `detail`). */
  detail?: 'auto' | 'low' | 'high';
}

/** A part of a user message's content. */
export type ContentPart = TextPart | ImagePart;
