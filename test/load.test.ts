import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { runLoad } from "../src/load/loadRun.ts";
import { needServer } from "./helpers/servers.ts";

/** `npm run load` in small: fewer requests (ZKFORGET_TEST_LOAD_REQUESTS, default 12), the same faults and checks. */
describe("load and faults (loopback: own redis-server, zkforget serve, 2 workers)", function () {
  it("proves every request once, in one verifying chain, through a killed worker, a server restart and a Redis restart", async function () {
    // About a minute on an idle 2-core machine; far longer when other work shares the cores.
    this.timeout(1_800_000);
    const redisServer = spawnSync("redis-server", ["--version"]).status === 0 ? "yes" : undefined;
    needServer(this, "redis-server on PATH", redisServer);
    const requests = Number(process.env.ZKFORGET_TEST_LOAD_REQUESTS ?? 12);
    const result = await runLoad({ requests, timeoutSeconds: 1500, log: (m) => console.log(`      ${m}`) });
    console.log(`      p50 ${result.p50Seconds.toFixed(1)} s, p95 ${result.p95Seconds.toFixed(1)} s, ${result.throughputPerMinute.toFixed(2)} proofs/min`);
    assert.equal(result.timedOut, false, "finished before the deadline");
    assert.equal(result.faults.length, 3, `all three faults injected: ${JSON.stringify(result.faults)}`);
    assert.equal(result.proved, requests);
    assert.deepEqual(result.missing, [], "no request without its entry");
    assert.deepEqual(result.duplicated, [], "no request appended twice");
    assert.equal(result.entries, 2 * requests + 1, "the commit, and per request its request entry and one proof");
    assert.ok(result.chainValid, result.chainProblems.join("; "));
  });
});
