/**
 * The signed, append-only chain-head log: the controller signs, with one Ed25519 key, the head
 * of its audit chain (seq, state, chain digest) each time it publishes, and links every signed
 * head to the previous one by its hash. Two parties who compare the heads they were shown can
 * then catch a controller who showed them different chains: two validly signed heads with the
 * same seq and different chains (or two different successors of one head) are a proof of
 * misbehaviour that anyone can check with the controller's public key alone.
 *
 * Every function here takes untrusted JSON and returns problems as sentences; none throws on
 * bad input. Browser-safe: only @noble/curves, @noble/hashes and local pure code.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonicalJson.ts";
import { chainDigests, describeJson } from "./chainDigest.ts";
import { parseHex32 } from "./fieldText.ts";
import { isObject } from "./statements.ts";

/** Format tag and version of a signed head. */
export const HEAD_FORMAT = "zkforget-head";
export const HEAD_VERSION = 1;

/** One signed head of the controller's audit chain. */
export interface SignedHead {
  format: typeof HEAD_FORMAT;
  version: typeof HEAD_VERSION;
  /** The controller's Ed25519 public key, 64 lowercase hex digits. */
  controller: string;
  /** Number of entries the head covers (the seq of the last one; the commit is seq 1). */
  seq: number;
  /** 0x-hex newState of entry `seq`. */
  state: string;
  /** Hex sha256 digest of the first `seq` entries (see chainDigest.ts). */
  chainDigest: string;
  /** Hex sha256 of the previous signed head's canonical JSON (signature included); null for the first head. */
  prevHead: string | null;
  /** ISO time of publication (the controller's clock, not proved). */
  publishedAt: string;
  /** Ed25519 signature (128 lowercase hex digits) over the canonical JSON of the other fields. */
  signature: string;
}

/** A head before it is signed. */
export type UnsignedHead = Omit<SignedHead, "signature">;

const HEAD_FIELDS = ["format", "version", "controller", "seq", "state", "chainDigest", "prevHead", "publishedAt", "signature"] as const;
const HEX_KEY = /^[0-9a-f]{64}$/;
const HEX_SIGNATURE = /^[0-9a-f]{128}$/;
/** RFC 8032 strict verification: canonical encodings, no small-order keys, so a signature has one valid form. */
const STRICT = { zip215: false } as const;

/** The bytes a head's signature covers: UTF-8 canonical JSON of every field but `signature`. */
export function headSigningBytes(head: UnsignedHead | SignedHead): Uint8Array {
  const { signature: _signature, ...unsigned } = head as SignedHead;
  return utf8ToBytes(canonicalJson(unsigned));
}

/** Signs `head` with the controller's 32-byte Ed25519 secret key (whose public key must be `head.controller`). */
export function signHead(head: UnsignedHead, secretKey: Uint8Array): SignedHead {
  const { format, version, controller, seq, state, chainDigest, prevHead, publishedAt } = head;
  const fields: UnsignedHead = { format, version, controller, seq, state, chainDigest, prevHead, publishedAt };
  return { ...fields, signature: bytesToHex(ed25519.sign(headSigningBytes(fields), secretKey)) };
}

/** The hash the next head's `prevHead` names: sha256 hex of the signed head's canonical JSON. */
export function headHash(head: SignedHead): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(head))));
}

/** Why `key` is not a usable Ed25519 public key in hex, or undefined when it is one. */
export function controllerKeyProblem(key: unknown): string | undefined {
  if (typeof key !== "string" || !HEX_KEY.test(key)) return `must be an Ed25519 public key as 64 lowercase hex digits, got ${JSON.stringify(key)}`;
  if (!ed25519.utils.isValidPublicKey(hexToBytes(key), false)) return `${key} is not a valid Ed25519 public key (not a canonical curve point)`;
  if (ed25519.Point.fromHex(key).isSmallOrder()) return `${key} is a small-order point: signatures under it prove nothing`;
  return undefined;
}

