import { spongeWith } from "../crypto/sponge.ts";
import { rootFromPath } from "../crypto/merkle.ts";
import { SNARK_FIELD } from "../field.ts";
import { stateHash } from "../sisa/model.ts";
import { parseHex32, toHex32 } from "./fieldText.ts";
import { isObject, poseidonLite } from "./statements.ts";
import type { KeyRing, ProofBundle } from "./types.ts";
import { verifyBundle } from "./verify.ts";
import { parsePublicTrainingConfig, type PublicTrainingConfig, type TrainingPolicy } from "../ml/publicConfig.ts";
import { configHash } from "../ml/config.ts";
import type { FeatureScaling } from "../ml/featureScaling.ts";
import { subjectRecordElements, type SubjectRecord } from "./subjectRecord.ts";
import type { AuditEntry, AuditPackage } from "./auditTypes.ts";
import { bundleIdentity } from "./bundleIdentity.ts";
import { describeProblem, verifyAuditPackage, type ChainReport } from "./chain.ts";
import { requestCommitment } from "./requestCommitment.ts";
import { dataRootAfter } from "./transition.ts";
import { statementKindOf, statementKindOfTemplate } from "../methods/statementKinds.ts";
import { headMatchesChain, verifyHeadLog } from "./headLog.ts";

/**
 * Receipts a data subject holds, and checking them. An inclusion receipt (given at commit)
 * shows that their record sits in slot `index` under the committed `dataRoot`; a request
 * receipt (given when a deletion request is received) opens the request's commitment in the
 * chain; a deletion receipt (given after a forget) carries the proof that the slot was emptied
 * and, for SISA, that the shard was retrained without it. Deletion and request receipts are
 * confirmed only against the controller's published audit package. Browser-safe: poseidon-lite
 * and the standalone verifier only, no node:*, no circomlibjs.
 */

/** Format tag and version of receipts. Version 1 receipts (with an unsalted record hash) are refused. */
export const RECEIPT_FORMAT = "zkforget-receipt";
export const RECEIPT_VERSION = 2;

/**
 * Inclusion receipt: with it and their own record, a subject checks offline that the record is
 * committed in slot `index` under `dataRoot` (leaf = Poseidon(recordHash(record), salt), then the
 * root from the Merkle path), and against the published chain that this is the chain's genesis.
 *
 * What it reveals, to whoever holds it: the slot index (so the shard), the leaf and the salt.
 * With the salt and the leaf anyone can TEST a guess of the record (hash it, compare), so the
 * receipt is a secret of the subject, to be kept like a password; it carries no record hash, so
 * without the salt nothing can be tested. The Merkle siblings are hashes of salted leaves.
 */
export interface InclusionReceipt {
  format: typeof RECEIPT_FORMAT;
  version: typeof RECEIPT_VERSION;
  kind: "inclusion";
  recordId: string;
  profile: string;
  index: number;
  salt: string;
  leaf: string;
  /** Siblings bottom-up; bit i of `index` says whether the path node at level i is a right child. */
  siblings: string[];
  dataRoot: string;
  /** SISA workspaces: the committed (empty) model root, the config hash and the genesis state they hash to with dataRoot. */
  modelRoot?: string;
  configHash?: string;
  state?: string;
  /**
   * SISA workspaces: the public training config that hashes to configHash. The checker reads
   * the feature scaling from it (`--scale`), to scale the subject's raw record as the commit did.
   */
  config?: PublicTrainingConfig;
  /**
   * A method whose genesis state depends on more of its public config than configHash (amnesiac:
   * the initial weights and the update log's shape): that config as published, which its
   * statement kind's committedState checks against configHash before it recomputes the state.
   */
  methodConfig?: unknown;
}

/** The opening of a request commitment (verifier/requestCommitment.ts), as the subject receives it. */
export interface RequestOpeningJson {
  requestId: string;
  /** Seq of the chain's `request` entry that recorded the commitment. */
  seq: number;
  commitment: string;
  salt: string;
  slots: { index: number; leaf: string }[];
}

