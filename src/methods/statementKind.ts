import type { KeyManifest } from "../keys/manifest.ts";
import type { TrainingPolicy } from "../ml/publicConfig.ts";
import type { LedgerEntryKind } from "../verifier/auditTypes.ts";

/**
 * The verifier-side part of an unlearning method: what one statement type means, as the
 * verifier, the chain, receipts, the ledger and the report need it. Each method folder exports
 * one `StatementKind` per statement it proves; `src/methods/statementKinds.ts` registers them in
 * one table, and every caller dispatches through that table instead of branching on
 * `statement.type`. Implementations are browser-safe (no node:*, no prover) and read untrusted
 * JSON: they never throw on a malformed statement.
 */
export interface StatementKind {
  /** `statement.type` in a bundle, e.g. "dataset-deletion". */
  readonly type: string;
  /** Name of the circuit template whose proofs carry this statement (a key manifest's `template`). */
  readonly template: string;
  /**
   * Problems with a statement against the proof's public signals, the key's template
   * parameters and the verifier's training policy (empty when it agrees). The statement's
   * `type` is already known to be this kind's.
   */
  check(statement: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest, policy: TrainingPolicy): string[];
  /** The ledger transition the statement makes, derived from it alone; a sentence when it names no states. */
  transition(statement: Record<string, unknown>): StatementTransition | string;
  /**
   * The dataset root the statement leaves the data tree at (its new root, or for an
   * attestation the root it attests), or undefined when it names none.
   */
  dataRootAfter(statement: Record<string, unknown>): string | undefined;
  /** One line saying what a verified statement claims, for reports and the CLI. */
  describe(statement: Record<string, unknown>): string;
  /** How a receipt verdict words what the statement did to a deleted record ("deleted from the dataset"). */
  deletedWording(statement: Record<string, unknown>): string;
  /** A short tag that tells apart the bundles of one entry kind in file names ("-shard3"), or "". */
  fileTag(statement: Record<string, unknown>): string;
  /** Present when the statement is about a committed, trained model (see {@link ModelRules}). */
  readonly model?: ModelRules;
  /**
   * The method whose statements may share one chain, when a method proves its transitions under
   * several profiles (ridge: genesis, deletion, class forgetting). A chain's transitions are all
   * of the first transition's profile, or, when its kind names a family, all of kinds of that
   * family. Absent: one profile per chain.
   */
  readonly family?: string;
  /**
   * Proofs embedded in the statement (ridge genesis: its batch proofs) that the verifier checks
   * with their own trusted keys, exactly as it checks a bundle's own proof (key trust, template
   * and parameters, signal count and range, canonical points, the pairing check), before the
   * bundle is valid. `check` cross-checks their public signals against the bundle's. Returns the
   * proofs, or the problems that keep them from being read. Absent: none.
   */
  embeddedProofs?(statement: Record<string, unknown>, manifest: KeyManifest): EmbeddedProof[] | string[];
  /**
   * For the kind whose template a workspace is committed under: the state that workspace starts
   * at, recomputed from the public fields of an inclusion receipt (ridge: Poseidon(dataRoot, 0,
   * 0, configHash)), or a sentence naming what is missing. The receipt checker compares it with
   * the receipt's state and the published chain's first state. Absent: SISA's rule
   * (Poseidon(dataRoot, modelRoot, configHash)) or, without a model, the data root.
   */
  committedState?(dataRoot: bigint, receipt: Record<string, unknown>): bigint | string;
}

/** A proof inside a statement, with the key it must verify under (see {@link StatementKind.embeddedProofs}). */
export interface EmbeddedProof {
  /** Where it is, for reasons ("bundle.statement.batches[2]"). */
  at: string;
  /** The profile whose trusted key it verifies under (untrusted: looked up in the verifier's key ring). */
  profile: unknown;
  /** The verification-key hash the controller says it was made with (must be the trusted key's). */
  vkeyHash: unknown;
  publicSignals: unknown;
  proof: unknown;
  /** The template the trusted key must prove (so a proof under another circuit's key is refused). */
  template: string;
  /** The template parameters the trusted key must have. */
  params: readonly number[];
}

/**
 * What the chain verifier requires of statements about a trained model: they all share one
 * published config (checked against its hash and the policy by `check`), the model is empty at
 * the chain's start, and every training unit the config defines is covered by a verified
 * training proof.
 */
export interface ModelRules {
  /** True when the kind's statements are state transitions that carry the model (not attestations about it). */
  readonly carriesModel: boolean;
  /** The 0x-hex config hash the statement is pinned to. */
  configHash(statement: Record<string, unknown>): string | undefined;
  /** The statement's published config (already checked by `check`). */
  config(statement: Record<string, unknown>): unknown;
  /** The training units a config defines, e.g. { count: 8, noun: "shard" }. */
  coverage(config: unknown): { count: number; noun: string };
  /** The training unit a verified statement trains, or undefined when it trains none. */
  covers(statement: Record<string, unknown>): number | undefined;
  /** A problem when the model the statement shows at its old state is not the empty model of `config`, else undefined. */
  emptyModelProblem(statement: Record<string, unknown>, config: unknown): string | undefined;
}

/**
 * What a proof bundle's statement does to the ledger's state: the ledger entry kind it makes
 * and the states it moves between. Derived from the statement itself, never taken from the
 * caller, so an entry's kind and states cannot disagree with its proof.
 */
export interface StatementTransition {
  kind: Exclude<LedgerEntryKind, "commit" | "request">;
  /** 0x-hex state (or data root, for a method whose state is its data root) before and after. */
  oldState: string;
  newState: string;
}

/** The transition `kind` between two string fields of a statement, or a sentence naming the missing one. */
export function fieldTransition(
  statement: Record<string, unknown>, kind: StatementTransition["kind"], from: string, to: string,
): StatementTransition | string {
  const oldState = statement[from], newState = statement[to];
  if (typeof oldState === "string" && typeof newState === "string") return { kind, oldState, newState };
  return `the ${String(statement.type)} statement has no ${typeof oldState === "string" ? to : from}`;
}