/**
 * Checks the shape of a signed head (exactly the fields of {@link SignedHead}, each in its one
 * canonical text form) and its signature under its own `controller` key. Whether that key is
 * the controller's is the caller's question.
 * @param where how the head is called in problems, e.g. "head 3 of the log"
 */
export function parseSignedHead(value: unknown, where = "the head"): { head?: SignedHead; problems: string[] } {
  if (!isObject(value)) return { problems: [`${where} is ${describeJson(value)}, not a signed head object`] };
  const problems: string[] = [];
  const unknown = Object.keys(value).filter((k) => !(HEAD_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) problems.push(`${where} has unknown fields ${unknown.join(", ")} (a version-${HEAD_VERSION} head has only ${HEAD_FIELDS.join(", ")})`);
  if (value.format !== HEAD_FORMAT) problems.push(`${where}.format must be "${HEAD_FORMAT}", got ${JSON.stringify(value.format)}`);
  if (value.version !== HEAD_VERSION) problems.push(`${where}.version must be ${HEAD_VERSION}, got ${JSON.stringify(value.version)}`);
  const keyProblem = controllerKeyProblem(value.controller);
  if (keyProblem) problems.push(`${where}.controller ${keyProblem}`);
  if (!Number.isSafeInteger(value.seq) || (value.seq as number) < 1) problems.push(`${where}.seq must be a positive integer (the commit is seq 1), got ${JSON.stringify(value.seq)}`);
  if (parseHex32(value.state) === undefined) problems.push(`${where}.state must be 0x followed by 64 lowercase hex digits, got ${JSON.stringify(value.state)}`);
  if (typeof value.chainDigest !== "string" || !HEX_KEY.test(value.chainDigest)) problems.push(`${where}.chainDigest must be a sha256 as 64 lowercase hex digits, got ${JSON.stringify(value.chainDigest)}`);
  if (value.prevHead !== null && (typeof value.prevHead !== "string" || !HEX_KEY.test(value.prevHead))) {
    problems.push(`${where}.prevHead must be null (first head) or a sha256 as 64 lowercase hex digits, got ${JSON.stringify(value.prevHead)}`);
  }
  if (!isIsoTime(value.publishedAt)) problems.push(`${where}.publishedAt must be an ISO time as toISOString() writes it, got ${JSON.stringify(value.publishedAt)}`);
  if (typeof value.signature !== "string" || !HEX_SIGNATURE.test(value.signature)) problems.push(`${where}.signature must be an Ed25519 signature as 128 lowercase hex digits`);
  if (problems.length > 0) return { problems };
  const head = value as unknown as SignedHead;
  if (!ed25519.verify(hexToBytes(head.signature), headSigningBytes(head), hexToBytes(head.controller), STRICT)) {
    return { problems: [`${where} (seq ${head.seq}): the signature does not verify under its controller key ${head.controller} (altered after signing, or not signed by that key)`] };
  }
  return { head, problems };
}

/** What {@link verifyHeadLog} found. */
export interface HeadLogReport {
  /** True when every head parses, is signed by the controller key, links to the previous one and agrees with it. */
  valid: boolean;
  /** Every problem, as a sentence naming the head (by its position in the log, 1-based). */
  problems: string[];
  /** The key the log was checked against: the one given, else the first head's (trust on first use). */
  controller?: string;
  /** Whether `controller` was given by the caller (pinned) or taken from the log. */
  pinned: boolean;
  /** The heads that parsed with a valid signature by `controller`, in log order. */
  heads: SignedHead[];
  /** The last head, when the log is valid. */
  last?: SignedHead;
}

/** Options of {@link verifyHeadLog} and {@link findEquivocation}. */
export interface HeadLogOptions {
  /** The controller's Ed25519 public key (hex) you trust; without it the log's own key is used. */
  controllerKey?: string;
}

/**
 * Checks a head log (the heads in publication order): every head well formed and validly
 * signed by the controller key, the first with `prevHead` null and each later one naming the
 * hash of the one before, seq and publishedAt never decreasing, and heads of one seq naming
 * the same state and chain digest. Does not look at the chain itself: see {@link headsMatchChain}.
 */
export function verifyHeadLog(heads: unknown, options: HeadLogOptions = {}): HeadLogReport {
  const problems: string[] = [];
  const pinned = options.controllerKey !== undefined;
  const key = pinnedKey(options, problems);
  if (!Array.isArray(heads)) return { valid: false, problems: [...problems, `the head log must be a list of signed heads, got ${describeJson(heads)}`], pinned, heads: [] };
  if (heads.length === 0) return { valid: false, problems: [...problems, "the head log is empty"], pinned, heads: [] };
  let controller = key;
  const valid: SignedHead[] = [];
  let previous: SignedHead | undefined;
  heads.forEach((value: unknown, i) => {
    const where = `head ${i + 1} of the log`;
    const parsed = parseSignedHead(value, where);
    problems.push(...parsed.problems);
    const head = parsed.head;
    if (head && controller === undefined) controller = head.controller;
    if (head && controller !== undefined && head.controller !== controller) {
      problems.push(`${where} (seq ${head.seq}) is signed by ${head.controller}, not by the controller key ${controller}`);
    } else if (head) {
      valid.push(head);
    }
    if (i === 0 && isObject(value) && value.prevHead !== null) problems.push(`${where} is the first head but names a previous head (prevHead must be null): the log was truncated at its start`);
    if (head && previous && i > 0) problems.push(...linkProblems(previous, head, where));
    if (head && !previous && i > 0) problems.push(`${where} (seq ${head.seq}): cannot check its link, the head before it is unusable`);
    previous = head;
  });
  const ok = problems.length === 0 && controller !== undefined;
  return { valid: ok, problems, ...(controller !== undefined ? { controller } : {}), pinned, heads: valid, ...(ok ? { last: valid[valid.length - 1]! } : {}) };
}

/** Problems of `head` following `previous` in one log. */
function linkProblems(previous: SignedHead, head: SignedHead, where: string): string[] {
  const problems: string[] = [];
  if (head.prevHead !== headHash(previous)) {
    problems.push(`${where} (seq ${head.seq}) does not name the head before it (prevHead ${head.prevHead ?? "null"}, the previous head hashes to ${headHash(previous)}): the log was reordered, cut or spliced`);
  }
  if (head.seq < previous.seq) problems.push(`${where} goes back from seq ${previous.seq} to seq ${head.seq}: a published head can only be extended`);
  if (head.seq === previous.seq && (head.chainDigest !== previous.chainDigest || head.state !== previous.state)) {
    problems.push(`${where} and the head before it both name seq ${head.seq} with different chains: the controller signed two chains at one seq`);
  }
  if (Date.parse(head.publishedAt) < Date.parse(previous.publishedAt)) {
    problems.push(`${where} (seq ${head.seq}) claims publication at ${head.publishedAt}, before the head before it (${previous.publishedAt})`);
  }
  return problems;
}

/**
 * Checks `head` against the chain `entries` (an audit package's entries, untrusted): there are
 * at least `head.seq` entries, numbered 1, 2, … in order, entry `seq`'s newState is the head's
 * state, and the chain digest of the first `seq` entries is the head's. The signature is
 * {@link verifyHeadLog}'s job. Returns problems; none means the package's chain extends (or
 * is) the chain the head was signed for.
 */
export function headMatchesChain(head: unknown, entries: unknown): string[] {
  return headsMatchChain([head], entries);
}

/** {@link headMatchesChain} for every head of a log, digesting the entries once. */
export function headsMatchChain(heads: readonly unknown[], entries: unknown): string[] {
  if (!Array.isArray(entries)) return [`the chain's entries must be a list, got ${describeJson(entries)}`];
  const numbering = entries.findIndex((e: unknown, i) => !isObject(e) || e.seq !== i + 1);
  let digests: string[];
  try {
    digests = chainDigests(entries);
  } catch (error) {
    return [`cannot digest the chain: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  heads.forEach((value, i) => {
    const where = heads.length === 1 ? "the head" : `head ${i + 1} of the log`;
    if (!isObject(value) || !Number.isSafeInteger(value.seq) || (value.seq as number) < 1) {
      problems.push(`${where} has no positive integer seq`);
      return;
    }
    const seq = value.seq as number;
    if (seq > entries.length) {
      problems.push(`${where} covers ${seq} entries but the chain has only ${entries.length}: the package is missing entries the controller published, or was cut`);
      return;
    }
    if (numbering !== -1 && numbering < seq) {
      problems.push(`${where} (seq ${seq}): entry at position ${numbering + 1} of the chain is not numbered seq ${numbering + 1}`);
      return;
    }
    const entry = entries[seq - 1] as Record<string, unknown>;
    if (entry.newState !== value.state) problems.push(`${where} (seq ${seq}) names state ${String(value.state)} but entry ${seq} of the chain moves to ${String(entry.newState)}`);
    if (digests[seq] !== value.chainDigest) {
      problems.push(`${where} (seq ${seq}) names chain digest ${String(value.chainDigest)} but the chain's first ${seq} entries digest to ${digests[seq]}: this is not the chain the controller signed (a fork or a rewritten entry)`);
    }
  });
  return problems;
}