/**
 * Request acknowledgement: given when a deletion request is received. With the published chain
 * the subject checks that the request is recorded in it, committed to their slot, before any
 * proof; a request left out of the chain, or committed to other slots, shows here.
 */
export interface RequestReceipt {
  format: typeof RECEIPT_FORMAT;
  version: typeof RECEIPT_VERSION;
  kind: "request";
  profile: string;
  request: RequestOpeningJson;
  /** ISO time the request was recorded (controller's clock). */
  receivedAt: string;
}

/** Deletion receipt: the proof that emptied the subject's slot, where it sits in the chain, and the request it answers. */
export interface DeletionReceipt {
  format: typeof RECEIPT_FORMAT;
  version: typeof RECEIPT_VERSION;
  kind: "deletion";
  recordId: string;
  profile: string;
  /** The subject's slot and the leaf it held (as in their inclusion receipt). */
  index: number;
  leaf: string;
  /** The deletion request it answers, with the opening of its commitment. */
  request: RequestOpeningJson;
  /** Ledger entry of the proof. */
  seq: number;
  /** The state (SISA) or data root the proof moved to. */
  state: string;
  bundle: ProofBundle;
  /** Non-membership: the slot's Merkle siblings under the data root the proof moved to, where the slot holds 0. */
  absence: { dataRoot: string; siblings: string[] };
  /** ISO time the proof was appended to the ledger (controller's clock). */
  deletedAt: string;
}

/** Any receipt. */
export type Receipt = InclusionReceipt | RequestReceipt | DeletionReceipt;

/** Options for {@link checkReceipt}. */
export interface ReceiptCheckOptions {
  /** Trusted verification keys; needed to check a proof or a chain. */
  keys?: KeyRing;
  /** Accept proofs under INSECURE dev keys (anyone can forge them). */
  allowDev?: boolean;
  /** The training-config policy (see verifyBundle). */
  policy?: TrainingPolicy;
  /**
   * The controller's PUBLISHED audit package (audit.json, parsed or text). A deletion or request
   * receipt is confirmed only against it: a proof made on a private fork of the controller's
   * state verifies just as well on its own. An inclusion receipt is then also checked to be the
   * chain's genesis.
   */
  audit?: unknown;
  /**
   * The controller's signed head log (heads.jsonl lines, parsed). With it, the audit package must
   * be the chain the controller's last signed head commits to, so a receipt is checked against
   * the chain the controller signed for everyone, not one made up for this subject.
   */
  heads?: readonly unknown[];
  /** The controller's Ed25519 public key (hex) the head log must be signed with (published by the controller). */
  controllerKey?: string;
  /**
   * A deletion proof bundle to check instead of the receipt's own (for an inclusion receipt:
   * check that this proof deleted the receipt's slot).
   */
  bundle?: unknown;
  /**
   * The subject's record as they have it (src/verifier/subjectRecord.ts): raw feature values and
   * label, or a document's text. An inclusion receipt's leaf must be its hash with the receipt's
   * salt; the features are first scaled by the scaling of the receipt's training config, if any,
   * as the commit scaled them. Takes precedence over `recordFieldElements`.
   */
  record?: SubjectRecord;
  /**
   * The subject's record as the field elements its hash is taken over, already encoded and, if
   * the workspace scales features, scaled (src/dataset/recordPacking.ts `recordFieldElements`,
   * or `documentFieldElements`): when given, the record must hash, with the receipt's salt, to
   * its leaf.
   */
  recordFieldElements?: readonly bigint[];
}

/** Outcome of {@link checkReceipt}. */
export interface ReceiptCheckResult {
  /** True when every check passed. */
  ok: boolean;
  /** What was established, when ok. */
  finding?: "committed" | "requested" | "deleted";
  /** Plain-words answer for the data subject. */
  verdict: string;
  /** Every problem found, each naming what is wrong. */
  reasons: string[];
}

