import { spongeWith } from "../crypto/sponge.ts";
import { rootFromPath } from "../crypto/merkle.ts";
import { SNARK_FIELD } from "../field.ts";
import { stateHash } from "../sisa/model.ts";
import { parseHex32, toHex32 } from "./fieldText.ts";
import { isObject, poseidonLite } from "./statements.ts";
import type { KeyRing, ProofBundle } from "./types.ts";
import { verifyBundle } from "./verify.ts";

/**
 * Receipts a data subject holds, and checking them. An inclusion receipt (given at commit)
 * shows that their record sits in slot `index` under the committed `dataRoot`; a deletion
 * receipt (given after a forget) carries the proof that the slot was emptied and, for SISA,
 * that the shard was retrained without it. Browser-safe: poseidon-lite and the standalone
 * verifier only, no node:*, no circomlibjs.
 */

/** Format tag of receipts. */
export const RECEIPT_FORMAT = "zkforget-receipt";

/**
 * Inclusion receipt: with it and their own record, a subject checks offline that the record is
 * committed in slot `index` under `dataRoot` (recordHash from the record, leaf =
 * Poseidon(recordHash, salt), then the root from the Merkle path).
 */
export interface InclusionReceipt {
  format: typeof RECEIPT_FORMAT;
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
  /** SISA workspaces: the committed (empty) model root, the config hash and the genesis state they hash to with dataRoot. */
  modelRoot?: string;
  configHash?: string;
  state?: string;
}

/** Deletion receipt: the proof that emptied the subject's slot, and the state it moved to. */
export interface DeletionReceipt {
  format: typeof RECEIPT_FORMAT;
  version: 1;
  kind: "deletion";
  recordId: string;
  profile: string;
  /** The subject's slot and the leaf it held (as in their inclusion receipt). */
  index: number;
  leaf: string;
  /** The deletion request it answers. */
  requestId?: string;
  /** Ledger entry of the proof. */
  seq: number;
  /** The state (SISA) or data root the proof moved to. */
  state: string;
  bundle: ProofBundle;
  /** ISO time the proof was appended to the ledger. */
  deletedAt: string;
}

/** Either receipt. */
export type Receipt = InclusionReceipt | DeletionReceipt;

/** Options for {@link checkReceipt}. */
export interface ReceiptCheckOptions {
  /** Trusted verification keys; needed to check a deletion proof. */
  keys?: KeyRing;
  /** Accept proofs under INSECURE dev keys (anyone can forge them). */
  allowDev?: boolean;
  /**
   * A deletion proof bundle to check instead of the receipt's own (for an inclusion receipt:
   * check that this proof deleted the receipt's slot).
   */
  bundle?: unknown;
  /**
   * The subject's record as the field elements its hash is taken over (src/dataset/leaf.ts
   * `recordFieldElements`): when given, the record must hash to the receipt's recordHash.
   */
  recordFieldElements?: readonly bigint[];
}

/** Outcome of {@link checkReceipt}. */
export interface ReceiptCheckResult {
  /** True when every check passed. */
  ok: boolean;
  /** What was established, when ok: "committed" or "deleted". */
  finding?: "committed" | "deleted";
  /** Plain-words answer for the data subject. */
  verdict: string;
  /** Every problem found, each naming what is wrong. */
  reasons: string[];
}

/**
 * Checks a receipt (parsed JSON or its text) for the data subject. Never throws on bad input.
 *
 * Inclusion receipt (without `bundle`): recomputes leaf = Poseidon(recordHash, salt) and the root
 * from the Merkle path, which must be the receipt's dataRoot (and, for SISA, the state from
 * dataRoot, modelRoot and configHash); with `recordFieldElements`, also the record hash.
 * Deletion receipt, or any receipt with `bundle`: verifies the proof with the standalone
 * verifier under `keys`, and checks that the receipt's (index, leaf) is among the slots it deletes.
 */
export async function checkReceipt(input: unknown, options: ReceiptCheckOptions = {}): Promise<ReceiptCheckResult> {
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      return fail([`the receipt is not valid JSON (truncated or corrupted?): ${(error as Error).message}`]);
    }
  }
  const problems = receiptShapeProblems(data);
  if (problems.length > 0) return fail(problems);
  const receipt = data as Receipt;
  if (receipt.kind === "deletion" || options.bundle !== undefined) return checkDeletion(receipt, options);
  return checkInclusion(receipt, options);
}

function checkInclusion(r: InclusionReceipt, options: ReceiptCheckOptions): ReceiptCheckResult {
  const reasons: string[] = [];
  const depth = r.siblings.length;
  const key = options.keys?.get(r.profile);
  const keyDepth = key && (key.manifest.template === "ShardRetrain" ? key.manifest.params[1] : key.manifest.params[0]);
  if (keyDepth !== undefined && keyDepth !== depth) reasons.push(`the receipt has ${depth} Merkle siblings, but profile ${r.profile} commits depth-${keyDepth} trees`);
  if (r.index >= 2 ** depth) {
    reasons.push(`slot ${r.index} does not exist: a depth-${depth} tree has slots 0..${2 ** depth - 1}`);
    return fail(reasons);
  }
  const recordHash = BigInt(r.recordHash), salt = BigInt(r.salt), leaf = BigInt(r.leaf);
  if (options.recordFieldElements && spongeWith(poseidonLite, options.recordFieldElements) !== recordHash) {
    reasons.push("your record does not hash to the receipt's recordHash: the record you gave is not the one committed in this slot");
  }
  if (poseidonLite([recordHash, salt]) !== leaf) reasons.push(`the receipt's recordHash and salt do not hash to its leaf ${r.leaf}`);
  const root = merkleRootFromPath(leaf, r.index, r.siblings.map((s) => BigInt(s)));
  if (root !== BigInt(r.dataRoot)) reasons.push(`the Merkle path from slot ${r.index} gives root ${toHex32(root)}, not the receipt's dataRoot ${r.dataRoot}`);
  if (r.state !== undefined && stateHash(BigInt(r.dataRoot), BigInt(r.modelRoot!), BigInt(r.configHash!), poseidonLite) !== BigInt(r.state)) {
    reasons.push("the receipt's dataRoot, modelRoot and configHash do not hash to its state");
  }
  if (reasons.length > 0) return fail(reasons);
  const anchor = r.state !== undefined ? `state ${r.state}` : `dataset root ${r.dataRoot}`;
  const recordPart = options.recordFieldElements ? "your record (checked against the record you gave) is" : `record ${JSON.stringify(r.recordId)} is`;
  return {
    ok: true,
    finding: "committed",
    verdict: `COMMITTED: ${recordPart} committed in slot ${r.index} under ${anchor}. Compare it with the commit entry of the controller's published audit chain.`,
    reasons: [],
  };
}

