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
export { loadCorpus, parseCorpus, DEFAULT_TEXT_FIELD, type CorpusOptions } from "./encoding/corpus.ts";
export { SparseMerkleTree, type MerkleProof } from "./crypto/merkle.ts";

// Circuits and keys
export { getProfile, listProfiles, builtinProfiles, addProjectProfiles, clearProjectProfiles, type CircuitProfile } from "./circuits/profiles.ts";
export { readProjectConfig, useProjectConfig, PROJECT_CONFIG_FILE, type ProjectConfig } from "./circuits/projectProfiles.ts";
export { suggestProfile, profileMisfit, configEntryText, type DataShape, type ProfileSuggestion } from "./circuits/suggestProfile.ts";
export { buildCircuit, type BuiltCircuit, type BuildOptions } from "./circuits/build.ts";
export { ensureDevKey, publishKey, DEFAULT_DEV_SEED, type ProvingKey, type DevKeyOptions } from "./keys/devKeys.ts";
export { generateDevPtau, type DevPtauOptions, type DevPtauResult } from "./setup/devPtau.ts";
export { ceremonyInit, ceremonyContribute, ceremonyBeacon, ceremonyVerify, ceremonyExport } from "./setup/ceremony.ts";

// SISA training and models
export {
  makeTrainingConfig, shardProfileParams, configHash, initialWeightsFromSeed,
  type TrainingConfig, type TrainingHyperparameters, type ShardProfileParams,
} from "./ml/config.ts";
export {
  fitScaling, scaleDataset, scaleFeatures, scalingHash, describeScaling, ScalingRangeError, SCALING_METHODS,
  type FeatureScaling, type ScalingMethod,
} from "./ml/featureScaling.ts";
export { trainShard, predict, accuracy, logit, type TrainingResult } from "./ml/trainer.ts";
export { ModelCommitment, modelLeaf, stateHash, type ShardModel } from "./sisa/model.ts";
export { ensembleAccuracy, ensemblePredict, ensembleLogit } from "./sisa/ensemble.ts";
export { shardOfSlot, shardSlotRange, shardCount } from "./sisa/shards.ts";

// Proving
export { proveDeletion, type ProveDeletionOptions, type DeletionProof } from "./prover/deletion.ts";
export { proveShardRetrain, type SisaSystem, type ProveShardRetrainOptions, type ShardRetrainProof } from "./prover/shardRetrain.ts";
export { planUnlearning, proveUnlearning, type UnlearningStep, type ProvedUnlearningStep, type ProveUnlearningOptions } from "./prover/unlearn.ts";
export { proveAccuracy, accuracyProfileFor, type ProveAccuracyOptions, type AccuracyProof } from "./prover/accuracy.ts";
export { selectProver, type ProverName, type ProveOptions } from "./prover/groth16.ts";
export { loadNativeProver, nativeLoadError, type NativeProver, type NativeTimings } from "./prover/native.ts";
export {
  TestSetMismatchError, ENSEMBLE_MEAN_WEIGHT_BOUND_BITS, ensembleWeightSumBits, ensembleLogitBoundBits, accuracyProfileParams,
  type AccuracyProfileParams,
} from "./statements/accuracy.ts";
export { inclusionReceipt, type InclusionReceipt } from "./workspace/receipts.ts";

// Ledger, audit packages and workspaces
export { Ledger, LedgerAppendError, LEDGER_FILE, publicRequest, type LedgerInfo, type LedgerSnapshot, type StoredRequest, type AppendInput } from "./ledger/ledger.ts";
export { LedgerError } from "./ledger/database.ts";
export { auditPackageFromLedger, bundleFileName, EVALUATION_FILE } from "./ledger/audit.ts";
export { exportAuditDirectory, auditReadme, AUDIT_FILE, type ExportResult } from "./ledger/export.ts";
export { isOverdue } from "./ledger/ledger.ts";
export {
  openSisaWorkspace, openLedger, restoreState, snapshotOf, stateOf, workspacePaths, DEFAULT_WORKSPACE,
  type OpenSisaWorkspace, type WorkspaceState,
} from "./workspace/workspace.ts";
export { WORKSPACE_METHODS, methodOf, methodOfKind, methodForProfile } from "./methods/workspaceMethods.ts";
export type { WorkspaceMethod, MethodWorkspace, CommitInput, CommitFacts, ProvingRun } from "./methods/workspaceMethod.ts";
export { commitWorkspace, type CommitWorkspaceOptions, type CommitResult } from "./workspace/commit.ts";
export { trainWorkspace, type TrainWorkspaceOptions, type TrainedShard } from "./workspace/train.ts";
export { forgetInWorkspace, newRequestId, type ForgetOptions, type ForgetResult, type ForgetStep } from "./workspace/forget.ts";
export { forgetClassInWorkspace, type ForgetClassStep } from "./workspace/forgetClass.ts";
export { proveWorkspaceAccuracy, type ProveWorkspaceAccuracyOptions } from "./workspace/proveAccuracy.ts";
export { withWorkspaceLock, type LockOptions } from "./workspace/lock.ts";
export { StateFileError } from "./workspace/stateFile.ts";
export { deletionReceipt, type DeletionReceipt, type Receipt } from "./workspace/receipts.ts";

