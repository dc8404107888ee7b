import { randomSalt } from "../dataset/leaf.ts";
import type { ProvingKey } from "../keys/devKeys.ts";
import { proveDeletion } from "../prover/deletion.ts";
import { proveShardRetrain, shardRetrainTransition } from "../prover/shardRetrain.ts";
import { planUnlearning } from "../prover/unlearn.ts";
import type { ProofBundle } from "../verifier/types.ts";
import type { WorkspaceState } from "../workspace/workspace.ts";

/**
 * Job kinds: what one proof job does, per kind of workspace. This table is the seam through
 * which a method adds its jobs (a ridge model's genesis batch would add a kind here): the
 * writer and the workers dispatch through it and never branch on the method.
 */

/** One planned transition of a request, before it is proved. */
export interface PlannedTransition {
  /** Records the step deletes, with their slots. */
  slots: { id: string; index: number }[];
  /** SISA: the shard retrained. */
  shard?: number;
  /** The workspace state after the step. */
  after: WorkspaceState;
}

/** What proving one step gives back: a public bundle only. */
export interface ProvedStep {
  bundle: ProofBundle;
  proveSeconds: number;
}

/** A kind of proof job. */
export interface JobKind {
  /** Name stored in plans and job data. */
  name: string;
  /** True when this kind proves the deletions of workspaces like `ws`. */
  handles(ws: WorkspaceState): boolean;
  /**
   * Splits the deletion of `recordIds` from `ws` into steps of at most K records and computes
   * each step's state without proving (deterministic, apart from salts chosen here).
   * @throws UnknownRecordError for an unknown or deleted id
   */
  plan(ws: WorkspaceState, recordIds: readonly string[]): Promise<PlannedTransition[]>;
  /** Proves the planned step from `before` to `after`. */
  prove(before: WorkspaceState, after: WorkspaceState, step: { slots: { id: string }[]; shard?: number }, key: ProvingKey): Promise<ProvedStep>;
}

/** Dataset deletion (DatasetDeletion profiles): K records per proof. */
const deletionBatch: JobKind = {
  name: "deletion-batch",
  handles: (ws) => ws.kind === "deletion",
  async plan(ws, recordIds) {
    if (ws.kind !== "deletion") throw new Error("deletion-batch plans dataset-deletion workspaces only");
    const k = ws.profile.params[1]!;
    let dataset = ws.dataset;
    const slots = dataset.slotsOf(recordIds).map((s) => ({ id: s.id, index: s.index }));
    const steps: PlannedTransition[] = [];
    for (let start = 0; start < slots.length; start += k) {
      const chunk = slots.slice(start, start + k);
      dataset = dataset.withoutRecords(chunk.map((s) => s.id));
      steps.push({ slots: chunk, after: { ...ws, dataset } });
    }
    return steps;
  },
  async prove(before, _after, step, key) {
    if (before.kind !== "deletion") throw new Error("deletion-batch proves dataset-deletion workspaces only");
    const result = await proveDeletion(before.dataset, step.slots.map((s) => s.id), { profile: before.profile, key });
    return { bundle: result.bundle, proveSeconds: result.proveSeconds };
  },
};

/** SISA shard retraining (ShardRetrain profiles): one shard, at most K of its records, per proof. */
const shardRetrain: JobKind = {
  name: "shard-retrain",
  handles: (ws) => ws.kind === "sisa",
  async plan(ws, recordIds) {
    if (ws.kind !== "sisa") throw new Error("shard-retrain plans SISA workspaces only");
    const index = new Map(ws.system.dataset.slotsOf(recordIds).map((s) => [s.id, s.index]));
    let system = ws.system;
    const steps: PlannedTransition[] = [];
    for (const step of planUnlearning(ws.system, recordIds)) {
      ({ system } = await shardRetrainTransition(system, step.shard, step.recordIds, ws.profile, randomSalt()));
      steps.push({ slots: step.recordIds.map((id) => ({ id, index: index.get(id)! })), shard: step.shard, after: { ...ws, system } });
    }
    return steps;
  },
  async prove(before, after, step, key) {
    if (before.kind !== "sisa" || after.kind !== "sisa" || step.shard === undefined) throw new Error("shard-retrain proves SISA steps with a shard only");
    const salt = after.system.models.shard(step.shard)?.salt;
    if (salt === undefined) throw new Error(`the planned state has no model for shard ${step.shard}`);
    const result = await proveShardRetrain(before.system, step.shard, step.slots.map((s) => s.id), { profile: before.profile, key, newModelSalt: salt });
    return { bundle: result.bundle, proveSeconds: result.proveSeconds };
  },
};

/** Every job kind. */
export const JOB_KINDS: readonly JobKind[] = [deletionBatch, shardRetrain];

/** The kind that proves deletions in `ws`. @throws Error when none does */
export function jobKindFor(ws: WorkspaceState): JobKind {
  const kind = JOB_KINDS.find((k) => k.handles(ws));
  if (!kind) throw new Error(`no job kind proves deletions in a ${ws.kind} workspace (profile ${ws.profile.name})`);
  return kind;
}

/** The kind named `name`. @throws Error for an unknown name (a job from another zkforget version) */
export function jobKindNamed(name: string): JobKind {
  const kind = JOB_KINDS.find((k) => k.name === name);
  if (!kind) throw new Error(`unknown job kind ${JSON.stringify(name)} (known: ${JOB_KINDS.map((k) => k.name).join(", ")})`);
  return kind;
}
