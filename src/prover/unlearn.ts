import type { CircuitProfile } from "../circuits/profiles.ts";
import type { ProvingKey } from "../keys/devKeys.ts";
import { shardOfSlot } from "../sisa/shards.ts";
import type { ProofBundle, ShardRetrainStatement } from "../verifier/types.ts";
import { proveShardRetrain, type ProveShardRetrainOptions, type SisaSystem } from "./shardRetrain.ts";

/** One proof of an unlearning plan: retrain `shard` after deleting `recordIds` (at most K). */
export interface UnlearningStep {
  shard: number;
  recordIds: string[];
}

/**
 * Splits a forget request into shard retrainings: the ids grouped by the shard that holds them
 * (shards in increasing order, ids in slot order), each group cut into chunks of at most K.
 * Every id is checked first, so an unknown or already deleted id fails before any proof.
 *
 * @throws UnknownRecordError for an unknown or deleted id; Error for an id named twice
 */
export function planUnlearning(system: SisaSystem, recordIds: readonly string[]): UnlearningStep[] {
  const slots = system.dataset.slotsOf(recordIds).slice().sort((a, b) => a.index - b.index);
  const byShard = new Map<number, string[]>();
  for (const slot of slots) {
    const shard = shardOfSlot(slot.index, system.config);
    byShard.set(shard, [...(byShard.get(shard) ?? []), slot.id]);
  }
  const k = system.config.maxDeletions;
  const steps: UnlearningStep[] = [];
  for (const shard of [...byShard.keys()].sort((a, b) => a - b)) {
    const ids = byShard.get(shard)!;
    for (let start = 0; start < ids.length; start += k) steps.push({ shard, recordIds: ids.slice(start, start + k) });
  }
  return steps;
}

/** One proved step of {@link proveUnlearning}. */
export interface ProvedUnlearningStep extends UnlearningStep {
  bundle: ProofBundle<ShardRetrainStatement>;
  proveSeconds: number;
}

/** Options for {@link proveUnlearning}. */
export interface ProveUnlearningOptions extends ProveShardRetrainOptions {
  profile: string | CircuitProfile;
  key?: ProvingKey;
  /**
   * Called after each proof, before the next starts: a caller that persists state (the ledger)
   * appends the step here, so an interrupted run keeps every step proved so far.
   */
  onStep?: (step: ProvedUnlearningStep, system: SisaSystem) => void | Promise<void>;
}

/**
 * Exact SISA unlearning of `recordIds`: for each step of {@link planUnlearning}, deletes the
 * records and retrains their shard from the committed initial weights, with a proof.
 * Resolves to the final system and the proved steps in order.
 */
export async function proveUnlearning(
  system: SisaSystem,
  recordIds: readonly string[],
  options: ProveUnlearningOptions,
): Promise<{ system: SisaSystem; steps: ProvedUnlearningStep[] }> {
  const plan = planUnlearning(system, recordIds);
  const steps: ProvedUnlearningStep[] = [];
  let current = system;
  for (const step of plan) {
    const result = await proveShardRetrain(current, step.shard, step.recordIds, options);
    current = result.system;
    const proved: ProvedUnlearningStep = { ...step, bundle: result.bundle, proveSeconds: result.proveSeconds };
    steps.push(proved);
    await options.onStep?.(proved, current);
  }
  return { system: current, steps };
}
