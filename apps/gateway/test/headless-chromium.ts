import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (TOOLCHAIN.md); `.ci/run` installs it. */
export const CHROMIUM = process.env.LOOM_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Screenshots of browser tests, to look at. */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');

/** How long a live figure may take to show. */
export const LIVE_TIMEOUT = 30_000;

/**
 * Locally without Chromium a browser test skips and says why; in CI a missing browser is a
 * failure, never a skip. Call at the top of a test file; returns whether to run.
 */
export function chromiumOrSkip(what: string): boolean {
  if (!HAVE_CHROMIUM && process.env.CI) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}; CI must install it (apt-get install chromium).`,
    );
  }
  if (!HAVE_CHROMIUM)
    console.warn(`${what} skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return HAVE_CHROMIUM;
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no network chatter). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Collects the page's uncaught errors and console errors, for `expect(problems).toEqual([])`. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** Text of an element, trimmed. */
export const textOf = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent({ timeout: LIVE_TIMEOUT })) ?? '').trim();
