import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's `chromium` package; `.ci/run` installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. In CI (`CI` set) a missing browser is an error, never a skip;
 * elsewhere the tests are skipped with a loud message saying how to run them.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] !== undefined) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must install the chromium package.`);
  console.warn(`\n*** BROWSER TESTS SKIPPED: ${CHROMIUM} is missing. Install it (apt-get install -y chromium) to run them. ***\n`);
  return false;
}

/** A headless Chromium with a fresh profile; `close()` also deletes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'sbrx-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  // A step that cannot happen fails with Playwright's description instead of hanging the test.
  context.setDefaultTimeout(10_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
