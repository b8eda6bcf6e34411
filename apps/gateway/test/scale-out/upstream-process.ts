// A simulated OpenAI upstream in a process of its own, for benchmarks: the load generator and the
// upstream then do not share one event loop. Prints "upstream <baseURL>" once it listens.
import { startOpenAIServer } from '@loom/testkit';

const upstream = await startOpenAIServer();
// The simulator records every request; a benchmark sends tens of thousands.
const forget = setInterval(() => upstream.clearRequests(), 500);
process.stdout.write(`upstream ${upstream.baseURL}\n`);

const stop = async () => {
  clearInterval(forget);
  await upstream.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
