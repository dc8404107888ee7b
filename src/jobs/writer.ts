import type { Queue } from "bullmq";
import { setTimeout as sleep } from "node:timers/promises";
import { LedgerAppendError } from "../ledger/appendCheck.ts";
import type { StoredRequest } from "../ledger/ledger.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { VerifyOptions } from "../verifier/verify.ts";
import { writeBundleCopy } from "../workspace/appendProof.ts";
import { writeDeletionReceipts } from "../workspace/forget.ts";
import { datasetOf, restoreSnapshot, snapshotOf, type WorkspaceState } from "../workspace/workspace.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { LedgerContext } from "./context.ts";
import { jobKindFor } from "./kinds.ts";
import { planId, type PlannedStep } from "./plans.ts";
import { PROOF_JOB_OPTIONS, type ProofJobData, type ProofJobResult } from "./queue.ts";

/**
 * The one writer of a ledger (it runs inside `zkforget serve`). Each pass it
 *   1. drops plans already appended (up to the one whose new state is the head's), and every
 *      plan from the first one that no longer continues the head's state (the head moved under
 *      it: another process appended);
 *   2. appends, in step order, the proofs the workers finished: only the plan that starts at the
 *      head's state can be appended, and the ledger verifies its bundle and checks it starts at
 *      the head inside the append transaction, so an entry can be neither skipped nor appended
 *      twice. Plans follow states, not seqs: the `request` entries that the intake appends when
 *      a request arrives take seqs between the proofs but leave the state where it is, so they
 *      never invalidate a plan;
 *      a refused bundle (a bad or lying worker) is proved again, three refusals fail the request;
 *   3. makes sure every live plan has a job in Redis (after a Redis restart that lost the queue,
 *      the jobs are simply added again: the plans, not Redis, are the record);
 *   4. plans the next requests (received, or proving without a plan), up to `lookahead` steps
 *      ahead of the head, computing every planned state without proving (jobs/kinds.ts).
 *
 * Why plan ahead: every proof binds the complete old state, so two proofs made in parallel from
 * the same head cannot both be appended; a naive writer would have to throw one away and prove
 * it again from the new head. Because the transitions are deterministic once the model salt is
 * drawn, the writer knows each step's old state before the previous step is proved, and the
 * workers prove all planned steps at once — different shards, and even the same shard twice in
 * a row, each from its planned old state — while the chain stays one ordered list. Requests
 * on one shard are thereby serialised in the chain (the second retrains on the first's result).
 */

/** A minimal structured logger (pino's and Fastify's fit). */
export interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Reported after each append. */
export interface AppendedStep {
  entry: AuditEntry;
  plan: PlannedStep;
  /** The request, when this entry completed it (now proved). */
  completed?: StoredRequest;
  worker?: string;
}

/** Options of a {@link ProofWriter}. */
export interface WriterOptions {
  /** The workspace directory (bundle copies and deletion receipts go there). */
  dir: string;
  ctx: LedgerContext;
  queue: Queue<ProofJobData, ProofJobResult>;
  /** Keys the bundles are verified under before they are appended. */
  verify: VerifyOptions;
  /** How many steps to plan ahead of the head (default 8). */
  lookahead?: number;
  log: JobLogger;
  onAppended?: (step: AppendedStep) => void;
  /** Pause between passes when there is nothing to do (default 100 ms). */
  pollMilliseconds?: number;
}

/** How often a bundle may be refused before its request fails. */
const MAX_REFUSALS = 3;

/** The ledger's single writer; see the module comment. */
export class ProofWriter {
  readonly #o: WriterOptions;
  readonly #refusals = new Map<string, number>();
  #tip: { key: string; ws: WorkspaceState } | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #lastClean = 0;

  constructor(options: WriterOptions) {
    this.#o = options;
  }

