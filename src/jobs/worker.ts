import { Worker, type Job } from "bullmq";
import { hostname } from "node:os";
import type { CircuitProfile } from "../circuits/profiles.ts";
import type { ProvingKey } from "../keys/devKeys.ts";
import { statementTransition } from "../verifier/transition.ts";
import { workspaceKey } from "../workspace/train.ts";
import { restoreSnapshot } from "../workspace/workspace.ts";
import { getProfile } from "../circuits/profiles.ts";
import type { LedgerContext } from "./context.ts";
import { jobKindNamed } from "./kinds.ts";
import { queueNameOf, redisConnection, type ProofJobData, type ProofJobResult } from "./queue.ts";
import type { JobLogger } from "./writer.ts";

/**
 * A proof worker (`zkforget worker`): takes proof jobs from the ledger's queue, reads the
 * planned step and the private snapshot before it from the ledger's database (the job itself
 * carries only the step and the plan id), proves the step with the proving key it holds, and
 * returns the public bundle. It never writes to the ledger: the writer appends.
 *
 * A worker killed mid-proof stops renewing its job's lock; after `lockMilliseconds` another
 * worker's stalled-job check puts the job back in the queue and it runs again elsewhere.
 */

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  ctx: LedgerContext;
  redisUrl: string;
  log: JobLogger;
  /** Dev-key seed (default: the committed keys' seed). */
  seed?: string;
  /** Proving key, when the caller holds it (default: the profile's dev key, built or read from the cache). */
  key?: ProvingKey;
  /** Name shown in metrics and logs (default host:pid). */
  name?: string;
  /** Proofs at once (default 1: a proof already uses every core it can). */
  concurrency?: number;
  /** Job lock; a dead worker's job runs again after about this long (default 30 s). */
  lockMilliseconds?: number;
}

/** Starts a worker; resolves once it is connected and listening. Close it with `worker.close()`. */
export async function startWorker(options: WorkerOptions): Promise<Worker<ProofJobData, ProofJobResult>> {
  const { store, plans } = options.ctx;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const profile: CircuitProfile = getProfile(store.info.profile);
  let key: Promise<ProvingKey> | undefined;
  const provingKey = () => (key ??= options.key ? Promise.resolve(options.key) : workspaceKey(profile, options.seed !== undefined ? { seed: options.seed } : {}, (m) => options.log.info({}, m)));

  const processor = async (job: Job<ProofJobData, ProofJobResult>): Promise<ProofJobResult> => {
    const { step, planId } = job.data;
    const plan = await plans.get(step);
    if (!plan || plan.id !== planId) return { obsolete: true, worker: name };
    // The private state before the step: the previous plan's snapshot, or the ledger's when the step is next.
    const previous = await plans.get(step - 1);
    let beforeSnapshot: { state: string; body: string } | undefined = previous ? { state: previous.newState, body: previous.body } : undefined;
    if (!beforeSnapshot) {
      const snapshot = await store.snapshot();
      if (snapshot.state !== plan.oldState) {
        // Appended meanwhile (its plan is then gone), or planned from a state the ledger never reached.
        if ((await plans.get(step))?.id !== planId) return { obsolete: true, worker: name };
        throw new Error(`step ${step}: neither plan ${step - 1} nor the ledger's snapshot (at ${snapshot.state}) is the state it was planned from`);
      }
      beforeSnapshot = snapshot;
    }
    if (beforeSnapshot.state !== plan.oldState) throw new Error(`step ${step}: the state before it is ${beforeSnapshot.state}, but it was planned from ${plan.oldState}`);
    const info = store.info;
    const from = await restoreSnapshot(beforeSnapshot, info, `state before step ${step}`);
    const to = await restoreSnapshot({ state: plan.newState, body: plan.body }, info, `plan ${step}`);
    options.log.info({ step, jobId: job.id, requestId: plan.requestId, attempt: job.attemptsMade + 1 }, "proving step");
    const proved = await jobKindNamed(plan.kind).prove(from, to, plan, await provingKey());
    const transition = statementTransition(proved.bundle.statement);
    if (typeof transition === "string" || transition.newState !== plan.newState) {
      throw new Error(`step ${step}: the proof does not reach the planned state ${plan.newState}`);
    }
    options.log.info({ step, proveSeconds: proved.proveSeconds }, "proved step");
    return { bundle: proved.bundle, proveSeconds: proved.proveSeconds, worker: name };
  };

  const lockDuration = options.lockMilliseconds ?? 30_000;
  const worker = new Worker<ProofJobData, ProofJobResult>(await queueNameOf(store), processor, {
    connection: redisConnection(options.redisUrl),
    concurrency: options.concurrency ?? 1,
    name,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    // A job whose worker died is put back rather than failed, several times over.
    maxStalledCount: 10,
    autorun: false,
  });
  worker.on("failed", (job, error) => options.log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: error }, "proof attempt failed"));
  worker.on("error", (error) => options.log.error({ err: error }, "worker error"));
  void worker.run();
  await worker.waitUntilReady();
  return worker;
}
