/**
 * The ridge genesis, prover side, in ONE place (with genesisCheck.ts on the verifier side, the
 * only genesis-specific code of the ridge method): proves every batch of the committed dataset
 * (independent proofs: they could run on as many machines), then the genesis over them, and
 * returns one bundle that embeds the batch proofs.
 *
 * CURRENT circuits (this branch): batch k proves [partialCommitment] and the genesis [state,
 * dataRoot, configHash, batchesDigest] over the N partials (statements.ts, buildBatchWitness /
 * buildGenesisWitness).
 *
 * TO SWAP at the merge of the fingerprint genesis (ridge-spec.md B): compute the statistics and
 * statsCommitment first, draw maskSeed, derive ρ, prove each batch's [k, subtreeRoot, rho,
 * maskCommitment, fingerprint] and the genesis' [state, dataRoot, configHash, rho,
 * maskCommitment, fingerprintSum]; keep {@link proveRidgeGenesis}' signature and the statement's
 * `batches` entries ({ batch, profile, vkeyHash, publicSignals, proof }) so that the workspace,
 * the embedded-proof verification and the chain need no change; `batchesDigest` becomes the
 * genesis' rho / maskCommitment / fingerprintSum fields (statementTypes.ts).
 */
import { companionProfile, type CircuitProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import type { CommittedDataset } from "../../dataset/commitment.ts";
import type { ProvingKey } from "../../keys/devKeys.ts";
import { proveBundle, proveWithKey, type ProveOptions } from "../../prover/groth16.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import type { ProofBundle } from "../../verifier/types.ts";
import type { RidgeConfig } from "./config.ts";
import { ridgePublicConfig } from "./kinds.ts";
import { freshRidgeSalts, signalsInOrder } from "./prove.ts";
import { ridgeCommitments, untrainedRidgeState, type RidgeSystemState } from "./state.ts";
import type { RidgeEmbeddedBatch, RidgeGenesisStatement } from "./statementTypes.ts";
import { buildBatchWitness, buildGenesisWitness, type BatchWitness } from "./statements.ts";
import { randomSalt } from "../../dataset/leaf.ts";

/** A proved genesis: the bundle (batches embedded) and the first trained state. */
export interface RidgeGenesisProof {
  bundle: ProofBundle;
  state: RidgeSystemState;
  /** Seconds of every batch proof and the genesis proof together. */
  proveSeconds: number;
}

/**
 * Proves the genesis of `dataset` under `config`, with the `batch` and `genesis` companions of
 * `profile` (the workspace's deletion profile) and their keys from `keyFor`; one progress line per
 * batch.
 * @throws Error when a companion is missing or does not have the config's shape
 */
export async function proveRidgeGenesis(
  config: RidgeConfig, dataset: CommittedDataset, profile: CircuitProfile, keyFor: (p: CircuitProfile) => Promise<ProvingKey>,
  log: (message: string) => void, options: ProveOptions = {},
): Promise<RidgeGenesisProof> {
  const genesisProfile = companionProfile(profile, "genesis");
  const batchProfile = companionProfile(profile, "batch");
  const [depth, batchDepth, features, classes] = genesisProfile.params as [number, number, number, number];
  for (const p of [genesisProfile, batchProfile]) {
    if ([depth, features, classes].join() !== [config.depth, config.features, config.classes].join() || p.params.join() !== genesisProfile.params.join()) {
      throw new Error(`profile ${p.name} (${p.params.join(", ")}) does not prove the genesis of a depth-${config.depth}, ${config.features}-feature, ${config.classes}-class ridge model with ${genesisProfile.name}`);
    }
  }
  const poseidon = await getPoseidon();
  const count = 2 ** (depth - batchDepth);
  const batchKey = await keyFor(batchProfile);
  const witnesses: BatchWitness[] = [];
  const batches: RidgeEmbeddedBatch[] = [];
  let seconds = 0;
  for (let k = 0; k < count; k++) {
    const w = buildBatchWitness(config, dataset, batchDepth, k, randomSalt(), poseidon);
    const proved = await proveWithKey(batchKey, w.input, [w.partialCommitment], options);
    seconds += proved.seconds;
    witnesses.push(w);
    batches.push({ batch: k, profile: batchProfile.name, vkeyHash: batchKey.manifest.vkeyHash, publicSignals: proved.publicSignals, proof: proved.proof });
    log(`genesis batch ${k + 1}/${count} (slots ${k * 2 ** batchDepth}–${(k + 1) * 2 ** batchDepth - 1}) proved under ${batchProfile.name} in ${proved.seconds.toFixed(1)} s`);
  }
  const g = buildGenesisWitness(config, dataset, batchDepth, witnesses, freshRidgeSalts(), poseidon);
  const c = ridgeCommitments(g.state, poseidon.hash);
  const statement: RidgeGenesisStatement = {
    type: "ridge-genesis",
    oldState: toHex32(untrainedRidgeState(c.dataRoot, c.configHash, poseidon.hash)), newState: toHex32(c.state),
    dataRoot: toHex32(c.dataRoot), statsCommitment: toHex32(c.statsCommitment), modelCommitment: toHex32(c.modelCommitment),
    configHash: toHex32(c.configHash), config: ridgePublicConfig(config), batchesDigest: toHex32(g.publicSignals.batchesDigest), batches,
  };
  log(`proving the genesis over the ${count} batches under ${genesisProfile.name}…`);
  const { bundle, seconds: genesisSeconds } = await proveBundle(await keyFor(genesisProfile), g.input, signalsInOrder(genesisProfile, { ...g.publicSignals }), statement, options);
  return { bundle, state: g.state, proveSeconds: seconds + genesisSeconds };
}
