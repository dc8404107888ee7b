import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { link, open, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { pathExists, writeFileAtomically } from "../fsAtomic.ts";
import { withWorkspaceLock } from "../workspace/lock.ts";
import { chainDigests } from "../verifier/chainDigest.ts";
import { HEAD_FORMAT, HEAD_VERSION, headHash, headMatchesChain, signHead, verifyHeadLog, type SignedHead } from "../verifier/headLog.ts";
import { headLogLine, parseHeadLogText } from "./headLogFile.ts";
import { Ledger } from "./ledger.ts";

/**
 * Controller side of the signed head log: the workspace's Ed25519 signing key and the append
 * of a signed head of the ledger to `heads.jsonl`. The secret key stays in the workspace
 * (mode 0600) and is never printed or exported; only its public key leaves.
 */

/** File names inside a workspace. */
export const CONTROLLER_KEY_FILE = "controller.key";
export const HEADS_FILE = "heads.jsonl";
/** Serialises publishers; separate from the workspace lock, which a `forget` holds while it proves. */
const HEADS_LOCK_FILE = ".heads.lock";

/** Raised when a head is refused; the head log is unchanged. */
export class HeadPublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HeadPublishError";
  }
}

/** A head that was appended to the log. */
export interface PublishedHead {
  head: SignedHead;
  /** The controller's public key (hex), the one verifiers pin with `--controller-key`. */
  controllerKey: string;
  /** The head log file. */
  path: string;
}

/** Paths of the head log files in a workspace. */
export function headLogPaths(workspaceDir: string) {
  return { key: join(workspaceDir, CONTROLLER_KEY_FILE), heads: join(workspaceDir, HEADS_FILE), lock: join(workspaceDir, HEADS_LOCK_FILE) };
}

/** The workspace's controller public key (hex); creates the signing key on first use. */
export async function controllerPublicKey(workspaceDir: string): Promise<string> {
  return bytesToHex(ed25519.getPublicKey(await signingKey(workspaceDir)));
}

/**
 * Appends a signed head of the ledger at `ledgerPath` (its entry count, last state and chain
 * digest) to the workspace's `heads.jsonl`, linked to the last published head, replacing the
 * file atomically. Publishing again without new entries appends a fresh head of the same seq.
 * @throws HeadPublishError when the existing log is broken or not signed by this workspace's
 *   key, when the ledger does not extend the last published head (it was rewritten or
 *   replaced: publishing would be equivocation), or when the clock is before the last head's time
 * @throws LedgerError for a missing or corrupt ledger
 */
export async function publishHead(workspaceDir: string, ledgerPath: string, options: { now?: Date } = {}): Promise<PublishedHead> {
  const paths = headLogPaths(workspaceDir);
  // Open the ledger before taking the lock: the lock would create a missing workspace directory.
  Ledger.open(ledgerPath, { readonly: true }).close();
  return withWorkspaceLock(paths.lock, async () => {
    const entries = readEntries(ledgerPath);
    const secret = await signingKey(workspaceDir);
    const controllerKey = bytesToHex(ed25519.getPublicKey(secret));
    const existingText = (await pathExists(paths.heads)) ? await readFile(paths.heads, "utf8") : "";
    const existing = parseHeadLogText(existingText, paths.heads);
    let last: SignedHead | undefined;
    if (existing.length > 0) {
      const log = verifyHeadLog(existing, { controllerKey });
      if (!log.valid) throw new HeadPublishError(`refused: the head log ${paths.heads} is broken, fix or move it first: ${log.problems.join("; ")}`);
      last = log.last!;
      const problems = headMatchesChain(last, entries);
      if (problems.length > 0) {
        throw new HeadPublishError(`refused: the ledger ${ledgerPath} does not extend the last published head (seq ${last.seq}); publishing it would sign a second chain: ${problems.join("; ")}`);
      }
    }
    const publishedAt = (options.now ?? new Date()).toISOString();
    if (last && Date.parse(publishedAt) < Date.parse(last.publishedAt)) {
      throw new HeadPublishError(`refused: the clock (${publishedAt}) is before the last head's publication time ${last.publishedAt}`);
    }
    const tip = entries[entries.length - 1];
    if (!tip) throw new HeadPublishError(`refused: the ledger ${ledgerPath} has no entries`);
    const head = signHead({
      format: HEAD_FORMAT, version: HEAD_VERSION, controller: controllerKey, seq: entries.length, state: tip.newState,
      chainDigest: chainDigests(entries)[entries.length]!, prevHead: last ? headHash(last) : null, publishedAt,
    }, secret);
    const base = existingText === "" || existingText.endsWith("\n") ? existingText : `${existingText}\n`;
    await writeFileAtomically(paths.heads, base + headLogLine(head));
    return { head, controllerKey, path: paths.heads };
  });
}

function readEntries(ledgerPath: string) {
  const ledger = Ledger.open(ledgerPath, { readonly: true });
  try {
    return ledger.entries();
  } finally {
    ledger.close();
  }
}

/**
 * The workspace's 32-byte Ed25519 secret key, created on first use from a random secret. The
 * file holds it as hex and must be readable by its owner only.
 */
async function signingKey(workspaceDir: string): Promise<Uint8Array> {
  const path = headLogPaths(workspaceDir).key;
  if (!(await pathExists(path))) await createKeyFile(path);
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new HeadPublishError(`${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): anyone who reads it can sign heads as this controller; run chmod 600 on it`);
  }
  const text = (await readFile(path, "utf8")).trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new HeadPublishError(`${path} does not hold an Ed25519 secret key (64 lowercase hex digits)`);
  return hexToBytes(text);
}

/**
 * Writes a new key to a 0600 temporary file, then links it into place: the key file appears
 * whole or not at all, and if another process created one first, theirs is kept.
 */
async function createKeyFile(path: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const file = await open(tmp, "wx", 0o600);
    try {
      await file.writeFile(`${bytesToHex(ed25519.utils.randomSecretKey())}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await link(tmp, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(tmp, { force: true });
  }
}
