/**
 * What went over the wire, as Chromium's DevTools protocol reports it beside the page's view.
 *
 * On a revalidation the server answers `304` and Chromium hands the page its stored `200`:
 * Playwright's `response` event (and so `launchBrowser`'s `network` log) and CDP's
 * `Network.responseReceived` both report that 200. The status that came off the wire is only in
 * `Network.responseReceivedExtraInfo`, and the headers really sent (`If-None-Match` the browser
 * added) in `Network.requestWillBeSentExtraInfo`. This log joins the three by request id.
 */
import type { BrowserSession } from './browser.js';

/** One exchange: what the page got and what the wire carried. */
export interface WireEntry {
  readonly url: string;
  readonly method: string;
  /** The status the page saw (a revalidated response: the stored 200). */
  readonly pageStatus: number;
  /** The status the server sent (a revalidated response: 304); undefined until reported. */
  readonly wireStatus: number | undefined;
  /** Request headers as sent on the wire, lower-cased names. */
  readonly wireRequestHeaders: Readonly<Record<string, string>>;
  /**
   * Response headers as they came off the wire (a 304's own, not the stored 200's), lower-cased
   * names; a repeated header's lines joined with `\n`, as CDP gives them.
   */
  readonly wireResponseHeaders: Readonly<Record<string, string>>;
}

interface Pending {
  url?: string;
  method?: string;
  pageStatus?: number;
  wireStatus?: number;
  wireRequestHeaders?: Record<string, string>;
  wireResponseHeaders?: Record<string, string>;
}

/**
 * Start recording the page's exchanges through a CDP session. `entries()` lists those whose
 * page response and wire status have both been reported, in request order; `clear()` forgets.
 *
 * @example
 * ```ts
 * const wire = await recordWire(session);
 * await session.page.reload();
 * wire.entries().map((e) => [e.pageStatus, e.wireStatus]); // [[200, 304], …]
 * ```
 */
export async function recordWire(
  session: BrowserSession,
): Promise<{ entries(): WireEntry[]; clear(): void }> {
  const cdp = await session.context.newCDPSession(session.page);
  const byId = new Map<string, Pending>();
  const at = (id: string): Pending => {
    const pending = byId.get(id) ?? {};
    byId.set(id, pending);
    return pending;
  };
  cdp.on('Network.requestWillBeSent', (event) => {
    Object.assign(at(event.requestId), { url: event.request.url, method: event.request.method });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    at(event.requestId).wireRequestHeaders = lowerCased(event.headers);
  });
  cdp.on('Network.responseReceived', (event) => {
    at(event.requestId).pageStatus = event.response.status;
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    const pending = at(event.requestId);
    pending.wireStatus = event.statusCode;
    pending.wireResponseHeaders = lowerCased(event.headers);
  });
  await cdp.send('Network.enable');
  return {
    entries: () =>
      [...byId.values()].flatMap((p) =>
        p.url !== undefined && p.method !== undefined && p.pageStatus !== undefined
          ? [
              {
                url: p.url,
                method: p.method,
                pageStatus: p.pageStatus,
                wireStatus: p.wireStatus,
                wireRequestHeaders: p.wireRequestHeaders ?? {},
                wireResponseHeaders: p.wireResponseHeaders ?? {},
              },
            ]
          : [],
      ),
    clear: () => byId.clear(),
  };
}

function lowerCased(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
}
