import { randomSalt } from "../../dataset/leaf.ts";
import type { JobKind, PlannedTransition } from "../../jobs/kinds.ts";
import { proveShardRetrain, shardRetrainTransition } from "../../prover/shardRetrain.ts";
import { planUnlearning } from "../../prover/unlearn.ts";
import type { SisaWorkspace } from "./workspace.ts";

/**
 * SISA as server jobs: one shard, at most K of its records, per proof. Planning retrains
 * without proving, with the new model salt chosen here, so the proof made later from the planned
 * old state reproduces the planned new state exactly.
 */
export const shardRetrainJob: JobKind<SisaWorkspace> = {
  name: "shard-retrain",
  async plan(ws, recordIds) {
    const index = new Map(ws.system.dataset.slotsOf(recordIds).map((s) => [s.id, s.index]));
    let system = ws.system;
    const steps: PlannedTransition<SisaWorkspace>[] = [];
    for (const step of planUnlearning(ws.system, recordIds)) {
      ({ system } = await shardRetrainTransition(system, step.shard, step.recordIds, ws.profile, randomSalt()));
      steps.push({ slots: step.recordIds.map((id) => ({ id, index: index.get(id)! })), shard: step.shard, after: { ...ws, system } });
    }
    return steps;
  },
  async prove(before, after, step, key) {
    if (step.shard === undefined) throw new Error("a shard-retrain step names its shard");
    const salt = after.system.models.shard(step.shard)?.salt;
    if (salt === undefined) throw new Error(`the planned state has no model for shard ${step.shard}`);
    const result = await proveShardRetrain(before.system, step.shard, step.slots.map((s) => s.id), { profile: before.profile, key, newModelSalt: salt });
    return { bundle: result.bundle, proveSeconds: result.proveSeconds };
  },
};
