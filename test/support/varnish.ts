/**
 * The real varnishd of examples/cdn for tests (the launcher lives with the example, whose demo
 * runs it too), and the CI rule: a missing Varnish fails under `CI=true` with the install
 * command, and is skipped loudly elsewhere.
 */
import { VARNISH_INSTALL, varnishInstalled } from '../../examples/cdn/src/varnish.js';

export {
  EXAMPLE_VCL,
  startVarnish,
  type Varnish,
  vclFor,
} from '../../examples/cdn/src/varnish.js';

let availability: boolean | undefined;

/**
 * Whether varnishd with vmod xkey is installed. Missing in CI (`CI=true`): throws with the
 * install command. Missing elsewhere: warns loudly once and returns false, so suites
 * `describe.skipIf(!varnishAvailable())` visibly.
 *
 * @throws {Error} in CI when Varnish or varnish-modules is not installed.
 */
export function varnishAvailable(): boolean {
  if (availability !== undefined) return availability;
  availability = varnishInstalled();
  if (!availability) {
    const message = `varnishd with vmod xkey not found. Install it: ${VARNISH_INSTALL}`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPING the Varnish suites: ${message}\n${'!'.repeat(78)}\n`,
    );
  }
  return availability;
}
