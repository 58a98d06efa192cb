import { afterEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of the launcher module (it memoizes what it found on PATH). */
async function freshRedisAvailable(): Promise<() => boolean> {
  vi.resetModules();
  return (await import('../support/redis-server.js')).redisAvailable;
}

describe('redisAvailable without redis-server on PATH', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('fails the run under CI=true, saying how to install it', async () => {
    vi.stubEnv('PATH', '');
    vi.stubEnv('CI', 'true');
    const redisAvailable = await freshRedisAvailable();
    expect(() => redisAvailable()).toThrow(
      /redis-server.*not found.*apt-get install -y redis-server/,
    );
  });

  it('skips loudly elsewhere', async () => {
    vi.stubEnv('PATH', '');
    vi.stubEnv('CI', 'false');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const redisAvailable = await freshRedisAvailable();
    expect(redisAvailable()).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SKIPPING the Redis test suites/));
  });
});
