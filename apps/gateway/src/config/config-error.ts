/** One problem in a config file. */
export interface ConfigIssue {
  /** Dotted path (`providers.1.type`); empty for the whole file. */
  path: string;
  /** What was expected, and what was found. */
  message: string;
}

/**
 * A config file that cannot be used. Every line of the message names the file, the path and what
 * was expected: `loom.yaml: providers.1.type: expected one of openai|ollama|vllm, got "olama"`.
 */
export class ConfigFileError extends Error {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(
      issues
        .map((issue) => `${file}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
        .join('\n'),
    );
    this.name = 'ConfigFileError';
    this.file = file;
    this.issues = issues;
  }
}
