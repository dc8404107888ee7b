import { strict as assert } from "node:assert";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "bullmq";
import { getProfile } from "../src/circuits/profiles.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { openLedgerContext } from "../src/jobs/context.ts";
import { openProofQueue, redisConnection, type ProofJobData, type ProofJobResult } from "../src/jobs/queue.ts";
import { ProofWriter } from "../src/jobs/writer.ts";
import { releaseVerifierThreads } from "../src/verifier/index.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";
import { needServer, TEST_REDIS } from "./helpers/servers.ts";
import { startWorker } from "../src/jobs/worker.ts";
import { auditPackageFromStore } from "../src/ledger/audit.ts";
import { LiveRecords } from "../src/server/subject.ts";
import { verifyAuditPackage } from "../src/verifier/index.ts";
import { requestOpeningFor } from "../src/workspace/forget.ts";
import { SISA_DEMO_HYPERPARAMETERS } from "../src/demo/sisaDemo.ts";
import { pathExists } from "../src/fsAtomic.ts";
import { ensureDevKey, publishKey } from "../src/keys/devKeys.ts";
import { loadKeyRing } from "../src/verifier/index.ts";
import { checkReceipt } from "../src/verifier/receiptCheck.ts";
import { trainWorkspace } from "../src/workspace/train.ts";
import { SISA_TEST_PROFILE, tinyDataset } from "./helpers/sisaFixture.ts";

const quiet = { info() {}, warn() {}, error() {} };

