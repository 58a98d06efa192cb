// The part of the `compression` middleware's API the tests use, typed against node:http:
// @types/compression would bring in @types/express, which retypes tRPC's Express adapter.
declare module 'compression' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export default function compression(): (
    req: IncomingMessage,
    res: ServerResponse,
    next: () => void,
  ) => void;
}