  /** Starts the passes in the background; errors are logged and the next pass retries. */
  start(): void {
    this.#loop ??= (async () => {
      while (!this.#stopping) {
        let busy = false;
        try {
          busy = await this.pass();
        } catch (error) {
          this.#o.log.error({ err: error }, "writer pass failed; retrying");
          await sleep(1000);
        }
        if (!busy) await sleep(this.#o.pollMilliseconds ?? 100);
      }
    })();
  }

  /** Stops after the current pass. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }

  /** One pass; resolves to true when it appended or planned something. */
  async pass(): Promise<boolean> {
    const { store, plans } = this.#o.ctx;
    const head = await store.head();
    let live = await plans.all();
    // Chain states never repeat (every proof deletes a record), so the plan that reached the head's state is the last one appended.
    const appended = live.findIndex((p) => p.newState === head.newState);
    if (appended >= 0) {
      await plans.remove("upTo", live[appended]!.step);
      live = live.slice(appended + 1);
    }
    const broken = live.findIndex((p, i) => p.step !== live[0]!.step + i || p.oldState !== (i === 0 ? head.newState : live[i - 1]!.newState));
    if (broken >= 0) {
      this.#o.log.warn({ step: live[broken]!.step }, "plans no longer continue the ledger's head; planning again from there");
      await this.#dropFrom(live, broken);
      live = live.slice(0, broken);
    }
    let busy = false;
    while (live.length > 0) {
      const outcome = await this.#appendHead(live[0]!);
      if (outcome === "wait") break;
      busy = true;
      if (outcome === "appended") live = live.slice(1);
      else {
        await this.#dropFrom(live, 0);
        live = [];
      }
    }
    for (const plan of live) await this.#ensureJob(plan);
    if (await this.#planMore(live)) busy = true;
    if (Date.now() - this.#lastClean > 60_000) {
      this.#lastClean = Date.now();
      await this.#o.queue.clean(3_600_000, 1000, "completed");
    }
    return busy;
  }

  /** Appends the proof of the plan that starts at the head's state if its job is done. */
  async #appendHead(plan: PlannedStep): Promise<"appended" | "wait" | "failed"> {
    const { store } = this.#o.ctx;
    // The state first, the job after: a job read while it is still active carries no return
    // value, and if it completed between the two reads its honest result would look empty and
    // the step would be proved again.
    const state = await this.#o.queue.getJobState(plan.id);
    const job = state === "unknown" ? undefined : await this.#o.queue.getJob(plan.id);
    if (!job) {
      await this.#ensureJob(plan);
      return "wait";
    }
    if (state === "failed") {
      const reason = `proof of step ${plan.step} failed after ${job.attemptsMade} attempts: ${job.failedReason}`;
      this.#o.log.error({ requestId: plan.requestId, step: plan.step }, reason);
      await store.setRequestStatus(plan.requestId, "failed", reason);
      return "failed";
    }
    if (state !== "completed") return "wait";
    const result = job.returnvalue;
    if (!result || result.obsolete || result.bundle === undefined) {
      await job.remove();
      await this.#ensureJob(plan);
      return "wait";
    }
    let entry: AuditEntry;
    try {
      entry = await store.append({
        bundle: result.bundle, requestId: plan.requestId, completesRequest: plan.completesRequest,
        ...(typeof result.proveSeconds === "number" ? { proveSeconds: result.proveSeconds } : {}),
        snapshot: { state: plan.newState, body: plan.body },
      }, this.#o.verify);
    } catch (error) {
      if (!(error instanceof LedgerAppendError)) throw error;
      const refusals = (this.#refusals.get(plan.id) ?? 0) + 1;
      this.#refusals.set(plan.id, refusals);
      this.#o.log.warn({ step: plan.step, worker: result.worker, refusals, err: error }, "the ledger refused a worker's bundle; proving the step again");
      await job.remove();
      if (refusals >= MAX_REFUSALS) {
        await store.setRequestStatus(plan.requestId, "failed", `step ${plan.step}: ${MAX_REFUSALS} bundles refused, the last: ${error.message}`);
        return "failed";
      }
      await this.#ensureJob(plan);
      return "wait";
    }
    this.#refusals.delete(plan.id);
    await this.#o.ctx.plans.remove("upTo", plan.step);
    await job.remove().catch(() => {});
    try {
      await writeBundleCopy(this.#o.dir, entry);
      const after = await restoreSnapshot({ state: plan.newState, body: plan.body }, store.info, `plan ${plan.step}`);
      const request = await store.request(plan.requestId);
      if (!request) throw new Error(`deletion request ${plan.requestId} is gone from the ledger`);
      await writeDeletionReceipts(this.#o.dir, entry, request, plan.slots, datasetOf(after));
    } catch (error) {
      this.#o.log.error({ seq: entry.seq, err: error }, "appended, but writing the bundle copy or the receipts failed (the ledger holds the entry)");
    }
    const completed = plan.completesRequest ? await store.request(plan.requestId) : undefined;
    this.#o.log.info({ seq: entry.seq, requestId: plan.requestId, kind: entry.kind, worker: result.worker, proveSeconds: result.proveSeconds }, "appended proof");
    this.#o.onAppended?.({ entry, plan, ...(completed ? { completed } : {}), ...(result.worker !== undefined ? { worker: result.worker } : {}) });
    return "appended";
  }

  async #ensureJob(plan: PlannedStep): Promise<void> {
    // add() with an existing jobId is a no-op in BullMQ, so this is idempotent.
    await this.#o.queue.add(plan.kind, { kind: plan.kind, step: plan.step, planId: plan.id, requestId: plan.requestId }, { ...PROOF_JOB_OPTIONS, jobId: plan.id });
  }

  /** Drops `live[index..]`: their plans and their jobs (a worker still proving one returns a result nobody reads). */
  async #dropFrom(live: readonly PlannedStep[], index: number): Promise<void> {
    const first = live[index];
    if (!first) return;
    await this.#o.ctx.plans.remove("from", first.step);
    for (const plan of live.slice(index)) {
      const job = await this.#o.queue.getJob(plan.id);
      await job?.remove().catch(() => {});
    }
    this.#tip = undefined;
  }

  /** Plans requests waiting for a plan, while fewer than `lookahead` steps are planned. */
  async #planMore(live: PlannedStep[]): Promise<boolean> {
    const { store, plans } = this.#o.ctx;
    const lookahead = this.#o.lookahead ?? 8;
    if (live.length >= lookahead) return false;
    // Read now, not at the start of the pass: this pass may have appended since.
    const head = await store.head();
    const planned = new Set(live.map((p) => p.requestId));
    const waiting = (await store.requests()).filter((r) => (r.status === "received" || r.status === "proving") && !planned.has(r.id));
    if (waiting.length === 0) return false;
    let tip = await this.#tipState(live, head);
    // Steps number on from the last plan; with none left, from the head's seq (every appended step added an entry, so it is above their steps).
    let step = live.length > 0 ? live[live.length - 1]!.step : head.seq;
    let oldState = live.length > 0 ? live[live.length - 1]!.newState : head.newState;
    const poseidon = await getPoseidon();
    let count = live.length;
    for (const request of waiting) {
      if (count >= lookahead) break;
      const dataset = datasetOf(tip);
      // A request with entries already (planned before a restart or a dropped plan) resumes with the ids it has not deleted yet.
      const deleted = new Set(dataset.deletedSlots().map((d) => d.id));
      const ids = request.entries.length > 0 ? request.recordIds.filter((id) => !deleted.has(id)) : request.recordIds;
      let steps;
      try {
        if (ids.length === 0) throw new Error("every record is already deleted, but the request is not marked proved");
        steps = await jobKindFor(tip).plan(tip, ids);
      } catch (error) {
        this.#o.log.warn({ requestId: request.id, err: error }, "cannot plan the request; it failed");
        await store.setRequestStatus(request.id, "failed", (error as Error).message);
        continue;
      }
      const kind = jobKindFor(tip).name;
      const newPlans: PlannedStep[] = steps.map((t, i) => {
        const snapshot = snapshotOf(t.after, poseidon);
        const plan: PlannedStep = {
          step: step + 1 + i, id: planId(step + 1 + i, snapshot.state), kind, requestId: request.id, completesRequest: i === steps.length - 1,
          slots: t.slots, ...(t.shard !== undefined ? { shard: t.shard } : {}),
          oldState: i === 0 ? oldState : "", newState: snapshot.state, body: snapshot.body,
        };
        return plan;
      });
      newPlans.forEach((p, i) => { if (i > 0) p.oldState = newPlans[i - 1]!.newState; });
      await plans.add(newPlans);
      if (request.status !== "proving") await store.setRequestStatus(request.id, "proving");
      for (const plan of newPlans) await this.#ensureJob(plan);
      live.push(...newPlans);
      count += newPlans.length;
      step += newPlans.length;
      oldState = newPlans[newPlans.length - 1]!.newState;
      tip = steps[steps.length - 1]!.after;
      this.#tip = { key: newPlans[newPlans.length - 1]!.id, ws: tip };
      this.#o.log.info({ requestId: request.id, steps: newPlans.map((p) => p.step) }, "planned request");
    }
    return true;
  }

  /** The state after the last live plan (or at the head), restored from its snapshot body and cached. */
  async #tipState(live: readonly PlannedStep[], head: AuditEntry): Promise<WorkspaceState> {
    const last = live[live.length - 1];
    const key = last ? last.id : `head-${head.newState}`;
    if (this.#tip?.key === key) return this.#tip.ws;
    const { store } = this.#o.ctx;
    const snapshot = last ? { state: last.newState, body: last.body } : await store.snapshot();
    const ws = await restoreSnapshot(snapshot, store.info, last ? `plan ${last.step}` : `${store.location} (snapshot)`);
    this.#tip = { key, ws };
    return ws;
  }
}