// Evaluation of an unlearning (controller-measured KPIs, not proved)
export { evaluateUnlearning, type EvaluateUnlearningOptions, type UnlearningEvaluation } from "./evaluation/evaluate.ts";
export { buildEvaluationReport, checkEvaluationRequest, type UnlearningRun } from "./evaluation/buildReport.ts";
export { splitNonMembers, SPLIT_DESCRIPTION, type NonMemberSplit } from "./evaluation/split.ts";
export {
  formatEvaluation, EVALUATION_FORMAT, EVALUATION_VERSION, EVALUATION_PROVENANCE,
  type EvaluationReport, type AttackResult, type RemovalCost, type SetAccuracy, type EvaluatedModel, type RocRates,
} from "./evaluation/report.ts";
export { auc, roc, maxAdvantage, advantageAt, type RocPoint, type ThresholdAdvantage } from "./evaluation/metrics.ts";
export { attackScores, meanLogit, logisticLoss, type AttackName, type AttackScores, type LabelledRecord } from "./evaluation/scores.ts";
export { trainAllShards, proveAllShards, shardTrainingSlots, type ProvedFullTraining } from "./evaluation/retrainAll.ts";

// Audit reports (the chain verifier itself is exported with the verifier below)
export { renderHtmlReport } from "./report/html.ts";
export { renderMarkdownReport } from "./report/markdown.ts";
export { buildReportModel, type ReportModel, type ReportOptions } from "./report/model.ts";
export { readAuditSource, AuditSourceError, type AuditSource } from "./report/auditSource.ts";
export { printPdf, launchChromium, chromiumPath, DEFAULT_CHROMIUM } from "./report/pdf.ts";

// On chain: the Solidity verifier of a key, the anchor contract, calldata
export { solidityVerifier, contractName } from "./solidity/verifierSource.ts";
export { anchorContract, transitionLayout, type TransitionLayout } from "./solidity/anchor.ts";
export { solidityKey, type SolidityKeySource } from "./solidity/keySource.ts";
export {
  checkedBundle, solidityCallData, proofWords, encodeCall, word32, advanceSignature, verifyProofSignature, REGISTER_SIGNATURE,
} from "./solidity/calldata.ts";

// Verifying
export * from "./verifier/index.ts";

// Server and workers (zkforget serve / worker): ledger backends, proof jobs, the HTTP API
export { SqliteLedgerStore, isPostgresUrl, redactUrl, type LedgerStore } from "./ledger/store.ts";
export { PostgresLedgerStore, importSqliteLedger } from "./ledger/postgres.ts";
export { openLedgerContext, importWorkspaceLedger, type LedgerContext } from "./jobs/context.ts";
export { JOB_KINDS, jobKindFor, type JobKind, type PlannedTransition, type ProvedStep } from "./jobs/kinds.ts";
export { ProofWriter, type WriterOptions, type AppendedStep, type JobLogger } from "./jobs/writer.ts";
export { startWorker, type WorkerOptions } from "./jobs/worker.ts";
export { type PlannedStep, type PlanStore } from "./jobs/plans.ts";
export { startService, type ServiceOptions, type RunningService } from "./server/service.ts";
export { buildServer, type ServerOptions } from "./server/app.ts";
export { createToken, revokeToken, listTokens, TOKEN_SCOPES, type TokenScope, type StoredToken } from "./server/tokens.ts";
