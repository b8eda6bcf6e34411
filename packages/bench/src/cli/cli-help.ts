/** The text of `loom bench --help`. */
export const BENCH_HELP = `Usage: loom bench --url <baseURL> --model <model> [options]

Load an OpenAI-compatible API (a Loom gateway, vLLM, LM Studio, OpenAI...) and report latency,
time to first token, inter-token latency, tokens/s, errors by class and cost per 1,000 requests.

Target
  --url <baseURL>          Base URL including /v1, e.g. http://127.0.0.1:4000/v1 (required unless
                           the host CLI gives another target, like loom bench --config)
  --model <model>          Model or alias to request (required)
  --api-key <key>          Sent as Authorization: Bearer <key>
  --header <name:value>    Extra request header; repeat for more
  --connections <n>        HTTP connections in the pool (default: highest concurrency, min 16)

Workload
  --scenario <name>        chat | stream | embeddings (default chat)
  --prompts <file>         Prompts from a JSON array or JSON Lines file: strings, or
                           {"prompt"|"messages", "max_tokens"?, "id"?, "input"?}
  --prompt-size <size>     Built-in prompt when --prompts is absent: short (12 words, max_tokens 16),
                           medium (200 words, 128), long (1500 words, 512) (default short)
  --max-tokens <n>         Override max_tokens of every prompt

Load
  --concurrency <list>     Closed-loop concurrency sweep, comma-separated, e.g. 1,16,64 (default 1)
  --rate <list>            Open-loop constant arrival rates in requests/s, comma-separated, e.g.
                           100,500; latency counts from each request's scheduled send time
  --requests <n>           Requests per run (default 200 unless --duration is given)
  --duration <time>        Time per run: 30s, 1500ms, 2m, 1h (a bare number is seconds); with
                           --requests, whichever ends first
  --warmup <n>             Unmeasured requests before each run (default 20)
  --timeout <time>         Per-request timeout: 30s, 1500ms, 2m (a bare number is seconds;
                           default 30s); a timed-out request counts as "timeout"

Output
  --json <file>            Write the results (JSON, with environment details)
  --markdown <file>        Write the Markdown table
  --svg <file>             Write an SVG chart of p50/p95/p99 against concurrency
  --priors <file>          Write per-deployment latency priors for the router (JSON)
  --name <text>            Name stored in the results
  --progress <mode>        auto | bar | lines | none (default auto: a bar on a terminal, lines otherwise)

Baseline
  --baseline <file>        Compare with a saved results file (runs matched by label, e.g. c=16)
  --threshold <percent>    Allowed worsening of latency, TTFT and throughput; error rate in
                           points (default 10)

  -h, --help               Show this help

Durations take a unit: ms, s, m, h or d, decimals allowed (1.5s); a bare number is seconds.

Exit codes: 0 ok, 1 bad flags or input, 2 the run failed, 3 regression against the baseline.
`;