/**
 * Checks a receipt (parsed JSON or its text) for the data subject. Never throws on bad input.
 *
 * - Inclusion receipt: recomputes the root from the leaf and the Merkle path (and, for SISA, the
 *   state); with `recordFieldElements`, the leaf from the record and the salt; with `audit`, that
 *   the published chain starts at this state.
 * - Request receipt (needs `audit`): the chain's request entry at its seq records this request
 *   with the commitment the opening gives.
 * - Deletion receipt (needs `audit`): the whole published chain verifies; its entry at the
 *   receipt's seq is this proof (same statement and signals; proof bytes are not identity); the
 *   proof deletes the subject's (index, leaf); the request the receipt names is recorded in the
 *   chain, committed to this slot, and answered; and the non-membership path shows the slot
 *   empty under the data root the proof moved to — every later entry of a valid chain only
 *   empties slots, so it stays empty up to the latest published root.
 * - Any receipt with `bundle`: checks that this proof deletes the receipt's slot (proof only).
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
  if (receipt.kind === "request") return withRecordNote(receipt, await checkRequestReceipt(receipt, options), options);
  if (options.bundle !== undefined) return withRecordNote(receipt, await checkBundleDeletes(receipt, options.bundle, options), options);
  return receipt.kind === "inclusion" ? checkInclusion(receipt, options) : withRecordNote(receipt, await checkDeletion(receipt, options), options);
}

/** `result` of a check that hashes no record, saying so when the subject gave one. */
function withRecordNote(receipt: Receipt, result: ReceiptCheckResult, options: ReceiptCheckOptions): ReceiptCheckResult {
  // Only the inclusion check hashes a record (only an inclusion receipt holds the salt); say so rather than ignore it.
  if (options.record === undefined && options.recordFieldElements === undefined) return result;
  const where = receipt.kind === "inclusion" ? "checked here, with a proof to check: check the receipt with your record alone" : "checked against this receipt: only your inclusion receipt holds your slot's salt; check your record against it (its leaf is the one this receipt names)";
  return { ...result, verdict: `${result.verdict} Your record was not ${where}.` };
}

