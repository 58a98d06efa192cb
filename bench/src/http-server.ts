/**
 * One arm of the `http` section as a server process of its own (started by http.ts, pinned to
 * a core with `taskset`): `node http-server.ts <arm>` listens on a free loopback port and prints
 * `@@port <n>` once it does. The servers are http-arms.ts's `armServer`.
 */
import type { AddressInfo } from 'node:net';
import { armServer, HTTP_ARMS, type HttpArm, PORT_LINE } from './http-arms.js';

const arm = process.argv[2] as HttpArm;
if (!HTTP_ARMS.includes(arm)) throw new Error(`unknown http arm: ${process.argv[2]}`);
const listening = armServer(arm);
listening.keepAliveTimeout = 60_000;
listening.listen(0, '127.0.0.1', () => {
  console.log(`${PORT_LINE}${(listening.address() as AddressInfo).port}`);
});
// Exit through process.exit on a signal, so a `--cpu-prof` profile of the arm gets written.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
