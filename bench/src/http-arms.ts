/** What the `http` section's driver (http.ts) and its server processes (http-server.ts) share. */

/** The arms http.ts starts, each in its own process. */
export const HTTP_ARMS = ['floor', 'routecache', 'plain', 'wrapper'] as const;
export type HttpArm = (typeof HTTP_ARMS)[number];

/** The line the server prints once it listens. */
export const PORT_LINE = '@@port ';

/** ~2 KB of JSON: a product with a description and a list of variants. */
export const ITEM = {
  id: 1,
  name: 'Lightweight trail running shoe',
  description: 'x'.repeat(1077),
  variants: Array.from({ length: 16 }, (_, i) => ({
    sku: `TR-${1000 + i}`,
    size: 36 + (i % 12),
    color: i % 2 === 0 ? 'slate' : 'ember',
    stock: (i * 7) % 23,
  })),
};

/** The request path every arm is loaded with. */
export const ITEM_PATH = `/item?input=${encodeURIComponent(JSON.stringify({ id: 1 }))}`;