async function checkInclusion(r: InclusionReceipt, options: ReceiptCheckOptions): Promise<ReceiptCheckResult> {
  const reasons: string[] = [];
  const depth = r.siblings.length;
  const key = options.keys?.get(r.profile);
  const keyDepth = key && (key.manifest.template === "ShardRetrain" ? key.manifest.params[1] : key.manifest.params[0]);
  if (keyDepth !== undefined && keyDepth !== depth) reasons.push(`the receipt has ${depth} Merkle siblings, but profile ${r.profile} commits depth-${keyDepth} trees`);
  if (r.index >= 2 ** depth) {
    reasons.push(`slot ${r.index} does not exist: a depth-${depth} tree has slots 0..${2 ** depth - 1}`);
    return fail(reasons);
  }
  const salt = BigInt(r.salt), leaf = BigInt(r.leaf);
  const config = receiptConfig(r, reasons);
  const given = options.record !== undefined || options.recordFieldElements !== undefined;
  let elements = options.recordFieldElements;
  if (options.record !== undefined && config !== "unusable") {
    try {
      elements = subjectRecordElements(options.record, config?.featureScaling);
    } catch (error) {
      reasons.push(`your record cannot be hashed as the commit did: ${(error as Error).message}`);
    }
  }
  if (elements && poseidonLite([spongeWith(poseidonLite, elements), salt]) !== leaf) {
    const unscaled = options.record !== undefined && "features" in options.record && r.configHash !== undefined && config === undefined
      ? " (this receipt carries no training config, so your features were hashed as given, unscaled; if the data was committed with --scale, ask the controller for a current receipt)"
      : "";
    reasons.push(`your record, with the receipt's salt, does not hash to the receipt's leaf: the record you gave is not the one committed in this slot${unscaled}`);
  }
  const root = merkleRootFromPath(leaf, r.index, r.siblings.map((s) => BigInt(s)));
  if (root !== BigInt(r.dataRoot)) reasons.push(`the Merkle path from slot ${r.index} gives root ${toHex32(root)}, not the receipt's dataRoot ${r.dataRoot}`);
  // The committed state follows the method's rule (its statement kind's committedState), else SISA's.
  const committedState = key ? statementKindOfTemplate(key.manifest.template)?.committedState : undefined;
  if (committedState) {
    const state = committedState(BigInt(r.dataRoot), r as unknown as Record<string, unknown>);
    if (typeof state === "string") reasons.push(state);
    else if (r.state === undefined || BigInt(r.state) !== state) reasons.push(`the receipt's dataRoot and configHash give state ${toHex32(state)}, not the receipt's state ${r.state ?? "(none)"}`);
  } else if (r.state !== undefined && r.modelRoot === undefined) {
    reasons.push(`the receipt's state can only be checked with the trusted key of profile ${r.profile}, whose method says how its state is formed`);
  } else if (r.state !== undefined && stateHash(BigInt(r.dataRoot), BigInt(r.modelRoot!), BigInt(r.configHash!), poseidonLite) !== BigInt(r.state)) {
    reasons.push("the receipt's dataRoot, modelRoot and configHash do not hash to its state");
  }
  const genesis = r.state ?? r.dataRoot;
  let anchored = "";
  if (reasons.length === 0 && options.audit !== undefined) {
    const chain = await publishedChain(options);
    if (typeof chain === "string") return fail([chain]);
    const first = chain.entries[0];
    if (first?.oldState !== genesis) {
      reasons.push(`the published chain starts at ${first?.oldState ?? "nothing"}, not at the state of your receipt ${genesis}: your record is not in the dataset the chain is about`);
    } else {
      anchored = " The published audit chain starts at this state.";
    }
  }
  if (reasons.length > 0) return fail(reasons);
  const anchor = r.state !== undefined ? `state ${r.state}` : `dataset root ${r.dataRoot}`;
  const recordPart = given ? "your record (checked against the record you gave) is" : `record ${JSON.stringify(r.recordId)} is`;
  return {
    ok: true,
    finding: "committed",
    verdict: `COMMITTED: ${recordPart} committed in slot ${r.index} under ${anchor}.${anchored || " Check it against the controller's published audit chain (--audit)."}`,
    reasons: [],
  };
}

/**
 * The training config a SISA inclusion receipt carries, checked to hash to its configHash (so
 * its feature scaling is the one the state is pinned to); undefined when it carries none,
 * "unusable" (with the reasons pushed) when it is malformed or does not match.
 */
function receiptConfig(r: InclusionReceipt, reasons: string[]): { featureScaling?: FeatureScaling } | undefined | "unusable" {
  if (r.config === undefined) return undefined;
  const parsed = parsePublicTrainingConfig(r.config, "receipt.config");
  if ("problems" in parsed) {
    reasons.push(...parsed.problems);
    return "unusable";
  }
  if (configHash(parsed.config, poseidonLite) !== BigInt(r.configHash!)) {
    reasons.push("the receipt's training config does not hash to its configHash: it is not the config the committed state is pinned to");
    return "unusable";
  }
  return parsed.config;
}

async function checkRequestReceipt(r: RequestReceipt, options: ReceiptCheckOptions): Promise<ReceiptCheckResult> {
  const chain = await publishedChain(options);
  if (typeof chain === "string") return fail([chain]);
  const reasons = requestInChain(r.request, chain);
  if (reasons.length > 0) return fail(reasons);
  const answered = chain.report.requests.find((q) => q.id === r.request.requestId)?.proved === true;
  return {
    ok: true,
    finding: "requested",
    verdict: `REQUESTED: deletion request ${JSON.stringify(r.request.requestId)} for slot${r.request.slots.length > 1 ? "s" : ""} ${r.request.slots.map((s) => s.index).join(", ")} ` +
      `is recorded in the published chain at entry ${r.request.seq}, committed to those slots before any proof. ${answered ? "It is answered by verified proofs." : "It is NOT answered yet."}`,
    reasons: [],
  };
}

