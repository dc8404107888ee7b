import { join } from "node:path";
import { readJsonFile } from "../../fsAtomic.ts";
import { packageRoot } from "../../circuits/paths.ts";
import { HeadLogFileError, readHeadLogFile } from "../../ledger/headLogFile.ts";
import { publishHead } from "../../ledger/heads.ts";
import { AuditSourceError, readAuditSource } from "../../report/auditSource.ts";
import { checkEquivocation, findEquivocation, headsMatchChain, verifyHeadLog, type Equivocation } from "../../verifier/headLog.ts";
import { loadKeyRing } from "../../verifier/index.ts";
import { isObject } from "../../verifier/statements.ts";
import { DEFAULT_WORKSPACE, openLedger, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { VERIFY_CHAIN_EXIT } from "./verifyChain.ts";

/** Exit codes of `zkforget head verify` and `head compare` (those of verify-chain). */
export const HEAD_EXIT = VERIFY_CHAIN_EXIT;

/** `zkforget head`: publish (controller), verify, compare and check-proof (anyone). */
export const headCommand: Command = {
  name: "head",
  summary: "publish, verify and compare signed chain heads (catch a controller showing different chains)",
  help: `Usage: zkforget head publish [--workspace DIR]
       zkforget head verify HEADS.jsonl LEDGER_OR_EXPORT [--controller-key HEX] [--keys DIR]
       zkforget head compare A.jsonl B.jsonl [--controller-key HEX]
       zkforget head check-proof PROOF.json [--controller-key HEX]

publish   (controller) signs the ledger's current head (entry count, last state, chain
          digest), links it to the last published head and appends it to the workspace's
          heads.jsonl. The signing key is the workspace's controller.key (Ed25519, mode 0600,
          made on first use, never exported). Refuses a head that does not extend the last
          one. Prints the signed head (one JSON line) on stdout, the public key on stderr.
verify    checks a head log (signatures by one key, each head linked to the one before, seq
          never decreasing) and that the audit package's chain is the one every head was
          signed for. It does not verify the proofs: run verify-chain for that.
compare   compares two head logs (e.g. the one you were shown and the one another party
          was shown) and prints a signed proof of equivocation if the controller signed two
          different chains at one seq, or two different successors of one head.
check-proof  checks an equivocation proof that compare printed, on its own: both heads
          validly signed by the controller key and contradicting each other.

The signature alone proves nothing to a party who never compares: the controller can sign
a different log for everyone. It is the comparison (or a place where the controller cannot
publish two versions) that catches it.

Options:
  --workspace DIR        default ./${DEFAULT_WORKSPACE}
  --controller-key HEX   the controller's Ed25519 public key you trust (64 hex digits);
                         without it the key of the log's first head is taken
  --keys DIR             trusted keys, needed only to read a ledger (default: zkforget's keys/)

Exit codes: verify 0 consistent, 1 broken; compare 0 no contradiction found, 1 equivocation
proved (the proof is printed on stdout); check-proof 0 the controller equivocated, 1 the
proof does not hold; 2 the input could not be used (missing file, not
JSON; for compare also: heads with a bad signature or another key, left out of the comparison).`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "publish") return publish(rest);
    if (sub === "verify") return verify(rest);
    if (sub === "compare") return compare(rest);
    if (sub === "check-proof") return checkProof(rest);
    throw new UsageError(`give a subcommand: publish, verify, compare or check-proof${sub === undefined ? "" : ` (got ${JSON.stringify(sub)})`}`);
  },
};

async function publish(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { workspace: { type: "string" } });
  if (positionals.length > 0) throw new UsageError("head publish takes no positional arguments");
  const dir = values.workspace ?? DEFAULT_WORKSPACE;
  (await openLedger(dir, { readonly: true })).close(); // a clear error for a missing or old-format workspace
  const { head, controllerKey, path } = await publishHead(dir, workspacePaths(dir).ledger);
  process.stdout.write(`${JSON.stringify(head)}\n`);
  process.stderr.write(`published head seq ${head.seq} to ${path}\ncontroller public key: ${controllerKey}\n`);
  return 0;
}