async function checkDeletion(r: Receipt, options: ReceiptCheckOptions): Promise<ReceiptCheckResult> {
  const bundle = options.bundle ?? (r.kind === "deletion" ? r.bundle : undefined);
  if (!options.keys) return fail(["checking a deletion proof needs trusted verification keys"]);
  const result = await verifyBundle(bundle, { keys: options.keys, allowDev: options.allowDev === true });
  const reasons = result.reasons.map((reason) => `the deletion proof is not valid: ${reason}`);
  const statement = result.bundle?.statement;
  if (result.valid && statement) {
    // An accuracy proof deletes nothing (it has no deleted list).
    const deleted = "deleted" in statement ? statement.deleted : [];
    const mine = deleted.find((d) => d.index === r.index);
    if (!mine) {
      reasons.push(`slot ${r.index} (record ${JSON.stringify(r.recordId)}) is not among the slots this proof deletes (${deleted.map((d) => d.index).join(", ") || "none"})`);
    } else if (mine.leaf !== r.leaf) {
      reasons.push(`the proof deletes slot ${r.index} with leaf ${mine.leaf}, but the receipt's leaf is ${r.leaf}: it is not your record`);
    }
  }
  if (reasons.length > 0) return fail(reasons);
  const s = statement!;
  const insecure = result.security === "insecure-dev" ? " (WARNING: proved under an INSECURE dev key, which anyone can forge)" : "";
  if (s.type === "model-accuracy") return fail(["internal error: an accuracy proof cannot delete a record"]);
  const what = s.type === "shard-retrain"
    ? `deleted, and shard ${s.shard}'s model was retrained from its initial weights without it; state ${s.oldState} → ${s.newState}`
    : `deleted from the dataset; dataset root ${s.oldRoot} → ${s.newRoot}`;
  return {
    ok: true,
    finding: "deleted",
    verdict: `DELETED: record ${JSON.stringify(r.recordId)} in slot ${r.index} was ${what}. The proof verifies${insecure}.`,
    reasons: [],
  };
}

/**
 * Root of a Poseidon Merkle tree from a leaf, its slot index and the siblings bottom-up: bit i of
 * the index says whether the path node at level i is a right child; poseidon-lite, not the prover's hash.
 */
export function merkleRootFromPath(leaf: bigint, index: number, siblings: readonly bigint[]): bigint {
  return rootFromPath(leaf, index, siblings, (left, right) => poseidonLite([left, right]));
}

/** Problems with the receipt's shape; empty when it can be checked. */
function receiptShapeProblems(r: unknown): string[] {
  if (!isObject(r)) return ["the receipt is not a JSON object"];
  if (r.format !== RECEIPT_FORMAT || r.version !== 1) return [`not a version-1 ${RECEIPT_FORMAT} file`];
  const problems: string[] = [];
  const field = (name: string) => {
    const v = parseHex32(r[name]);
    if (v === undefined || v >= SNARK_FIELD) problems.push(`receipt.${name} must be a 0x-prefixed 64-digit hex field element`);
  };
  if (typeof r.recordId !== "string") problems.push("receipt.recordId must be a string");
  if (typeof r.profile !== "string") problems.push("receipt.profile must be a string");
  if (typeof r.index !== "number" || !Number.isInteger(r.index) || r.index < 0) problems.push("receipt.index must be a non-negative integer slot index");
  field("leaf");
  if (r.kind === "inclusion") {
    for (const name of ["recordHash", "salt", "dataRoot"]) field(name);
    if (!Array.isArray(r.siblings) || r.siblings.length === 0 || r.siblings.length > 32) problems.push("receipt.siblings must be a list of 1 to 32 siblings");
    else r.siblings.forEach((s, i) => {
      const v = parseHex32(s);
      if (v === undefined || v >= SNARK_FIELD) problems.push(`receipt.siblings[${i}] must be a 0x-hex field element`);
    });
    const sisa = ["modelRoot", "configHash", "state"].filter((name) => r[name] !== undefined);
    if (sisa.length > 0 && sisa.length < 3) problems.push("receipt.modelRoot, configHash and state come together or not at all");
    sisa.forEach(field);
  } else if (r.kind === "deletion") {
    if (!isObject(r.bundle)) problems.push("receipt.bundle must be a proof bundle");
  } else {
    problems.push(`receipt.kind must be "inclusion" or "deletion", got ${JSON.stringify(r.kind)}`);
  }
  return problems;
}

function fail(reasons: string[]): ReceiptCheckResult {
  return { ok: false, verdict: `NOT CONFIRMED: ${reasons[0]}`, reasons };
}
