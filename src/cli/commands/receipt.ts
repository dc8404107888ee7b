import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { releaseVerifierThreads, type KeyRing } from "../../verifier/index.ts";
import { checkReceipt } from "../../verifier/receiptCheck.ts";
import { readHeadLogFile } from "../../ledger/headLogFile.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { cliKeyRing } from "../keys.ts";
import { readRecordArg } from "../recordArg.ts";

export const receiptCommand: Command = {
  name: "receipt",
  summary: "data subjects: check an inclusion or deletion receipt (exit 0 confirmed, 1 not confirmed)",
  help: `Usage: zkforget receipt check RECEIPT [--audit PACKAGE [--heads FILE] [--controller-key HEX]] [--bundle B] [--record JSON] [--keys DIR] [--allow-dev] [--json]

Tells a data subject, in plain words, what their receipt proves:
  - inclusion receipt (receipts/<id>.json, given at commit): recomputes the dataset root from
    the leaf and the Merkle path; with --record, also the leaf from your own record and the
    receipt's salt; with --audit, that the published chain starts at this state.
    "COMMITTED" means your record is in the committed dataset.
  - request receipt (receipts/<request>.request.json, given when a deletion request is
    received; needs --audit): the published chain records the request, committed to your slot.
  - deletion receipt (receipts/<id>.deletion.json, given after a deletion; needs --audit):
    the whole published chain verifies, its entry at the receipt's seq is this proof, the proof
    deletes your slot and leaf, your request is recorded in the chain and answered, and a
    non-membership path shows your slot empty. "DELETED" means the record was deleted (and, for
    SISA, the shard's model retrained without it) in the chain the regulator sees — a proof on a
    private fork of the controller's state is refused.
  - with --bundle B: checks only that proof B deletes your slot (no chain).

A receipt holds your slot's salt: with it anyone can test guesses of your record. Keep it
secret, like a password.

Options:
  --audit PACKAGE the controller's PUBLISHED audit package (an export directory or audit.json)
  --heads FILE    the controller's signed head log (heads.jsonl): the package must be the chain
                  its last head commits to
  --controller-key HEX  the controller's published Ed25519 key the head log must be signed with
  --bundle B      a proof bundle file to check the receipt's slot against
  --record JSON   your record, {"features": [x, …], "label": y}: the raw values of your row of
                  the data file, in its column order (if the data was committed with --scale,
                  the checker scales them with the public scaling in the receipt's config),
                  or your document, {"text": "…"} (e.g. your line of the corpus); inline or
                  as a file. Checked against an inclusion receipt (it holds your salt)
  --keys DIR      trusted verification keys (default: the keys/ shipped with zkforget)
  --allow-dev     accept INSECURE dev keys (anyone can forge proofs under them)
  --json          print {"ok", "finding", "verdict", "reasons"} as JSON

Exit codes: 0 confirmed, 1 not confirmed (reasons printed), 2 unusable input.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      audit: { type: "string" },
      heads: { type: "string" },
      "controller-key": { type: "string" },
      bundle: { type: "string" },
      record: { type: "string" },
      keys: { type: "string" },
      "allow-dev": { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals[0] !== "check" || positionals.length !== 2) throw new UsageError("usage: zkforget receipt check RECEIPT");
    const receipt = await readText(positionals[1]!, "receipt");
    const bundle = values.bundle !== undefined ? await readText(values.bundle, "bundle") : undefined;
    const audit = values.audit !== undefined ? await readAuditPackage(values.audit) : undefined;
    let heads: unknown[] | undefined;
    if (values.heads !== undefined) {
      try {
        heads = await readHeadLogFile(values.heads);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    const record = values.record !== undefined ? await readRecordArg(values.record) : undefined;
    let keys: KeyRing | undefined;
    try {
      keys = await cliKeyRing(values.keys);
    } catch (error) {
      if (values.keys !== undefined) throw new UsageError((error as Error).message);
    }
    let bundleJson: unknown;
    if (bundle !== undefined) {
      try {
        bundleJson = JSON.parse(bundle);
      } catch (error) {
        throw new UsageError(`${values.bundle} is not valid JSON: ${(error as Error).message}`);
      }
    }
    const result = await checkReceipt(receipt, {
      ...(keys ? { keys } : {}),
      allowDev: values["allow-dev"] === true,
      ...(bundleJson !== undefined ? { bundle: bundleJson } : {}),
      ...(audit !== undefined ? { audit } : {}),
      ...(heads !== undefined ? { heads } : {}),
      ...(values["controller-key"] !== undefined ? { controllerKey: values["controller-key"] } : {}),
      ...(record ? { record } : {}),
    });
    await releaseVerifierThreads();
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${result.verdict}\n${result.reasons.slice(1).map((r) => `  - ${r}\n`).join("")}`);
    return result.ok ? 0 : 1;
  },
};

/** The audit package text: `PATH/audit.json` for an export directory, else PATH itself. */
async function readAuditPackage(path: string): Promise<string> {
  const isDir = await stat(path).then((s) => s.isDirectory(), () => false);
  return readText(isDir ? join(path, "audit.json") : path, "audit package");
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