async function verify(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { "controller-key": { type: "string" }, keys: { type: "string" } });
  if (positionals.length !== 2) throw new UsageError("give HEADS.jsonl and LEDGER_OR_EXPORT");
  const [headsPath, auditPath] = positionals as [string, string];
  let heads: unknown[], pkg: unknown;
  try {
    heads = await readHeadLogFile(headsPath);
    const keys = await loadKeyRing(values.keys ?? join(packageRoot(), "keys")).catch((error: Error) => {
      throw new AuditSourceError(error.message);
    });
    pkg = (await readAuditSource(auditPath, keys)).data;
  } catch (error) {
    if (!(error instanceof HeadLogFileError || error instanceof AuditSourceError)) throw error;
    process.stdout.write(`UNUSABLE: ${error.message}\n`);
    return HEAD_EXIT.unusable;
  }
  const log = verifyHeadLog(heads, keyOption(values["controller-key"]));
  const entries = isObject(pkg) ? pkg.entries : undefined;
  const chain = headsMatchChain(heads, entries);
  const problems = [...log.problems, ...chain];
  const lines: string[] = [];
  if (problems.length === 0) {
    const last = log.last!;
    const count = Array.isArray(entries) ? entries.length : 0;
    lines.push(`CONSISTENT: ${heads.length} signed heads, the last at seq ${last.seq} (${last.publishedAt}); the package's chain is the one every head was signed for`);
    if (count > last.seq) lines.push(`note: entries ${last.seq + 1}..${count} of the package are not covered by any published head yet`);
  } else {
    lines.push(`BROKEN: ${problems.length} problem(s):`, ...problems.map((p) => `  - ${p}`));
  }
  lines.push(keyLine(log.controller, log.pinned));
  process.stdout.write(`${lines.join("\n")}\n`);
  return problems.length === 0 ? HEAD_EXIT.valid : HEAD_EXIT.broken;
}

async function compare(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { "controller-key": { type: "string" } });
  if (positionals.length !== 2) throw new UsageError("give two head logs A.jsonl B.jsonl");
  let a: unknown[], b: unknown[];
  try {
    a = await readHeadLogFile(positionals[0]!);
    b = await readHeadLogFile(positionals[1]!);
  } catch (error) {
    if (!(error instanceof HeadLogFileError)) throw error;
    process.stdout.write(`UNUSABLE: ${error.message}\n`);
    return HEAD_EXIT.unusable;
  }
  const search = findEquivocation(a, b, keyOption(values["controller-key"]));
  const notes = search.problems.map((p) => `  - ${p}`);
  if (search.equivocation) {
    process.stdout.write(`${JSON.stringify(search.equivocation, null, 2)}\n`);
    process.stderr.write(`EQUIVOCATION: ${search.equivocation.reason}\n${notes.length ? `other problems:\n${notes.join("\n")}\n` : ""}`);
    return HEAD_EXIT.broken;
  }
  const lines = [`NO CONTRADICTION: ${search.compared} distinct signed heads compared`, keyLine(search.controller, values["controller-key"] !== undefined)];
  if (notes.length) lines.push("INCOMPLETE: these heads could not be compared:", ...notes);
  process.stdout.write(`${lines.join("\n")}\n`);
  return notes.length ? HEAD_EXIT.unusable : HEAD_EXIT.valid;
}

async function checkProof(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { "controller-key": { type: "string" } });
  if (positionals.length !== 1) throw new UsageError("give one PROOF.json");
  let proof: unknown;
  try {
    proof = await readJsonFile(positionals[0]!, "equivocation proof");
  } catch (error) {
    process.stdout.write(`UNUSABLE: ${(error as Error).message}\n`);
    return HEAD_EXIT.unusable;
  }
  const problems = checkEquivocation(proof, keyOption(values["controller-key"]));
  if (problems.length > 0) {
    process.stdout.write(`NOT PROVED: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return HEAD_EXIT.broken;
  }
  const { reason } = proof as Equivocation;
  process.stdout.write(`PROVED: ${reason}\n${values["controller-key"] === undefined ? "note: the key is the proof's own; pin the controller's with --controller-key\n" : ""}`);
  return HEAD_EXIT.valid;
}

function keyOption(key: string | undefined): { controllerKey?: string } {
  return key === undefined ? {} : { controllerKey: key };
}

function keyLine(controller: string | undefined, pinned: boolean): string {
  if (controller === undefined) return "controller key: none (no usable head)";
  return pinned ? `controller key: ${controller} (pinned)` : `controller key: ${controller} (taken from the log: pin it with --controller-key to know whose heads these are)`;
}