async function checkDeletion(r: DeletionReceipt, options: ReceiptCheckOptions): Promise<ReceiptCheckResult> {
  const proof = await checkBundleDeletes(r, r.bundle, options);
  if (!proof.ok) return proof;
  const reasons: string[] = [];
  if (!r.request.slots.some((s) => s.index === r.index && s.leaf === r.leaf)) {
    reasons.push(`the receipt's request ${JSON.stringify(r.request.requestId)} does not name your slot ${r.index} with your leaf`);
  }
  const absence = merkleRootFromPath(0n, r.index, r.absence.siblings.map((s) => BigInt(s)));
  if (absence !== BigInt(r.absence.dataRoot)) reasons.push(`the non-membership path does not show slot ${r.index} empty under data root ${r.absence.dataRoot}`);
  const after = dataRootAfter(r.bundle.statement);
  if (after !== r.absence.dataRoot) reasons.push(`the non-membership path is for data root ${r.absence.dataRoot}, not for the root ${after ?? "?"} the proof moved to`);
  if (options.audit === undefined) {
    reasons.push("a deletion receipt is confirmed only against the controller's published audit package (give --audit): on its own, a proof made on a private fork of the controller's state looks the same");
    return fail(reasons, `the proof deleting your slot verifies, but ${reasons[0]}`);
  }
  if (reasons.length > 0) return fail(reasons);
  const chain = await publishedChain(options);
  if (typeof chain === "string") return fail([chain]);
  const entry = chain.entries.find((e) => e.seq === r.seq);
  if (!entry || bundleIdentity(entry.bundle) !== bundleIdentity(r.bundle)) {
    reasons.push(`the published chain's entry ${r.seq} is not the proof in your receipt: the deletion you were shown is not the one the regulator sees`);
  }
  reasons.push(...requestInChain(r.request, chain));
  if (entry && entry.requestId !== r.request.requestId) reasons.push(`the published chain's entry ${r.seq} answers ${entry.requestId === undefined ? "no request" : `request ${JSON.stringify(entry.requestId)}`}, not yours`);
  const request = chain.report.requests.find((q) => q.id === r.request.requestId);
  if (!request?.proved) reasons.push(`the published chain does not show request ${JSON.stringify(r.request.requestId)} answered: ${request?.reasons[0] ?? "it is not listed"}`);
  if (reasons.length > 0) return fail(reasons);
  const latest = [...chain.entries].reverse().map((e) => dataRootAfter(e.bundle?.statement)).find((root) => root !== undefined);
  const s = r.bundle.statement;
  const what = statementKindOf(s)?.deletedWording(s as unknown as Record<string, unknown>) ?? "deleted";
  const later = chain.entries.length - chain.entries.findIndex((e) => e.seq === r.seq) - 1;
  const insecure = chain.report.keys.some((k) => k.security === "insecure-dev") ? " (WARNING: proved under an INSECURE dev key, which anyone can forge)" : "";
  return {
    ok: true,
    finding: "deleted",
    verdict: `DELETED: record ${JSON.stringify(r.recordId)} in slot ${r.index} was ${what}, at entry ${r.seq} of the published chain, answering request ${JSON.stringify(r.request.requestId)}. ` +
      `The slot is empty under data root ${r.absence.dataRoot}${latest === r.absence.dataRoot ? ", the latest published root" : `; the ${later} later entr${later === 1 ? "y" : "ies"} (latest root ${latest}) are proofs that only empty slots, so it is still empty`}. ` +
      `The whole chain verifies${insecure}.`,
    reasons: [],
  };
}

