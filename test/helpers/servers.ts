/**
 * The real servers the service tests use (Redis, PostgreSQL), named by environment variables
 * that `.ci/run` sets after starting Debian's redis-server and postgresql on loopback. Without
 * them a test skips with a visible message, except under CI=true, where it fails: CI must run it.
 */

/** ZKFORGET_TEST_REDIS, e.g. redis://127.0.0.1:6379. */
export const TEST_REDIS = process.env.ZKFORGET_TEST_REDIS;
/** ZKFORGET_TEST_POSTGRES, e.g. postgres://zkforget:zkforget@127.0.0.1:5432/zkforget_test. */
export const TEST_POSTGRES = process.env.ZKFORGET_TEST_POSTGRES;

/** Skips `ctx`'s suite (or fails under CI) when `url` is unset. */
export function needServer(ctx: Mocha.Context, variable: string, url: string | undefined): asserts url is string {
  if (url !== undefined && url !== "") return;
  if (process.env.CI === "true") throw new Error(`${variable} is not set, but CI=true: the service tests must run in CI (.ci/run starts the servers)`);
  console.log(`      SKIPPED: ${variable} is not set (start the server and set it, see .ci/run)`);
  ctx.skip();
}
