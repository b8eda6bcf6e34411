// The simulated OpenAI upstream in its own process, so it does not share an event loop with the
// load generator or the proxies. Prints `READY <origin>` once listening.
import { startOpenAIServer } from '@loom/testkit';

const upstream = await startOpenAIServer();
// The simulator records every request; forget them so 100k requests do not fill its memory.
setInterval(() => upstream.clearRequests(), 1_000).unref();
process.stdout.write(`READY ${upstream.url}\n`);
process.once('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
