import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** One file the dashboard serves, read into memory once. */
export interface DashboardAsset {
  /** URL path it is served at. */
  path: string;
  contentType: string;
  body: Buffer;
}

// The page's own files live next to this module in source (src/dashboard/dashboard-page/) and
// are copied to dist/dashboard-page/ by the build; the bundled module sits in dist/, so one
// relative URL finds them in both layouts.
const PAGE_DIRECTORY = new URL('./dashboard-page/', import.meta.url);

const PAGE_FILES: ReadonlyArray<[path: string, file: string, contentType: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/dashboard/dashboard.css', 'dashboard.css', 'text/css; charset=utf-8'],
  ['/dashboard/dashboard.js', 'dashboard.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/api-client.js', 'api-client.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/charts.js', 'charts.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/format.js', 'format.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/render.js', 'render.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/report.js', 'report.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/report-render.js', 'report-render.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/tenants-render.js', 'tenants-render.js', 'text/javascript; charset=utf-8'],
];

const UPLOT_FILES: ReadonlyArray<[path: string, file: string, contentType: string]> = [
  ['/dashboard/vendor/uPlot.iife.min.js', 'uplot/dist/uPlot.iife.min.js', 'text/javascript'],
  ['/dashboard/vendor/uPlot.min.css', 'uplot/dist/uPlot.min.css', 'text/css'],
];

function read(location: string | URL, what: string): Buffer {
  try {
    return readFileSync(location);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Dashboard file ${what} could not be read (${reason}); rebuild @loom/gateway.`);
  }
}

/**
 * Reads every dashboard file: the page from this package and uPlot from its installed package.
 * Called once when the routes are created, so a missing file fails the start, not a page view.
 */
export function loadDashboardAssets(): DashboardAsset[] {
  const require = createRequire(import.meta.url);
  const page = PAGE_FILES.map(([path, file, contentType]) => ({
    path,
    contentType,
    body: read(new URL(file, PAGE_DIRECTORY), fileURLToPath(new URL(file, PAGE_DIRECTORY))),
  }));
  const vendor = UPLOT_FILES.map(([path, file, contentType]) => {
    const location = require.resolve(file);
    return { path, contentType, body: read(location, location) };
  });
  return [...page, ...vendor];
}
