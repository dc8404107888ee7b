import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { pathExists, writeFileAtomically } from "../fsAtomic.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { dataRootAfter } from "../verifier/transition.ts";
import {
  RECEIPT_FORMAT, RECEIPT_VERSION, type DeletionReceipt, type InclusionReceipt, type Receipt, type RequestOpeningJson, type RequestReceipt,
} from "../verifier/receiptCheck.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";
import type { StoredRequest } from "../ledger/ledger.ts";
import type { TrainingConfig } from "../ml/config.ts";
import { publicTrainingConfig } from "../ml/publicConfig.ts";

export type { InclusionReceipt, DeletionReceipt, Receipt, RequestReceipt };

/** The SISA parts of a commit an inclusion receipt also names (the genesis state). */
export interface SisaCommitment {
  /** SISA: the (empty) model root; absent for a method whose state rule is its statement kind's (ridge). */
  modelRoot?: bigint;
  configHash: bigint;
  state: bigint;
  /** SISA: the training config that hashes to configHash, published in the receipt (its feature scaling scales the subject's raw record). */
  config?: TrainingConfig;
  /** A method's published config, when its statement kind recomputes the committed state from it (InclusionReceipt.methodConfig). */
  methodConfig?: object;
}

/** Builds the inclusion receipt of `recordId`. @throws UnknownRecordError */
export function inclusionReceipt(dataset: CommittedDataset, recordId: string, profile: string, sisa?: SisaCommitment): InclusionReceipt {
  const slot = dataset.slot(recordId);
  const proof = dataset.merkleProof(slot.index);
  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    kind: "inclusion",
    recordId,
    profile,
    index: slot.index,
    salt: toHex32(slot.salt),
    leaf: toHex32(slot.leaf),
    siblings: proof.siblings.map(toHex32),
    dataRoot: toHex32(dataset.root),
    ...(sisa ? {
      ...(sisa.modelRoot !== undefined ? { modelRoot: toHex32(sisa.modelRoot) } : {}),
      configHash: toHex32(sisa.configHash), state: toHex32(sisa.state),
      ...(sisa.config !== undefined ? { config: publicTrainingConfig(sisa.config) } : {}),
      ...(sisa.methodConfig !== undefined ? { methodConfig: sisa.methodConfig } : {}),
    } : {}),
  };
}

/** The opening of a stored request's commitment, as its receipts carry it. */
function requestOpening(request: StoredRequest): RequestOpeningJson {
  return { requestId: request.id, seq: request.seq, commitment: request.commitment, salt: request.salt, slots: request.slots };
}

/** The acknowledgement of a received deletion request (for the data subject). */
export function requestReceipt(profile: string, request: StoredRequest): RequestReceipt {
  return { format: RECEIPT_FORMAT, version: RECEIPT_VERSION, kind: "request", profile, request: requestOpening(request), receivedAt: request.receivedAt };
}

/**
 * The deletion receipt of the record in slot `index` that `entry` (a ledger entry with a
 * bundle) deleted for `request`; `absenceSiblings` are the slot's Merkle siblings under the data
 * root the entry moved to (where the slot holds 0).
 * @throws Error when the entry's proof does not delete that slot
 */
export function deletionReceipt(recordId: string, index: number, entry: AuditEntry, request: StoredRequest, absenceSiblings: readonly bigint[]): DeletionReceipt {
  const bundle = entry.bundle;
  const statement = bundle?.statement;
  const slot = statement && "deleted" in statement ? statement.deleted.find((d) => d.index === index) : undefined;
  const dataRoot = dataRootAfter(statement);
  if (!bundle || !slot || dataRoot === undefined) throw new Error(`internal error: ledger entry ${entry.seq} does not delete slot ${index}`);
  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    kind: "deletion",
    recordId,
    profile: bundle.profile,
    index,
    leaf: slot.leaf,
    request: requestOpening(request),
    seq: entry.seq,
    state: entry.newState,
    bundle,
    absence: { dataRoot, siblings: absenceSiblings.map(toHex32) },
    deletedAt: entry.recordedAt,
  };
}

/** A receipt file name safe for any id: `<record id>.json`, `<record id>.deletion.json` or `<request id>.request.json`. */
export function receiptFileName(id: string, kind: Receipt["kind"] = "inclusion"): string {
  return `${encodeURIComponent(id).replace(/%/g, "_")}${kind === "inclusion" ? "" : `.${kind}`}.json`;
}

/** Writes a receipt into `receiptsDir` (atomically) and returns its path. */
export async function writeReceipt(receiptsDir: string, receipt: Receipt): Promise<string> {
  const path = join(receiptsDir, receiptFileName(receipt.kind === "request" ? receipt.request.requestId : receipt.recordId, receipt.kind));
  await writeFileAtomically(path, `${JSON.stringify(receipt, null, 1)}\n`);
  return path;
}

/** Writes the acknowledgement of a received request (with `onlyIfMissing`, only when there is none yet); returns its path. */
export async function writeRequestAcknowledgement(
  receiptsDir: string, profile: string, request: StoredRequest, options: { onlyIfMissing?: boolean } = {},
): Promise<string> {
  const path = join(receiptsDir, receiptFileName(request.id, "request"));
  if (options.onlyIfMissing && (await pathExists(path))) return path;
  return writeReceipt(receiptsDir, requestReceipt(profile, request));
}

/**
 * Writes the deletion receipt and removes the workspace's copy of the inclusion receipt: it
 * holds the deleted record's salt and record hash, which the controller must not keep (the
 * data subject keeps their own copy).
 */
export async function recordDeletionReceipt(receiptsDir: string, receipt: DeletionReceipt): Promise<string> {
  const path = await writeReceipt(receiptsDir, receipt);
  await rm(join(receiptsDir, receiptFileName(receipt.recordId)), { force: true });
  return path;
}
