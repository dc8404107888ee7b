/**
 * zkforget: provable machine unlearning. Commit a dataset, delete records, prove the deletion
 * with Groth16, and verify the proof without seeing the data.
 *
 * The verifier alone is also available as `zkforget/verifier` (no prover, compiler or
 * circomlibjs behind it).
 */

// Dataset input and commitment
export { loadDataset, encodeRecord, DatasetError, type Dataset, type DatasetOptions, type RawRecord, type EncodedRecord } from "./encoding/records.ts";
export { FIXED_POINT, encodeFixed, decodeFixed } from "./encoding/fixedPoint.ts";
export { CommittedDataset, UnknownRecordError, type CommittedSlot, type DatasetSnapshot } from "./dataset/commitment.ts";
export { recordHash, leafHash, randomSalt } from "./dataset/leaf.ts";
export { getPoseidon, type PoseidonHasher } from "./crypto/poseidon.ts";
export { SparseMerkleTree, type MerkleProof } from "./crypto/merkle.ts";

// Circuits and keys
export { getProfile, listProfiles, type CircuitProfile } from "./circuits/profiles.ts";
export { buildCircuit, type BuiltCircuit, type BuildOptions } from "./circuits/build.ts";
export { ensureDevKey, publishKey, DEFAULT_DEV_SEED, type ProvingKey, type DevKeyOptions } from "./keys/devKeys.ts";
export { generateDevPtau, type DevPtauOptions, type DevPtauResult } from "./setup/devPtau.ts";
export { ceremonyInit, ceremonyContribute, ceremonyBeacon, ceremonyVerify, ceremonyExport } from "./setup/ceremony.ts";

// SISA training and models
export {
  makeTrainingConfig, shardProfileParams, configHash, initialWeightsFromSeed,
  type TrainingConfig, type TrainingHyperparameters, type ShardProfileParams,
} from "./ml/config.ts";
export { trainShard, predict, accuracy, logit, type TrainingResult } from "./ml/trainer.ts";
export { ModelCommitment, modelLeaf, stateHash, type ShardModel } from "./sisa/model.ts";
export { ensembleAccuracy, ensemblePredict, ensembleLogit } from "./sisa/ensemble.ts";
export { shardOfSlot, shardSlotRange, shardCount } from "./sisa/shards.ts";

// Proving
export { proveDeletion, type ProveDeletionOptions, type DeletionProof } from "./prover/deletion.ts";
export { proveShardRetrain, type SisaSystem, type ProveShardRetrainOptions, type ShardRetrainProof } from "./prover/shardRetrain.ts";
export { inclusionReceipt, type InclusionReceipt } from "./workspace/receipts.ts";

// Verifying
export * from "./verifier/index.ts";
