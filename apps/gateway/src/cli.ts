import { writeFile } from 'node:fs/promises';
import { cac } from 'cac';
import { checkCommand } from './cli/check-command.js';
import { serveCommand } from './cli/serve-command.js';
import { ConfigFileError } from './config/config-error.js';
import { configJsonSchema } from './config/json-schema.js';

// Exit codes scripts can rely on: 0 success, 1 invalid config, 2 any other failure.
const EXIT_CONFIG = 1;
const EXIT_FAILURE = 2;

function fail(error: unknown): never {
  if (error instanceof ConfigFileError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  process.stderr.write(`loom: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_FAILURE);
}

const cli = cac('loom');

cli
  .command('serve', 'Start the OpenAI-compatible gateway')
  .option('--config <file>', 'Config file (YAML, or JSON when it ends in .json)', {
    default: 'loom.yaml',
  })
  .option('--port <port>', 'Port to listen on (overrides server.port; 0 picks a free one)')
  .option('--host <host>', 'Address to bind (overrides server.host; default 127.0.0.1)')
  .action((flags: { config: string; port?: string; host?: string }) =>
    serveCommand({
      config: flags.config,
      ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
      ...(flags.host === undefined ? {} : { host: flags.host }),
    }).catch(fail),
  );

cli
  .command('check', 'Validate a config file without starting; exit 0 when valid, 1 with the errors')
  .option('--config <file>', 'Config file to validate', { default: 'loom.yaml' })
  .action((flags: { config: string }) =>
    checkCommand(flags.config).then((summary) => process.stdout.write(`${summary}\n`), fail),
  );

cli
  .command('schema', "Print the config's JSON Schema, for editors")
  .option('--out <file>', 'Write it to this file instead of stdout')
  .action(async (flags: { out?: string }) => {
    const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
    if (flags.out) await writeFile(flags.out, text).catch(fail);
    else process.stdout.write(text);
  });

cli.help();
cli.parse();