/** The proof `bundle` verifies and deletes the receipt's (index, leaf). */
async function checkBundleDeletes(r: InclusionReceipt | DeletionReceipt, bundle: unknown, options: ReceiptCheckOptions): Promise<ReceiptCheckResult> {
  if (!options.keys) return fail(["checking a deletion proof needs trusted verification keys"]);
  const result = await verifyBundle(bundle, { keys: options.keys, allowDev: options.allowDev === true, ...(options.policy ? { policy: options.policy } : {}) });
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
  const insecure = result.security === "insecure-dev" ? " (WARNING: proved under an INSECURE dev key, which anyone can forge)" : "";
  return {
    ok: true,
    finding: "deleted",
    verdict: `PROOF ONLY: the proof verifies${insecure} and deletes slot ${r.index} with your leaf. Whether it is part of the controller's published chain is not checked here (give the receipt and --audit).`,
    reasons: [],
  };
}

/** The published package, verified: its entries and chain report, or a sentence saying why it cannot be relied on. */
async function publishedChain(options: ReceiptCheckOptions): Promise<{ entries: AuditEntry[]; report: ChainReport } | string> {
  if (options.audit === undefined) return "this receipt is checked against the controller's published audit package: give it (--audit)";
  if (!options.keys) return "checking the published audit chain needs trusted verification keys";
  const report = await verifyAuditPackage(options.audit, {
    keys: options.keys, allowDev: options.allowDev === true, ...(options.policy ? { policy: options.policy } : {}),
  });
  if (!report.valid) return `the published audit chain does not verify, so it confirms nothing: ${report.firstBreak ? describeProblem(report.firstBreak) : "unreadable"}`;
  const pkg = (typeof options.audit === "string" ? JSON.parse(options.audit) : options.audit) as AuditPackage;
  if (options.heads !== undefined) {
    const log = verifyHeadLog(options.heads, options.controllerKey !== undefined ? { controllerKey: options.controllerKey } : {});
    if (!log.valid || !log.last) return `the controller's signed head log is not valid: ${log.problems[0] ?? "it has no heads"}`;
    const mismatch = headMatchesChain(log.last, pkg.entries);
    if (mismatch.length > 0) return `the audit package is not the chain the controller's last signed head (seq ${log.last.seq}) commits to: ${mismatch[0]}`;
  }
  return { entries: pkg.entries, report };
}

