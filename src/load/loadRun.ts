import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { packageRoot } from "../circuits/paths.ts";
import { getProfile } from "../circuits/profiles.ts";
import { loadDataset } from "../encoding/records.ts";
import { ensureDevKey } from "../keys/devKeys.ts";
import { createToken } from "../server/tokens.ts";
import { loadKeyRing } from "../verifier/keyRing.ts";
import { verifyAuditPackage } from "../verifier/chain.ts";
import type { AuditPackage, DeletionRequestRecord } from "../verifier/auditTypes.ts";
import { commitWorkspace } from "../workspace/commit.ts";

/**
 * The load-and-faults run behind `npm run load` and test/load.test.ts, on loopback only:
 * commits a deletion-d8-k2 workspace, starts its own redis-server (no persistence, so a
 * restart loses the queue), `zkforget serve` and 2 `zkforget worker` processes, files N
 * single-record deletion requests (the last third only once the faults are in), and while they
 * are proved kills one worker (SIGKILL, then starts a new one), restarts the server (SIGKILL,
 * then starts it again) and restarts Redis (SIGKILL, then starts an empty one). It stops by itself: when every request is proved, or at
 * the deadline. Then it checks the outcome from the audit package alone — every request proved,
 * exactly one entry per request, seqs 1..N+1, the chain verifies — and reports the request→proof
 * latency (p50, p95, from the ledger's received and proved times) and the throughput.
 */

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Deletion requests to send (one record each; at most 240). */
  requests: number;
  /** Give up after this many seconds. */
  timeoutSeconds: number;
  /** Inject the three faults (default true). */
  faults?: boolean;
  /** Progress lines. */
  log?: (message: string) => void;
  /** Directory for the workspace and the processes' logs (default a temp dir). */
  dir?: string;
}

/** What {@link runLoad} measured and checked. */
export interface LoadResult {
  requests: number;
  workers: number;
  proved: number;
  /** True when the deadline stopped the run before every request was proved. */
  timedOut: boolean;
  /** Faults planned; `faults` lists those injected (all of them in a complete run). */
  faultsPlanned: number;
  entries: number;
  /** Request ids appended more than once (must be empty) and requests without an entry (must be empty). */
  duplicated: string[];
  missing: string[];
  chainValid: boolean;
  chainProblems: string[];
  faults: { at: number; what: string }[];
  p50Seconds: number;
  p95Seconds: number;
  /** Requests proved per minute, first received to last proved. */
  throughputPerMinute: number;
  wallSeconds: number;
  dir: string;
}