/** Format tag and version of an equivocation proof. */
export const EQUIVOCATION_FORMAT = "zkforget-equivocation";
export const EQUIVOCATION_VERSION = 1;

/**
 * A self-contained proof that the controller signed two incompatible heads:
 * - `same-seq`: both cover the same number of entries but name different chains (digest or state);
 * - `fork`: both name the same previous head (or are both first heads) but differ, so the
 *   controller's "append-only" log has two branches; parties shown different branches can
 *   each be shown a different chain without ever seeing a head of the same seq.
 */
export interface Equivocation {
  format: typeof EQUIVOCATION_FORMAT;
  version: typeof EQUIVOCATION_VERSION;
  kind: "same-seq" | "fork";
  controller: string;
  /** One sentence saying what the two heads contradict. */
  reason: string;
  first: SignedHead;
  second: SignedHead;
}

/** What {@link findEquivocation} found. */
export interface EquivocationSearch {
  /** The first contradiction found, when there is one. */
  equivocation?: Equivocation;
  /** Problems with the logs themselves (bad heads are left out of the search), as sentences. */
  problems: string[];
  /** The controller key the heads were compared under. */
  controller?: string;
  /** Number of distinct validly signed heads compared. */
  compared: number;
}

/**
 * Looks for two validly signed heads by the same controller key, across both logs (and within
 * each), that contradict each other: the same seq with a different chain digest or state, or
 * two different heads with the same previous head. Where both logs hold a head of some seq,
 * this compares their chains there; a shorter chain that is not a prefix of a longer one is
 * caught at the shorter one's seq when the longer log also published that seq, and as a fork
 * of the head log otherwise (the longer log must branch off somewhere to hide it).
 */
