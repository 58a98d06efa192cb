/**
 * The status codes a page's responses had on the wire, from Chromium's DevTools protocol.
 *
 * `launchBrowser`'s network log comes from Playwright, which reports a revalidated response as
 * the browser hands it to the page: the stored 200, its headers updated. The 304 that came over
 * the wire shows only in CDP's `Network.responseReceivedExtraInfo` (the raw response headers).
 */
import type { BrowserSession } from './browser.js';

/** One response as the server sent it. */
export interface WireResponse {
  readonly url: string;
  readonly status: number;
  /** Raw header names lower-cased; a repeated header's lines joined with `\n`, as CDP gives. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Record every response the session's page gets from now on, with its wire status.
 *
 * @example
 * ```ts
 * const wire = await recordWire(session);
 * await session.page.reload();
 * wire.filter((r) => r.url.includes('/api/trpc/')).map((r) => r.status); // [304]
 * ```
 */
export async function recordWire(
  session: BrowserSession,
): Promise<WireResponse[] & { clear(): void }> {
  const cdp = await session.context.newCDPSession(session.page);
  const urls = new Map<string, string>();
  const entries: WireResponse[] = [];
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => {
    urls.set(requestId, request.url);
  });
  cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode, headers }) => {
    const lowered: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers))
      lowered[name.toLowerCase()] = String(value);
    entries.push({ url: urls.get(requestId) ?? '', status: statusCode, headers: lowered });
  });
  await cdp.send('Network.enable');
  return Object.assign(entries, {
    clear(): void {
      entries.length = 0;
    },
  });
}
