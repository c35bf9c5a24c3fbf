import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../cli/cli-harness.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Debian's chromium, offline and quiet: no QUIC, no update checks, no sync, no first-run UI. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = join(REPO_ROOT, 'target', 'screenshots');

/**
 * Makes sure `/usr/bin/chromium` exists, installing Debian's package through scripts/ensure-test-packages.sh
 * (needs root and apt; a few `test -x` and nothing else when it is installed). Returns why it is unavailable instead of throwing, so the tests
 * can skip with that message.
 */
export async function ensureChromium(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await promisify(execFile)('bash', [join(REPO_ROOT, 'scripts/ensure-test-packages.sh'), '--chromium'], { timeout: 900_000 });
  } catch (error) {
    if (existsSync(CHROMIUM)) return { ok: true }; // installed by other means; the script wanted something else
    const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
    return { ok: false, reason: `${CHROMIUM} is missing and could not be installed: ${stderr.trim().split('\n').slice(-3).join(' ')}` };
  }
  return existsSync(CHROMIUM) ? { ok: true } : { ok: false, reason: `${CHROMIUM} is still missing after scripts/ensure-test-packages.sh --chromium` };
}

export interface Browser {
  readonly context: BrowserContext;
  /** A new page that records every request it makes (to prove nothing leaves file://). */
  newPage(): Promise<{ page: Page; requests: string[]; errors: string[] }>;
  close(): Promise<void>;
}

/** Chromium with a fresh, throw-away `--user-data-dir` (Playwright passes it for a persistent context). */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'revrec-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 900 },
      offline: true,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      return { page, requests, errors };
    },
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Saves a screenshot (the viewport, or the whole page) as `target/screenshots/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