export function findEquivocation(headsA: unknown, headsB: unknown, options: HeadLogOptions = {}): EquivocationSearch {
  const problems: string[] = [];
  const pinned = pinnedKey(options, problems);
  const collected: SignedHead[] = [];
  for (const [name, log] of [["A", headsA], ["B", headsB]] as const) {
    if (!Array.isArray(log)) {
      problems.push(`log ${name} must be a list of signed heads, got ${describeJson(log)}`);
      continue;
    }
    log.forEach((value: unknown, i) => {
      const parsed = parseSignedHead(value, `head ${i + 1} of log ${name}`);
      problems.push(...parsed.problems);
      if (parsed.head) collected.push(parsed.head);
    });
  }
  const controller = pinned ?? collected[0]?.controller;
  const heads = collected.filter((h) => h.controller === controller);
  if (heads.length < collected.length) problems.push(`${collected.length - heads.length} head(s) are signed by another key than ${controller}: not compared`);
  const bySeq = new Map<number, SignedHead>();
  const byPrev = new Map<string | null, SignedHead>();
  const seen = new Set<string>();
  for (const head of heads) {
    const id = headHash(head);
    if (seen.has(id)) continue;
    seen.add(id);
    const sameSeq = bySeq.get(head.seq);
    if (sameSeq && contradictAtSeq(sameSeq, head)) return found("same-seq", sameSeq, head);
    const samePrev = byPrev.get(head.prevHead);
    if (samePrev) return found("fork", samePrev, head);
    bySeq.set(head.seq, sameSeq ?? head);
    byPrev.set(head.prevHead, head);
  }
  return { problems, ...(controller !== undefined ? { controller } : {}), compared: seen.size };

  function found(kind: Equivocation["kind"], first: SignedHead, second: SignedHead): EquivocationSearch {
    const equivocation: Equivocation = {
      format: EQUIVOCATION_FORMAT, version: EQUIVOCATION_VERSION, kind, controller: first.controller,
      reason: equivocationReason(kind, first, second), first, second,
    };
    return { equivocation, problems, controller: first.controller, compared: seen.size };
  }
}

