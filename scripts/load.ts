// Load and faults on loopback: 200 deletion requests on deletion-d8-k2, 2 workers, one worker
// killed, the server restarted, Redis restarted; prints one JSON line with the outcome and the
// request→proof p50/p95 and throughput. Bounded: stops when all are proved, or at --timeout.
//
// Usage: npm run load [-- --requests N] [-- --timeout SECONDS] [-- --no-faults]
// Needs redis-server on PATH (Debian's redis-server package; .ci/run installs it).
import { parseArgs } from "node:util";
import { runLoad } from "../src/load/loadRun.ts";
import { releaseCurve } from "../src/snarkjsThreads.ts";

const { values } = parseArgs({ options: { requests: { type: "string" }, timeout: { type: "string" }, "no-faults": { type: "boolean" } } });
const requests = Number(values.requests ?? 200);
const timeoutSeconds = Number(values.timeout ?? 3600);
const started = new Date().toISOString();
try {
  const result = await runLoad({ requests, timeoutSeconds, faults: values["no-faults"] !== true, log: (m) => process.stderr.write(`[load] ${m}\n`) });
  process.stdout.write(`${JSON.stringify({ bench: "load", profile: "deletion-d8-k2", started, ...result })}\n`);
  // The commit, then per request its `request` entry and one proof (one record each, K = 2).
  const ok = result.proved === requests && result.duplicated.length === 0 && result.missing.length === 0 && result.chainValid && result.entries === 2 * requests + 1 && result.faults.length === result.faultsPlanned;
  process.exitCode = ok ? 0 : 1;
} finally {
  await releaseCurve();
}
