import type { CommittedDataset } from "../dataset/commitment.ts";
import { toHex32 } from "../verifier/fieldText.ts";

/**
 * Inclusion receipt handed to a data subject at commit time: with it and their own record,
 * they can check offline that the record is committed in slot `index` under `dataRoot`
 * (recompute recordHash from the record, leaf = Poseidon(recordHash, salt), then the root
 * from the Merkle path).
 */
export interface InclusionReceipt {
  format: "zkforget-receipt";
  version: 1;
  kind: "inclusion";
  recordId: string;
  profile: string;
  index: number;
  recordHash: string;
  salt: string;
  leaf: string;
  /** Siblings bottom-up; bit i of `index` says whether the path node at level i is a right child. */
  siblings: string[];
  dataRoot: string;
}

/** Builds the inclusion receipt of `recordId`. @throws UnknownRecordError */
export function inclusionReceipt(dataset: CommittedDataset, recordId: string, profile: string): InclusionReceipt {
  const slot = dataset.slot(recordId);
  const proof = dataset.merkleProof(slot.index);
  return {
    format: "zkforget-receipt",
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
  };
}

/** A receipt file name safe for any record id. */
export function receiptFileName(recordId: string): string {
  return `${encodeURIComponent(recordId).replace(/%/g, "_")}.json`;
}