function contradictAtSeq(a: SignedHead, b: SignedHead): boolean {
  return a.chainDigest !== b.chainDigest || a.state !== b.state;
}

function equivocationReason(kind: Equivocation["kind"], a: SignedHead, b: SignedHead): string {
  return kind === "same-seq"
    ? `the controller ${a.controller} signed two different chains at seq ${a.seq}: chain digest ${a.chainDigest} (state ${a.state}) and ${b.chainDigest} (state ${b.state})`
    : `the controller ${a.controller} signed two different successors of head ${a.prevHead ?? "(none: both are first heads)"}: seq ${a.seq} digest ${a.chainDigest} and seq ${b.seq} digest ${b.chainDigest}; its head log is not append-only`;
}

/**
 * Checks an equivocation proof on its own: both heads well formed and validly signed by the
 * proof's controller key (and by `options.controllerKey` when given), and contradicting each
 * other as `kind` says. Returns problems; none means the controller is proved to have equivocated.
 */
export function checkEquivocation(proof: unknown, options: HeadLogOptions = {}): string[] {
  const problems: string[] = [];
  const pinned = pinnedKey(options, problems);
  if (!isObject(proof)) return [...problems, `the equivocation proof is ${describeJson(proof)}, not an object`];
  if (proof.format !== EQUIVOCATION_FORMAT || proof.version !== EQUIVOCATION_VERSION) {
    problems.push(`not an equivocation proof: format must be "${EQUIVOCATION_FORMAT}" version ${EQUIVOCATION_VERSION}`);
  }
  const first = parseSignedHead(proof.first, "proof.first");
  const second = parseSignedHead(proof.second, "proof.second");
  problems.push(...first.problems, ...second.problems);
  if (!first.head || !second.head) return problems;
  const a = first.head, b = second.head;
  const key = pinned ?? proof.controller;
  if (a.controller !== key || b.controller !== key) problems.push(`both heads must be signed by the controller key ${String(key)}; they are signed by ${a.controller} and ${b.controller}`);
  if (headHash(a) === headHash(b)) problems.push("proof.first and proof.second are the same head");
  else if (proof.kind === "same-seq") {
    if (a.seq !== b.seq) problems.push(`a same-seq proof needs two heads of one seq; they name seq ${a.seq} and ${b.seq}`);
    else if (!contradictAtSeq(a, b)) problems.push(`the two heads name the same chain at seq ${a.seq}: no contradiction`);
  } else if (proof.kind === "fork") {
    if (a.prevHead !== b.prevHead) problems.push("a fork proof needs two heads with the same prevHead; they name different previous heads");
  } else {
    problems.push(`proof.kind must be "same-seq" or "fork", got ${JSON.stringify(proof.kind)}`);
  }
  return problems;
}

/** The caller's controller key, lowercased, with a problem when it is not a usable key. */
function pinnedKey(options: HeadLogOptions, problems: string[]): string | undefined {
  if (options.controllerKey === undefined) return undefined;
  const key = options.controllerKey.toLowerCase();
  const problem = controllerKeyProblem(key);
  if (problem) problems.push(`the controller key you gave ${problem}`);
  return key;
}

function isIsoTime(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const time = Date.parse(value);
  return Number.isFinite(time) && new Date(time).toISOString() === value;
}
