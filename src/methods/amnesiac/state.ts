/**
 * The committed state of an amnesiac system:
 *
 *   model commitment = Poseidon(weightsHash(w), salt)        (src/sisa/model.ts: modelLeaf)
 *   state            = Poseidon(dataRoot, modelCommitment, logRoot, stepCount, configHash)
 *
 * stepCount is the number of logged steps (training is proved in order, so steps 0..stepCount−1
 * are in the log). The GENESIS state is public: the committed data root, the initial weights
 * committed with salt 0 (they are public config anyway), the empty log's root, 0 steps. So a
 * verifier recomputes it, and the first training proof must start from it. Later model
 * commitments use random salts and hide the weights. Dependency-free (Poseidon passed in).
 */
import type { PoseidonFn, Weights } from "../../ml/weights.ts";
import { modelLeaf } from "../../sisa/model.ts";
import { amnesiacConfigHash, type AmnesiacConfig } from "./config.ts";
import { UpdateLog } from "./updateLog.ts";

/** The four values besides configHash that a state binds. */
export interface AmnesiacStateParts {
  dataRoot: bigint;
  modelCommitment: bigint;
  logRoot: bigint;
  stepCount: number;
}

/** Model commitment = Poseidon(weightsHash(w), salt). */
export function modelCommitment(weights: Weights, salt: bigint, hash: PoseidonFn): bigint {
  return modelLeaf({ weights, salt }, hash);
}

/** state = Poseidon(dataRoot, modelCommitment, logRoot, stepCount, configHash). */
export function amnesiacStateHash(parts: AmnesiacStateParts, configHashValue: bigint, hash: PoseidonFn): bigint {
  return hash([parts.dataRoot, parts.modelCommitment, parts.logRoot, BigInt(parts.stepCount), configHashValue]);
}

/** The public genesis state of a dataset root under a config (module comment). */
export function amnesiacGenesisState(dataRoot: bigint, config: AmnesiacConfig, hash: PoseidonFn): bigint {
  const parts: AmnesiacStateParts = {
    dataRoot,
    modelCommitment: modelCommitment(config.initialWeights, 0n, hash),
    logRoot: UpdateLog.empty(config, hash).root,
    stepCount: 0,
  };
  return amnesiacStateHash(parts, amnesiacConfigHash(config, hash), hash);
}
