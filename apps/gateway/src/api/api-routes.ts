import { type ChatRequest, LoomError } from '@loom/core';
import { GatewayError, invalidRequest } from '../errors/gateway-error.js';
import type { Route } from '../server/route-request.js';
import { sendJson } from '../server/send.js';
import { parseChatRequest } from '../wire/parse-chat-request.js';
import type { ApiSources } from './api-sources.js';
import type { AlertsResponse, StatsResponse } from './api-types.js';
import { costsResponse } from './costs-api.js';
import { providersResponse } from './providers-api.js';
import { durationParam, integerParam, queryOf } from './query-params.js';
import { buildReport, reportRange, reportResponseToMarkdown } from './report-api.js';
import { statsSeries } from './stats-series.js';

const NO_STORE = { 'cache-control': 'no-store' };

function get(run: Route['run']): Route {
  return { method: 'GET', auth: true, body: false, admin: true, run };
}

function monitorOff(): GatewayError {
  return new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'monitor_disabled',
    message: 'Metrics are off in this gateway (monitor.enabled: false).',
  });
}

/** A sample request for `GET /api/explain?model=`: routing looks at the model, not the text. */
function sampleRequest(model: string | null): ChatRequest {
  if (!model) {
    throw new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_query_parameter',
      param: 'model',
      message: "Query parameter 'model' is required (an alias or provider/model).",
    });
  }
  return { model, messages: [{ role: 'user', content: 'Hello' }] };
}

/**
 * The JSON API (`/api/*`, shapes in api-types.ts) and `/metrics`, for `createGateway({ routes })`.
 * All are admin routes (loopback unless exposed) and take the gateway key when keys are on.
 */
export function apiRoutes(sources: ApiSources): Record<string, Route> {
  return {
    '/metrics': get((_options, _body, exchange) => {
      if (!sources.monitor) throw monitorOff();
      sources.monitor.prometheus.handler()(exchange.request, exchange.response);
    }),
    '/api/providers': get(({ kernel }, _body, { response }) =>
      sendJson(response, 200, providersResponse(kernel, sources.providerTypes()), NO_STORE),
    ),
    '/api/stats': get(({ kernel }, _body, { request, response }) => {
      const query = queryOf(request);
      const windowMs = durationParam(query, 'window', 15 * 60_000);
      const stepMs = durationParam(query, 'step', 10_000);
      const now = sources.now();
      const body: StatsResponse = { now, kernel: kernel.stats() };
      if (sources.monitor) body.series = statsSeries(sources.monitor.store, windowMs, stepMs, now);
      sendJson(response, 200, body, NO_STORE);
    }),
    '/api/costs': get(async (_options, _body, { request, response }) => {
      const body = await costsResponse(sources.cost(), queryOf(request));
      sendJson(response, 200, body, NO_STORE);
    }),
    '/api/report': get(async (_options, _body, { request, response }) => {
      if (!sources.monitor) throw monitorOff();
      const query = queryOf(request);
      const format = reportFormat(query, request.headers.accept);
      const cost = sources.cost();
      const report = await buildReport(
        {
          store: sources.monitor.store,
          costs: (range) => (cost ? cost.report(range) : Promise.resolve(emptyCostReport())),
          alerts: sources.alerts.recent(500),
          source: 'live',
        },
        reportRange(query, sources.now()),
      );
      if (format === 'json') return sendJson(response, 200, report, NO_STORE);
      response.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8', ...NO_STORE });
      response.end(reportResponseToMarkdown(report));
    }),
    '/api/alerts': get((_options, _body, { request, response }) => {
      const limit = integerParam(queryOf(request), 'limit', { min: 1, max: 500, fallback: 50 });
      const body: AlertsResponse = {
        firing: sources.alerts.firing(),
        recent: sources.alerts.recent(limit),
      };
      sendJson(response, 200, body, NO_STORE);
    }),
    '/api/explain': {
      method: 'GET',
      auth: true,
      body: false,
      admin: true,
      run: async ({ kernel }, _body, { request, response }) => {
        const request_ = sampleRequest(queryOf(request).get('model'));
        sendJson(response, 200, await explain(kernel, request_, 'chat'), NO_STORE);
      },
    },
    // The same for a real chat body: capabilities, tools and context length then count too.
    'POST /api/explain': {
      method: 'POST',
      auth: true,
      body: true,
      admin: true,
      run: async ({ kernel }, body, { response }) => {
        const parsed = parseChatRequest(body);
        const operation = parsed.stream ? 'stream' : 'chat';
        sendJson(response, 200, await explain(kernel, parsed.request, operation), NO_STORE);
      },
    },
  };
}

/** `format=md|json`, else what `Accept` prefers; 400 for another format. */
function reportFormat(query: URLSearchParams, accept: string | undefined): 'md' | 'json' {
  const format = query.get('format');
  if (format === 'md' || format === 'json') return format;
  if (format !== null && format !== '') {
    throw invalidRequest(
      `Query parameter 'format' must be md or json, got '${format}'.`,
      'format',
      'invalid_query_parameter',
    );
  }
  return accept?.includes('text/markdown') ? 'md' : 'json';
}

function emptyCostReport() {
  return {
    totalMicros: 0,
    records: 0,
    inputTokens: 0,
    outputTokens: 0,
    estimated: 0,
    unpriced: 0,
    groups: [],
  };
}

async function explain(
  kernel: Parameters<Route['run']>[0]['kernel'],
  request: ChatRequest,
  operation: 'chat' | 'stream',
) {
  try {
    return await kernel.explain(request, { operation });
  } catch (error) {
    // An unknown model is the caller's mistake here, not a server failure.
    if (LoomError.isInstance(error) && error.statusCode === undefined) {
      throw new GatewayError({
        status: 400,
        type: 'invalid_request_error',
        code: error.code,
        param: 'model',
        message: error.message,
      });
    }
    throw error;
  }
}
