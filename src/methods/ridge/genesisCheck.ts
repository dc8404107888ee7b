/**
 * The ridge genesis' cross-bundle check, verifier side, in ONE place (with genesisProving.ts on
 * the prover side, the only genesis-specific code of the ridge method). Browser-safe.
 *
 * The genesis bundle embeds its N = 2^(D − batchDepth) batch proofs, `statement.batches[k]` =
 * { batch: k, profile, vkeyHash, publicSignals, proof }. The generic verifier checks each under
 * its own trusted key (StatementKind.embeddedProofs: a RidgeGenesisBatch key with the genesis'
 * parameters); this module lists them for it and checks their public signals against the
 * genesis' own.
 *
 * CURRENT circuits (this branch): a batch proves partialCommitment = Poseidon(k, subtreeRoot,
 * salted partial statistics) and the genesis proves batchesDigest = PoseidonSponge(partial
 * commitments in position order), opening partial k at position k (k is a constant per
 * position). So the check is: exactly N batch proofs, listed by position, and the sponge of
 * their partialCommitment signals is the proved batchesDigest (which the statement's
 * `batchesDigest` must repeat). A batch left out (N − 1 proofs),
 * given twice or taken from another dataset (another partial commitment) changes the sponge.
 *
 * TO SWAP at the merge of the fingerprint genesis (ridge-spec.md B): batch signals become
 * [k, subtreeRoot, rho, maskCommitment, fingerprint] and the genesis' [state, dataRoot,
 * configHash, rho, maskCommitment, fingerprintSum]; replace {@link genesisBatchProblems}' body by
 * the call of `checkGenesisBatches` (exactly one batch per k in 0..N−1, all with the genesis'
 * rho and maskCommitment, the subtree roots hashing to dataRoot, Σ fingerprints =
 * fingerprintSum), keeping its signature. {@link genesisEmbeddedProofs} stays as it is.
 */
import type { KeyManifest } from "../../keys/manifest.ts";
import { spongeWith } from "../../crypto/sponge.ts";
import { parseDecimal } from "../../verifier/fieldText.ts";
import { isObject, namedSignal, poseidonLite, signalFields } from "../../verifier/statementFields.ts";
import type { EmbeddedProof } from "../statementKind.ts";

/** The template every embedded batch proof must be proved under. */
export const RIDGE_BATCH_TEMPLATE = "RidgeGenesisBatch";

/** The genesis' embedded batch proofs, for the generic verifier (each must be a RidgeGenesisBatch proof with the genesis' parameters). */
export function genesisEmbeddedProofs(s: Record<string, unknown>, manifest: KeyManifest): EmbeddedProof[] | string[] {
  if (!Array.isArray(s.batches)) return ["bundle.statement.batches must list the genesis' batch proofs"];
  const problems: string[] = [];
  const proofs = s.batches.flatMap((b: unknown, i: number): EmbeddedProof[] => {
    if (!isObject(b)) {
      problems.push(`bundle.statement.batches[${i}] is not an object`);
      return [];
    }
    return [{
      at: `bundle.statement.batches[${i}]`, profile: b.profile, vkeyHash: b.vkeyHash, publicSignals: b.publicSignals, proof: b.proof,
      template: RIDGE_BATCH_TEMPLATE, params: manifest.params,
    }];
  });
  return problems.length > 0 ? problems : proofs;
}

/**
 * The cross-bundle check of a genesis against its embedded batches' public signals (see the
 * module comment): every batch exactly once, in position, the whole data covered.
 */
export function genesisBatchProblems(s: Record<string, unknown>, signals: readonly string[], manifest: KeyManifest): string[] {
  const [depth, batchDepth] = manifest.params as [number, number];
  const count = 2 ** (depth - batchDepth);
  if (!Array.isArray(s.batches)) return ["bundle.statement.batches must list the genesis' batch proofs"];
  const problems = signalFields(s, ["batchesDigest"], signals, manifest);
  if (s.batches.length !== count) {
    problems.push(`bundle.statement.batches has ${s.batches.length} batch proofs; profile ${manifest.profile} covers the data in exactly ${count} (one per batch, none left out or given twice)`);
  }
  const partials: bigint[] = [];
  s.batches.forEach((b: unknown, i: number) => {
    const at = `bundle.statement.batches[${i}]`;
    if (!isObject(b)) return;
    if (b.batch !== i) problems.push(`${at}.batch must be ${i}: the batches are listed once each, by position`);
    const signal = Array.isArray(b.publicSignals) && b.publicSignals.length === 1 ? parseDecimal(b.publicSignals[0]) : undefined;
    if (signal === undefined) problems.push(`${at}.publicSignals must be the batch's one public signal, partialCommitment`);
    else partials.push(signal);
  });
  if (problems.length > 0) return problems;
  if (spongeWith(poseidonLite, partials) !== namedSignal("batchesDigest", signals, manifest)) {
    problems.push("the embedded batch proofs do not hash to the proved batchesDigest: a batch is missing, repeated, out of place or from another dataset");
  }
  return problems;
}
