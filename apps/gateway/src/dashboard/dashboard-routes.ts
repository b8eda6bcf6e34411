import type { Route } from '../server/route-request.js';
import { type DashboardAsset, loadDashboardAssets } from './dashboard-assets.js';

// The page runs only its own scripts and talks only to this origin. uPlot sizes its elements
// through the style attribute, hence 'unsafe-inline' for styles (not for scripts).
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function assetRoute(asset: DashboardAsset): Route {
  const headers = {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(asset.contentType.startsWith('text/html')
      ? { 'content-security-policy': CONTENT_SECURITY_POLICY }
      : {}),
  };
  return {
    method: 'GET',
    // The page and its scripts carry no data; the JSON API they call checks the key.
    auth: false,
    body: false,
    admin: true,
    run: (_options, _body, { response }) => {
      response.writeHead(200, headers);
      response.end(asset.body);
    },
  };
}

/**
 * The dashboard's routes for `createGateway({ routes })`: the page at `/` and its scripts,
 * styles and uPlot under `/dashboard/`. The page polls the JSON API (`/api/*`), which must be
 * mounted too; when gateway API keys are on it asks for one (or reads `#key=...` from the URL)
 * and sends it as a bearer token. Files are read once, here.
 */
export function dashboardRoutes(): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const asset of loadDashboardAssets()) routes[asset.path] = assetRoute(asset);
  return routes;
}