const PROFILE = "deletion-d8-k2";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** p-th percentile (0..1) of sorted values, nearest rank. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Runs the load test; see the module comment. Every process it started is stopped before it resolves. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const n = options.requests;
  if (!Number.isInteger(n) || n < 1 || n > 240) throw new RangeError(`requests must be 1..240 (the ${PROFILE} tree has 256 slots), got ${n}`);
  const dir = options.dir ?? await mkdtemp(join(tmpdir(), "zkf-load-"));
  const ws = join(dir, "ws");
  const root = packageRoot();
  const children = new Set<ChildProcess>();
  const started = Date.now();
  const deadline = started + options.timeoutSeconds * 1000;
  const faults: LoadResult["faults"] = [];

  const spawnLogged = (name: string, command: string, args: string[]): ChildProcess => {
    const out = createWriteStream(join(dir, `${name}.log`), { flags: "a" });
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    child.stdout!.pipe(out, { end: false });
    child.stderr!.pipe(out, { end: false });
    children.add(child);
    child.on("exit", () => children.delete(child));
    return child;
  };
  const kill = async (child: ChildProcess | undefined, signal: NodeJS.Signals) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await Promise.race([exited, sleep(10_000)]);
  };

  try {
    const profile = getProfile(PROFILE);
    await ensureDevKey(profile, { onProgress: log });
    const data = await loadDataset(join(root, "data/demo.csv"));
    const records = data.records.slice(0, Math.min(256, n + 8));
    await commitWorkspace(ws, { ...data, records }, { profile });
    const intake = (await createToken(ws, "intake")).token;
    const auditor = (await createToken(ws, "auditor")).token;

    const redisPort = await freePort();
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const startRedis = async () => {
      const redis = spawnLogged("redis", "redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
      await sleep(500);
      return redis;
    };
    let redis = await startRedis();
    const apiPort = await freePort();
    const api = `http://127.0.0.1:${apiPort}`;
    const cli = [join(root, "bin/zkforget.js")];
    const startServer = () => spawnLogged("server", process.execPath, [...cli, "serve", "--workspace", ws, "--redis", redisUrl, "--port", String(apiPort), "--allow-dev", "--rate-limit", "100000", "--lookahead", "6"]);
    const startWorkerProcess = (i: number) => spawnLogged(`worker-${i}`, process.execPath, [...cli, "worker", "--workspace", ws, "--redis", redisUrl, "--lock-seconds", "10", "--name", `worker-${i}`]);
    let server = startServer();
    const workers = [startWorkerProcess(0), startWorkerProcess(1)];
    let nextWorker = 2;

    const call = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> => {
      const res = await fetch(`${api}${path}`, {
        method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: await res.json().catch(() => undefined) };
    };
    const untilUp = async () => {
      for (;;) {
        if (Date.now() > deadline) throw new Error("deadline passed while waiting for the server");
        if ((await fetch(`${api}/readyz`).then((r) => r.status, () => 0)) === 200) return;
        await sleep(200);
      }
    };
    await untilUp();
    log(`server up at ${api}, redis ${redisUrl}, 2 workers; filing ${n} requests`);

    // File the requests, 8 at a time; a refused connection (a restart) is retried: request ids are idempotent.
    const ids = records.slice(0, n).map((r) => r.id);
    const file = async (first: number, end: number) => {
      let nextIndex = first;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (nextIndex < end) {
          const i = nextIndex++;
          for (;;) {
            const res = await call("POST", "/v1/deletion-requests", intake, { recordIds: [ids[i]], requestId: `load-${i}` }).catch(() => undefined);
            if (res?.status === 202) break;
            if (res && res.status !== 503 && res.status !== 500) throw new Error(`request load-${i} refused: ${res.status} ${JSON.stringify(res.json)}`);
            await sleep(500);
          }
        }
      }));
    };
    // With faults, the last third is held back until all three are injected: the native prover can
    // otherwise prove everything filed before the last fault's threshold is seen, and the run
    // would end with a fault never injected.
    const withFaults = options.faults !== false;
    const firstPart = withFaults ? n - Math.floor(n / 3) : n;
    await file(0, firstPart);
    log(`filed ${firstPart} of ${n} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Thresholds are fractions of the first part, all of which is proved only after the faults.
    const plan = !withFaults ? [] : [
      { fraction: 0.15, what: "killed worker-0 with SIGKILL (mid-proof) and started worker-2" },
      { fraction: 0.4, what: "killed the server with SIGKILL and started it again" },
      { fraction: 0.65, what: "killed redis-server with SIGKILL and started an empty one" },
    ];
    let requests: DeletionRequestRecord[] = [];
    let timedOut = false;
    for (;;) {
      // At the deadline, stop and report what was proved (the result then shows the missing ones).
      if (Date.now() > deadline) {
        timedOut = true;
        log(`deadline: ${requests.filter((r) => r.status === "proved").length} of ${n} proved after ${options.timeoutSeconds} s; stopping`);
        break;
      }
      const res = await call("GET", "/v1/deletion-requests", auditor).catch(() => undefined);
      if (res?.status === 200) requests = res.json.requests;
      const proved = requests.filter((r) => r.status === "proved").length;
      const failed = requests.filter((r) => r.status === "failed");
      if (failed.length > 0) throw new Error(`${failed.length} request(s) failed, e.g. ${failed[0]!.id}: ${failed[0]!.error}`);
      if (proved === n) break;
      const fault = plan[faults.length];
      if (fault && proved >= Math.ceil(fault.fraction * firstPart)) {
        const at = proved;
        if (faults.length === 0) {
          await kill(workers[0], "SIGKILL");
          workers[0] = startWorkerProcess(nextWorker++);
        } else if (faults.length === 1) {
          await kill(server, "SIGKILL");
          server = startServer();
          await untilUp();
        } else {
          await kill(redis, "SIGKILL");
          redis = await startRedis();
        }
        faults.push({ at, what: fault.what });
        log(`fault after ${at} proved: ${fault.what}`);
        if (faults.length === plan.length && firstPart < n) {
          await file(firstPart, n);
          log(`filed the remaining ${n - firstPart} requests`);
        }
      }
      await sleep(1000);
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const audit = (await call("GET", "/v1/audit", auditor)).json as AuditPackage;
    const keys = await loadKeyRing(join(root, "keys"));
    const report = await verifyAuditPackage(audit, { keys, allowDev: true });
    const perRequest = new Map<string, number>();
    // Answering entries only: each request also has its `request` entry (the verifier checks that one).
    for (const e of audit.entries) if (e.requestId && e.kind !== "request") perRequest.set(e.requestId, (perRequest.get(e.requestId) ?? 0) + 1);
    const done = audit.requests.filter((r) => r.status === "proved");
    const latencies = done.map((r) => (Date.parse(r.provedAt!) - Date.parse(r.receivedAt)) / 1000).sort((a, b) => a - b);
    const first = Math.min(...audit.requests.map((r) => Date.parse(r.receivedAt)));
    const last = Math.max(...done.map((r) => Date.parse(r.provedAt!)));
    return {
      requests: n,
      workers: 2,
      proved: done.length,
      timedOut,
      faultsPlanned: plan.length,
      entries: audit.entries.length,
      duplicated: [...perRequest].filter(([, count]) => count > 1).map(([id]) => id),
      missing: ids.map((_, i) => `load-${i}`).filter((id) => !perRequest.has(id)),
      chainValid: report.valid,
      chainProblems: report.problems.map((p) => JSON.stringify(p)),
      faults,
      p50Seconds: percentile(latencies, 0.5),
      p95Seconds: percentile(latencies, 0.95),
      throughputPerMinute: (done.length / (last - first)) * 60_000,
      wallSeconds,
      dir,
    };
  } finally {
    for (const child of [...children]) await kill(child, "SIGTERM");
    for (const child of [...children]) await kill(child, "SIGKILL");
  }
}
