/**
 * The controller's private view of an amnesiac system: the data tree and its records, the current
 * weights and the salt of their commitment, the update log. Immutable values; the witness
 * builders (witness.ts) return the next system with the witness, so the system only ever moves
 * along proved transitions.
 */
import type { SparseMerkleTree } from "../../crypto/merkle.ts";
import type { PoseidonHasher } from "../../crypto/poseidon.ts";
import { leafHash, recordHash } from "../../dataset/leaf.ts";
import type { TrainingSlot } from "../../ml/trainingInput.ts";
import type { SlotRecord } from "../../statements/shardRetrain.ts";
import { amnesiacConfigHash, validateAmnesiacConfig, type AmnesiacConfig } from "./config.ts";
import { amnesiacStateHash, modelCommitment, type AmnesiacStateParts } from "./state.ts";
import { UpdateLog } from "./updateLog.ts";

/** An amnesiac system as the controller holds it. */
export interface AmnesiacSystem {
  config: AmnesiacConfig;
  /** The current dataset tree (deleted slots are 0). Never mutated: transitions clone it. */
  dataTree: SparseMerkleTree;
  /** The live records by slot index (others are ignored). */
  records: ReadonlyMap<number, SlotRecord>;
  /** The current weights, F + 1 (bias last). */
  weights: readonly bigint[];
  /** Salt of the current model commitment (0 at genesis). */
  modelSalt: bigint;
  log: UpdateLog;
}

/** The genesis system of a committed dataset: initial weights with salt 0, the empty log. */
export function genesisSystem(config: AmnesiacConfig, dataTree: SparseMerkleTree, records: Iterable<SlotRecord>, poseidon: PoseidonHasher): AmnesiacSystem {
  validateAmnesiacConfig(config);
  if (dataTree.depth !== config.dataDepth) throw new RangeError(`the dataset tree has depth ${dataTree.depth}, the config ${config.dataDepth}`);
  return {
    config,
    dataTree: dataTree.clone(),
    records: new Map([...records].map((r) => [r.index, r])),
    weights: [...config.initialWeights],
    modelSalt: 0n,
    log: UpdateLog.empty(config, poseidon.hash),
  };
}

/** The values the system's state binds (besides the config hash). */
export function stateParts(system: AmnesiacSystem, poseidon: PoseidonHasher): AmnesiacStateParts {
  return {
    dataRoot: system.dataTree.root,
    modelCommitment: modelCommitment(system.weights, system.modelSalt, poseidon.hash),
    logRoot: system.log.root,
    stepCount: system.log.length,
  };
}

/** The system's public state commitment. */
export function systemState(system: AmnesiacSystem, poseidon: PoseidonHasher): bigint {
  return amnesiacStateHash(stateParts(system, poseidon), amnesiacConfigHash(system.config, poseidon.hash), poseidon.hash);
}

/**
 * The training slots of slots first … first + count − 1 (undefined for empty ones) with their
 * salts; each live slot's record must hash to its committed leaf.
 * @throws Error naming the slot for a leaf without its record, or a record that does not open it
 */
export function openSlots(system: AmnesiacSystem, first: number, count: number, poseidon: PoseidonHasher): { slots: TrainingSlot[]; salts: bigint[] } {
  const slots: TrainingSlot[] = [];
  const salts: bigint[] = [];
  for (let index = first; index < first + count; index++) {
    const leaf = system.dataTree.get(index);
    if (leaf === 0n) {
      slots.push(undefined);
      salts.push(0n);
      continue;
    }
    const record = system.records.get(index);
    if (record === undefined) throw new Error(`slot ${index} holds a leaf but no record was given for it`);
    if (leafHash(recordHash({ features: [...record.features], label: record.label }, poseidon), record.salt, poseidon) !== leaf) {
      throw new Error(`the record given for slot ${index}${record.id === undefined ? "" : ` (${JSON.stringify(record.id)})`} does not hash to its committed leaf`);
    }
    slots.push({ id: record.id, features: [...record.features], label: record.label });
    salts.push(record.salt);
  }
  return { slots, salts };
}