/** Problems with a request opening against the published chain: recorded at its seq, with the commitment the opening gives. */
function requestInChain(request: RequestOpeningJson, chain: { entries: AuditEntry[] }): string[] {
  const reasons: string[] = [];
  const entry = chain.entries.find((e) => e.seq === request.seq);
  if (!entry || entry.kind !== "request" || entry.requestId !== request.requestId) {
    return [`the published chain does not record request ${JSON.stringify(request.requestId)} at entry ${request.seq}: the request you were acknowledged is not in the chain the regulator sees`];
  }
  let opened: bigint | undefined;
  try {
    opened = requestCommitment(BigInt(request.salt), request.slots.map((s) => ({ index: s.index, leaf: BigInt(s.leaf) })));
  } catch (error) {
    reasons.push(`the request opening is not usable: ${(error as Error).message}`);
  }
  if (opened !== undefined && toHex32(opened) !== request.commitment) reasons.push("the request opening (salt and slots) does not hash to the receipt's commitment");
  if (entry.requestCommitment !== request.commitment) reasons.push(`the published chain records request ${JSON.stringify(request.requestId)} with another commitment: it names other slots than the ones you were told`);
  return reasons;
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
  if (r.format !== RECEIPT_FORMAT) return [`not a ${RECEIPT_FORMAT} file`];
  if (r.version !== RECEIPT_VERSION) return [`receipt version ${JSON.stringify(r.version)} is not supported (this checker reads version ${RECEIPT_VERSION}; version 1 receipts carried an unsalted record hash and are no longer issued)`];
  const problems: string[] = [];
  const field = (o: Record<string, unknown>, name: string, at = "receipt") => {
    const v = parseHex32(o[name]);
    if (v === undefined || v >= SNARK_FIELD) problems.push(`${at}.${name} must be a 0x-prefixed 64-digit hex field element`);
  };
  const path = (value: unknown, at: string) => {
    if (!Array.isArray(value) || value.length === 0 || value.length > 32) problems.push(`${at} must be a list of 1 to 32 siblings`);
    else value.forEach((s, i) => {
      const v = parseHex32(s);
      if (v === undefined || v >= SNARK_FIELD) problems.push(`${at}[${i}] must be a 0x-hex field element`);
    });
  };
  const slotIndex = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (typeof r.profile !== "string") problems.push("receipt.profile must be a string");
  if (r.kind === "inclusion" || r.kind === "deletion") {
    if (typeof r.recordId !== "string") problems.push("receipt.recordId must be a string");
    if (!slotIndex(r.index)) problems.push("receipt.index must be a non-negative integer slot index");
    field(r, "leaf");
  }
  if (r.kind === "request" || r.kind === "deletion") {
    const q = r.request;
    if (!isObject(q)) problems.push("receipt.request must be the opening of the request commitment");
    else {
      if (typeof q.requestId !== "string") problems.push("receipt.request.requestId must be a string");
      if (!(typeof q.seq === "number" && Number.isInteger(q.seq) && q.seq > 0)) problems.push("receipt.request.seq must be a positive integer");
      field(q, "commitment", "receipt.request");
      field(q, "salt", "receipt.request");
      if (!Array.isArray(q.slots) || q.slots.length === 0) problems.push("receipt.request.slots must be a non-empty list");
      else q.slots.forEach((s, i) => {
        if (!isObject(s) || !slotIndex(s.index)) problems.push(`receipt.request.slots[${i}] must be {index, leaf}`);
        else field(s, "leaf", `receipt.request.slots[${i}]`);
      });
    }
  }
  if (r.kind === "inclusion") {
    for (const name of ["salt", "dataRoot"]) field(r, name);
    path(r.siblings, "receipt.siblings");
    // A model-bearing commit's receipt names configHash and state (ridge); SISA's adds modelRoot and config.
    const pinned = ["configHash", "state"].filter((name) => r[name] !== undefined);
    if (pinned.length === 1 || (r.modelRoot !== undefined && pinned.length < 2)) {
      problems.push("receipt.modelRoot, configHash and state come together or not at all (a ridge receipt has configHash and state without modelRoot)");
    }
    if (r.config !== undefined && r.modelRoot === undefined) problems.push("receipt.config belongs to a SISA receipt (with modelRoot, configHash and state)");
    [...pinned, ...(r.modelRoot !== undefined ? ["modelRoot"] : [])].forEach((name) => field(r, name));
  } else if (r.kind === "deletion") {
    if (!isObject(r.bundle)) problems.push("receipt.bundle must be a proof bundle");
    if (!(typeof r.seq === "number" && Number.isInteger(r.seq) && r.seq > 0)) problems.push("receipt.seq must be a positive integer");
    if (!isObject(r.absence)) problems.push("receipt.absence must be a non-membership path {dataRoot, siblings}");
    else {
      field(r.absence, "dataRoot", "receipt.absence");
      path(r.absence.siblings, "receipt.absence.siblings");
    }
  } else if (r.kind !== "request") {
    problems.push(`receipt.kind must be "inclusion", "request" or "deletion", got ${JSON.stringify(r.kind)}`);
  }
  return problems;
}

function fail(reasons: string[], headline = reasons[0]): ReceiptCheckResult {
  return { ok: false, verdict: `NOT CONFIRMED: ${headline}`, reasons };
}
