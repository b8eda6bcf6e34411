import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../src/dashboard/dashboard-routes.js';
import { type RunningDemo, startDemo } from '../src/demo/start-demo.js';
import {
  ARTIFACTS,
  chromiumOrSkip,
  LIVE_TIMEOUT,
  launchChromium,
  pageProblems,
  textOf,
} from './headless-chromium.js';

const RUN = chromiumOrSkip('dashboard test');

/** The number an element shows (`1,234`, `$0.0012`); NaN before it shows one. */
async function numberOf(page: Page, selector: string): Promise<number> {
  const text = await textOf(page, selector);
  return text ? Number(text.replace(/[$,]/g, '')) : Number.NaN;
}

/** Waits until `selector` shows a number above `above`; returns it. */
async function waitForNumber(page: Page, selector: string, above: number): Promise<number> {
  await expect
    .poll(() => numberOf(page, selector), { timeout: LIVE_TIMEOUT, interval: 250 })
    .toBeGreaterThan(above);
  return numberOf(page, selector);
}

describe.skipIf(!RUN)('dashboard in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('mounts the page, its scripts and uPlot as admin routes that need no key', async () => {
    const routes = dashboardRoutes();
    expect(Object.keys(routes)).toEqual(
      expect.arrayContaining([
        '/',
        '/dashboard/dashboard.js',
        '/dashboard/vendor/uPlot.iife.min.js',
      ]),
    );
    for (const route of Object.values(routes)) {
      expect(route).toMatchObject({ method: 'GET', admin: true, auth: false });
    }
  });

  it('shows live providers, numbers that change, charts, budgets, alerts and routing', async () => {
    const demo = await startDemo({
      port: 0,
      ratePerSecond: 6,
      outage: { startMs: 2_000, durationMs: 6_000 },
      alertIntervalMs: 1_000,
      write: () => {},
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = pageProblems(page);
    try {
      const response = await page.goto(`${demo.dashboardURL}?interval=700ms`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

      const first = await waitForNumber(page, '#tile-requests', 0);
      const later = await waitForNumber(page, '#tile-requests', first);
      expect(later).toBeGreaterThan(first);

      for (const provider of ['openai', 'gpu', 'local']) {
        await page.locator(`#providers tr[data-provider="${provider}"]`).first().waitFor();
      }
      await page.locator('#chart-requests canvas').waitFor({ timeout: LIVE_TIMEOUT });
      await page.locator('#chart-latency canvas').waitFor({ timeout: LIVE_TIMEOUT });
      await waitForNumber(page, '#tile-spend', 0);
      await page.locator('#budgets .budget[data-budget="demo-daily"]').waitFor();
      await page.locator('#spend-provider tbody tr td.mono').first().waitFor();
      await page.locator('#explain li.candidate').first().waitFor();
      expect(await textOf(page, '#explain-summary')).toMatch(/^Strategy weighted: \d of 3/);
      // The outage trips the error alert; the page lists it.
      await page
        .locator('#alerts li', { hasText: 'upstream-errors' })
        .first()
        .waitFor({ timeout: LIVE_TIMEOUT });
      expect(await textOf(page, '#status')).toMatch(/^live/);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await demo.close();
    }
  }, 90_000);

  it('asks for the gateway key when keys are on, then shows the data', async () => {
    const key = 'dashboard-test-key-1234';
    let demo: RunningDemo | undefined;
    const page = await browser.newPage();
    try {
      demo = await startDemo({ port: 0, apiKeys: [key], outage: false, write: () => {} });
      await page.goto(`${demo.dashboardURL}?interval=700ms`);
      await page.locator('#key-form').waitFor({ state: 'visible', timeout: LIVE_TIMEOUT });
      expect(await textOf(page, '#status')).toContain('needs an API key');

      await page.fill('#key-input', key);
      await page.click('#key-form button');
      await waitForNumber(page, '#tile-requests', 0);
      await page.locator('#key-form').waitFor({ state: 'hidden' });
      // The demo's traffic uses the key: the tenants panel shows its spend.
      await page
        .locator('#spend-key tbody tr[data-group="key-1"]')
        .waitFor({ timeout: LIVE_TIMEOUT });
      // The key has no team.
      expect(await textOf(page, '#spend-team tbody')).toContain('(no team)');

      // A key in the URL fragment works too, and is removed from the address bar.
      const second = await browser.newPage();
      await second.goto(`${demo.dashboardURL}#key=${key}`);
      await waitForNumber(second, '#tile-requests', 0);
      expect(second.url()).not.toContain(key);
      await second.close();
    } finally {
      await page.close();
      await demo?.close();
    }
  }, 90_000);
});
