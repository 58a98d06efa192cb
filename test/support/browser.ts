/**
 * A real browser for end-to-end tests: Debian's Chromium (`/usr/bin/chromium`) driven by
 * playwright-core — no browser download. Each launch gets a new empty profile, so its HTTP cache
 * starts cold and only holds what the test put there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
  type Response,
} from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL_HINT = 'apt-get update && apt-get install -y chromium';

// This machine's network is closed: without these, Chromium opens background connections that
// are refused many at a time, and looks up Google's hosts at every start.
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Whether Chromium is installed. Missing in CI (`CI=true`): throws with the install command.
 * Missing elsewhere: warns loudly once and returns false, so suites `describe.skipIf(...)` visibly.
 *
 * @throws {Error} in CI when chromium is not installed.
 */
export function chromiumAvailable(): boolean {
  if (availability !== undefined) return availability;
  availability =
    existsSync(CHROMIUM_PATH) &&
    spawnSync(CHROMIUM_PATH, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!availability) {
    const message = `${CHROMIUM_PATH} not found or not runnable. Install it: ${INSTALL_HINT}`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPING the browser suites: ${message}\n${'!'.repeat(78)}\n`,
    );
  }
  return availability;
}
let availability: boolean | undefined;

/** One network exchange the page made, as the browser saw it. */
export interface NetworkEntry {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** Request headers as sent (after the browser added `If-None-Match` and the like). */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly responseHeaders: Readonly<Record<string, string>>;
}

/** A launched browser with one context and page, a network log, and screenshots on request. */
export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every response the page received, in order; `clear()` empties it between steps. */
  readonly network: NetworkEntry[] & { clear(): void };
  /** Save a full-page PNG as `<outDir>/<nn>-<name>.png`; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launch Chromium headless with a fresh profile and record the page's network exchanges.
 *
 * @param outDir where screenshots go (created when missing).
 * @example
 * ```ts
 * const session = await launchBrowser(join(import.meta.dirname, '__output__/react'));
 * await session.page.goto(url);
 * await session.screenshot('loaded');
 * ```
 */
export async function launchBrowser(outDir: string): Promise<BrowserSession> {
  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'routecache-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
  });
  const browser = context.browser() as Browser;
  const page = context.pages()[0] ?? (await context.newPage());
  const entries: NetworkEntry[] = [];
  const network = Object.assign(entries, {
    clear(): void {
      entries.length = 0;
    },
  });
  page.on('response', (response: Response) => {
    void record(response).then((entry) => entries.push(entry));
  });
  let shot = 0;
  return {
    browser,
    context,
    page,
    network,
    async screenshot(name: string): Promise<string> {
      shot++;
      const path = join(outDir, `${String(shot).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close(): Promise<void> {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function record(response: Response): Promise<NetworkEntry> {
  const request = response.request();
  return {
    method: request.method(),
    url: response.url(),
    status: response.status(),
    requestHeaders: await request.allHeaders(),
    responseHeaders: await response.allHeaders(),
  };
}
