import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../src/demo/start-demo.js';
import {
  ARTIFACTS,
  chromiumOrSkip,
  LIVE_TIMEOUT,
  launchChromium,
  pageProblems,
  textOf,
} from './headless-chromium.js';

const RUN = chromiumOrSkip('dashboard report test');

/** The number an element shows (`1,234`, `$0.0012`); NaN when it shows none. */
async function numberOf(page: Page, selector: string): Promise<number> {
  const text = await textOf(page, selector);
  return /^\$?[\d,.]+$/.test(text) ? Number(text.replace(/[$,]/g, '')) : Number.NaN;
}

/** Presses Show and waits until the answer is rendered (the button is enabled again). */
async function showReport(page: Page): Promise<void> {
  await page.click('#report-show');
  await page.locator('#report-show:enabled').waitFor({ timeout: LIVE_TIMEOUT });
}

/** The API's own error message for a report query, read without the page. */
async function apiErrorMessage(demo: RunningDemo, query: string): Promise<string> {
  const response = await fetch(`${demo.url}/api/report?${query}`);
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { message: string } };
  return body.error.message;
}

describe.skipIf(!RUN)('dashboard Report view in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows a period of traffic, downloads it as Markdown and JSON, and shows API errors', async () => {
    const demo = await startDemo({
      port: 0,
      ratePerSecond: 6,
      outage: { startMs: 1_000, durationMs: 4_000 },
      alertIntervalMs: 1_000,
      write: () => {},
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = pageProblems(page);
    try {
      await page.goto(`${demo.dashboardURL}?interval=700ms`);
      await page.getByRole('tab', { name: 'Report' }).click();
      await page.getByRole('heading', { name: 'Report' }).waitFor();
      expect(page.url()).toContain('view=report');
      await page.getByLabel('Last 15 minutes').check();

      // Traffic reaches the metric store as requests finish, and the outage trips the error
      // alert a few seconds in: show again until the period holds both.
      await expect
        .poll(
          async () => {
            await showReport(page);
            const requests = await numberOf(page, '#report-requests');
            const alerts = await page.locator('#report-alerts li.alert').count();
            return requests > 0 && alerts > 0;
          },
          { timeout: LIVE_TIMEOUT, interval: 500 },
        )
        .toBe(true);
      expect(await textOf(page, '#report-alerts')).toContain('upstream-errors');
      expect(await page.locator('#report-error').isVisible()).toBe(false);
      expect(await numberOf(page, '#report-requests-per-second')).toBeGreaterThan(0);

      const resolution = await textOf(page, '#report-resolution');
      expect(resolution).toMatch(/^(1s|1m|1h)$/);
      // A range past the finest history says which series it used, visibly.
      if (resolution !== '1s') {
        await page.locator('#report-note').waitFor({ state: 'visible' });
        expect(await textOf(page, '#report-note')).not.toBe('');
      }
      expect(await textOf(page, '#report-cost-total')).toMatch(/^\$\d/);
      expect(await page.locator('#report-cost tbody tr').count()).toBeGreaterThan(0);
      expect(await textOf(page, '#report-cost tfoot')).toContain('Total');
      await page.locator('#report-deployments tbody tr td.num').first().waitFor();
      expect(await textOf(page, '#report-latency')).toMatch(/\d+(\.\d)? ms/);
      expect(await page.locator('#view-report').textContent()).not.toContain('NaN');

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-report.png'), fullPage: true });

      const [markdown] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#report-download-md'),
      ]);
      expect(markdown.suggestedFilename()).toMatch(/^loom-report-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.md$/);
      const markdownText = await readFile(await markdown.path(), 'utf8');
      expect(markdownText.startsWith('# Loom performance report\n')).toBe(true);

      const [json] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#report-download-json'),
      ]);
      expect(json.suggestedFilename()).toMatch(/^loom-report-.+\.json$/);
      const report = JSON.parse(await readFile(await json.path(), 'utf8'));
      expect(report.throughput.requests).toBeGreaterThan(0);
      expect(report.resolution).toBe(resolution);
      expect(problems).toEqual([]);

      // A period without data reads "no data", never NaN.
      await page.fill('#report-from', '2020-01-01T00:00');
      await page.fill('#report-to', '2020-01-01T01:00');
      await showReport(page);
      expect(await textOf(page, '#report-requests')).toBe('0');
      expect(await textOf(page, '#report-latency')).toContain('no data');
      expect(await textOf(page, '#report-deployments tbody')).toBe('No traffic in this period.');
      expect(await page.locator('#view-report').textContent()).not.toContain('NaN');

      // A custom range that ends before it starts: the API refuses, the view says why.
      await page.fill('#report-from', '2026-01-02T10:00');
      await page.fill('#report-to', '2026-01-01T10:00');
      await showReport(page);
      await page.locator('#report-error').waitFor({ state: 'visible' });
      const message = await apiErrorMessage(demo, 'from=2000&to=1000');
      expect(await textOf(page, '#report-error')).toContain(message);
      expect(await page.locator('#report-body').isVisible()).toBe(false);
      expect(await page.locator('#report-download-md').isDisabled()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-report-error.png') });
    } finally {
      await page.close();
      await demo.close();
    }
  }, 90_000);
});
