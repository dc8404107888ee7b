import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { writeFileAtomically } from "../fsAtomic.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { RECEIPT_FORMAT, type DeletionReceipt, type InclusionReceipt, type Receipt } from "../verifier/receiptCheck.ts";
import type { AuditEntry } from "../verifier/auditTypes.ts";

export type { InclusionReceipt, DeletionReceipt, Receipt };

/** The SISA parts of a commit an inclusion receipt also names (the genesis state). */
export interface SisaCommitment {
  modelRoot: bigint;
  configHash: bigint;
  state: bigint;
}

/** Builds the inclusion receipt of `recordId`. @throws UnknownRecordError */
export function inclusionReceipt(dataset: CommittedDataset, recordId: string, profile: string, sisa?: SisaCommitment): InclusionReceipt {
  const slot = dataset.slot(recordId);
  const proof = dataset.merkleProof(slot.index);
  return {
    format: RECEIPT_FORMAT,
    version: 1,
    kind: "inclusion",
    recordId,
    profile,
    index: slot.index,
    recordHash: toHex32(slot.recordHash),
    salt: toHex32(slot.salt),
    leaf: toHex32(slot.leaf),
    siblings: proof.siblings.map(toHex32),
    dataRoot: toHex32(dataset.root),
    ...(sisa ? { modelRoot: toHex32(sisa.modelRoot), configHash: toHex32(sisa.configHash), state: toHex32(sisa.state) } : {}),
  };
}

/**
 * The deletion receipt of the record in slot `index` that `entry` (a ledger entry with a
 * bundle) deleted. @throws Error when the entry's proof does not delete that slot
 */
export function deletionReceipt(recordId: string, index: number, entry: AuditEntry): DeletionReceipt {
  const bundle = entry.bundle;
  const statement = bundle?.statement;
  const slot = statement && "deleted" in statement ? statement.deleted.find((d) => d.index === index) : undefined;
  if (!bundle || !slot) throw new Error(`internal error: ledger entry ${entry.seq} does not delete slot ${index}`);
  return {
    format: RECEIPT_FORMAT,
    version: 1,
    kind: "deletion",
    recordId,
    profile: bundle.profile,
    index,
    leaf: slot.leaf,
    ...(entry.requestId !== undefined ? { requestId: entry.requestId } : {}),
    seq: entry.seq,
    state: entry.newState,
    bundle,
    deletedAt: entry.recordedAt,
  };
}

/** A receipt file name safe for any record id: `<id>.json`, or `<id>.deletion.json`. */
export function receiptFileName(recordId: string, kind: Receipt["kind"] = "inclusion"): string {
  return `${encodeURIComponent(recordId).replace(/%/g, "_")}${kind === "deletion" ? ".deletion" : ""}.json`;
}

/** Writes a receipt into `receiptsDir` (atomically) and returns its path. */
export async function writeReceipt(receiptsDir: string, receipt: Receipt): Promise<string> {
  const path = join(receiptsDir, receiptFileName(receipt.recordId, receipt.kind));
  await writeFileAtomically(path, `${JSON.stringify(receipt, null, 1)}\n`);
  return path;
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