describe("the ledger's writer against lying workers (real Redis)", function () {
  let f: DeletionFixture;
  before(async function () {
    needServer(this, "ZKFORGET_TEST_REDIS", TEST_REDIS);
    f = await deletionFixture();
  });
  after(releaseVerifierThreads);

  /** A workspace, its writer and a worker that answers every job with `answer(job)`. */
  async function setup(answer: (data: ProofJobData) => ProofJobResult) {
    const ws = join(await mkdtemp(join(tmpdir(), "zkf-writer-")), "ws");
    const data = await loadDataset("data/demo.csv");
    await commitWorkspace(ws, { ...data, records: data.records.slice(0, 12) }, { profile: getProfile(TEST_PROFILE) });
    const ctx = await openLedgerContext(ws);
    const queue = await openProofQueue(ctx.store, TEST_REDIS!);
    const writer = new ProofWriter({ dir: ws, ctx, queue, verify: { keys: f.keys, allowDev: true }, log: quiet, pollMilliseconds: 50 });
    const liar = new Worker<ProofJobData, ProofJobResult>(queue.name, async (job) => answer(job.data), { connection: redisConnection(TEST_REDIS!) });
    const live = new LiveRecords(ctx.store);
    return {
      ctx, data, writer, queue, dir: ws,
      /** Receives a request as the server's intake does: committed to the slots at the head. */
      receive: async (id: string, ids: string[]) => ctx.store.receiveRequest(id, ids, requestOpeningFor(await live.dataset(), ids)),
      async close() {
        await writer.stop();
        await liar.close();
        await queue.obliterate({ force: true });
        await queue.close();
        await ctx.close();
      },
    };
  }

  async function untilStatus(ctx: Awaited<ReturnType<typeof openLedgerContext>>, id: string, status: string) {
    const until = Date.now() + 60_000;
    while ((await ctx.store.request(id))?.status !== status) {
      assert.ok(Date.now() < until, `request ${id} did not become ${status}: ${JSON.stringify(await ctx.store.request(id))}`);
      await sleep(100);
    }
  }

  it("a replayed proof of another state, a tampered proof and garbage are refused; after three refusals the request fails and nothing is appended", async function () {
    const tampered = structuredClone(f.bundle);
    tampered.publicSignals[0] = "7";
    const answers: ProofJobResult[] = [
      { bundle: f.bundle, worker: "liar" },                 // a real proof, but from another dataset's state
      { bundle: tampered, worker: "liar" },                 // public signals changed
      { bundle: { format: "zkforget-bundle" }, worker: "liar" },
    ];
    let calls = 0;
    const t = await setup(() => answers[calls++ % answers.length]!);
    try {
      await t.receive("attacked", [t.data.records[2]!.id]);
      t.writer.start();
      await untilStatus(t.ctx, "attacked", "failed");
      const request = await t.ctx.store.request("attacked");
      assert.match(request!.error!, /3 bundles refused/);
      assert.deepEqual((await t.ctx.store.entries()).map((e) => e.kind), ["commit", "request"], "no lying bundle was appended");
      assert.equal(calls, 3, "each refusal sent the step to be proved again");
      assert.deepEqual(await t.ctx.plans.all(), [], "the failed request's plans are dropped");
    } finally {
      await t.close();
    }
  });

  it("a request naming a record another request deletes first fails with the reason; the first is unaffected", async function () {
    const t = await setup(() => ({ obsolete: true }));
    try {
      const id = t.data.records[3]!.id;
      await t.receive("first", [id]);
      await t.receive("second", [id, t.data.records[4]!.id]);
      t.writer.start();
      await untilStatus(t.ctx, "second", "failed");
      assert.match((await t.ctx.store.request("second"))!.error!, /already deleted/);
      assert.equal((await t.ctx.store.request("first"))!.status, "proving", "planned, waiting for an honest worker");
      assert.deepEqual((await t.ctx.plans.all()).map((p) => p.requestId), ["first"]);
    } finally {
      await t.close();
    }
  });

  it("a request received while another is planned puts its request entry between the proofs; no plan is dropped or proved twice", async function () {
    const t = await setup(() => ({ obsolete: true }));
    await t.close(); // only its workspace is used: the honest worker below takes the jobs
    const ctx = await openLedgerContext(t.dir);
    const queue = await openProofQueue(ctx.store, TEST_REDIS!);
    const warnings: string[] = [];
    const proving: unknown[] = [];
    const writer = new ProofWriter({ dir: t.dir, ctx, queue, verify: { keys: f.keys, allowDev: true }, log: { ...quiet, warn: (_o, m) => warnings.push(m) }, pollMilliseconds: 50 });
    const live = new LiveRecords(ctx.store);
    const receive = async (id: string, ids: string[]) => ctx.store.receiveRequest(id, ids, requestOpeningFor(await live.dataset(), ids));
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      await receive("a", [t.data.records[5]!.id]);
      writer.start();
      const until = Date.now() + 30_000;
      while ((await ctx.plans.all()).length === 0) {
        assert.ok(Date.now() < until, "request a was not planned");
        await sleep(50);
      }
      // Request b's entry takes the seq that a's proof would have taken had plans been numbered by seq.
      await receive("b", [t.data.records[6]!.id]);
      worker = await startWorker({ ctx, redisUrl: TEST_REDIS!, log: { ...quiet, info: (o, m) => { if (m === "proving step") proving.push(o); } }, key: f.key, lockMilliseconds: 5000 });
      await untilStatus(ctx, "a", "proved");
      await untilStatus(ctx, "b", "proved");
      assert.deepEqual((await ctx.store.entries()).map((e) => [e.kind, e.requestId]), [["commit", undefined], ["request", "a"], ["request", "b"], ["deletion", "a"], ["deletion", "b"]]);
      assert.equal(proving.length, 2, "each step proved once");
      assert.deepEqual(warnings, [], "no plan was dropped");
      const report = await verifyAuditPackage(await auditPackageFromStore(ctx.store, f.keys, undefined), { keys: f.keys, allowDev: true });
      assert.ok(report.valid, JSON.stringify(report.problems));
    } finally {
      await writer.stop();
      await worker?.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await ctx.close();
    }
  });

  it("a SISA request over two shards: two shard-retrain jobs, each proved from its planned state with the planned model salt; the chain verifies", async function () {
    const root = await mkdtemp(join(tmpdir(), "zkf-writer-sisa-"));
    const dir = join(root, "ws");
    const key = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
    await publishKey(key, join(root, "keys"));
    const keys = await loadKeyRing(join(root, "keys"));
    const train = tinyDataset();
    const test = { featureNames: train.featureNames, records: [0.5, -0.25, 1.5, -1.75].map((x, i) => ({ id: `t${i}`, features: [x, -x / 2], label: i % 2 })) };
    await commitWorkspace(dir, train, { profile: getProfile(SISA_TEST_PROFILE), testSet: test, hyper: SISA_DEMO_HYPERPARAMETERS });
    await trainWorkspace(dir, { key });
    const ctx = await openLedgerContext(dir);
    const queue = await openProofQueue(ctx.store, TEST_REDIS!);
    const writer = new ProofWriter({ dir, ctx, queue, verify: { keys, allowDev: true }, log: quiet, pollMilliseconds: 50 });
    const worker = await startWorker({ ctx, redisUrl: TEST_REDIS!, log: quiet, key, lockMilliseconds: 5000 });
    try {
      // r1 is in shard 0 (slots 0..7), r9 in shard 1 (slots 8..15).
      await ctx.store.receiveRequest("sisa-1", ["r9", "r1"], requestOpeningFor(await new LiveRecords(ctx.store).dataset(), ["r9", "r1"]));
      writer.start();
      await untilStatus(ctx, "sisa-1", "proved");
      const entries = await ctx.store.entries();
      assert.deepEqual(entries.map((e) => e.kind), ["commit", "genesis", "genesis", "request", "retrain", "retrain"]);
      assert.deepEqual(entries.slice(4).map((e) => (e.bundle!.statement as { shard: number }).shard).sort(), [0, 1], "one retraining per shard");
      const report = await verifyAuditPackage(await auditPackageFromStore(ctx.store, keys, undefined), { keys, allowDev: true });
      assert.ok(report.valid, JSON.stringify(report.problems));
      // The writer writes the receipts just after the append that marks the request proved.
      const receiptPath = join(dir, "receipts", "r9.deletion.json");
      for (const until = Date.now() + 10_000; !(await pathExists(receiptPath)); await sleep(50)) assert.ok(Date.now() < until, "no deletion receipt written");
      const receipt = JSON.parse(await readFile(receiptPath, "utf8"));
      const audit = await auditPackageFromStore(ctx.store, keys, undefined);
      assert.equal((await checkReceipt(receipt, { keys, allowDev: true, audit })).finding, "deleted", "the writer's deletion receipt is confirmed against the chain");
    } finally {
      await writer.stop();
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await ctx.close();
    }
  });
});
