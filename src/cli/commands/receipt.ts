import { readFile } from "node:fs/promises";
import { documentFieldElements } from "../../dataset/document.ts";
import { recordFieldElements } from "../../dataset/leaf.ts";
import { encodeRecord } from "../../encoding/records.ts";
import { releaseVerifierThreads, type KeyRing } from "../../verifier/index.ts";
import { checkReceipt } from "../../verifier/receiptCheck.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { cliKeyRing } from "../keys.ts";

export const receiptCommand: Command = {
  name: "receipt",
  summary: "data subjects: check an inclusion or deletion receipt (exit 0 confirmed, 1 not confirmed)",
  help: `Usage: zkforget receipt check RECEIPT [--bundle B] [--record JSON] [--keys DIR] [--allow-dev] [--json]

Tells a data subject, in plain words, what their receipt proves:
  - inclusion receipt (receipts/<id>.json, given at commit): recomputes the leaf from the
    record hash and salt, and the dataset root from the Merkle path; with --record, also the
    record hash from your own record. "COMMITTED" means your record is in the committed dataset.
  - deletion receipt (receipts/<id>.deletion.json, given after a deletion): verifies the proof
    it carries with the standalone verifier and checks that your slot and leaf are among the
    slots it deletes. "DELETED" means the record was deleted (and, for SISA, the shard's model
    retrained without it).
  - with --bundle B: checks proof B instead (e.g. one from the controller's audit package);
    with an inclusion receipt this asks "did proof B delete my record?".

Options:
  --bundle B      a proof bundle file to check the receipt's slot against
  --record JSON   your record, {"features": [x, …], "label": y} in the dataset's column order
                  (as committed: after the workspace's --scale, if any), or your document,
                  {"text": "…"} (e.g. your line of the corpus), inline or as a file
  --keys DIR      trusted verification keys (default: the keys/ shipped with zkforget)
  --allow-dev     accept INSECURE dev keys (anyone can forge proofs under them)
  --json          print {"ok", "finding", "verdict", "reasons"} as JSON

Exit codes: 0 confirmed, 1 not confirmed (reasons printed), 2 unusable input.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      bundle: { type: "string" },
      record: { type: "string" },
      keys: { type: "string" },
      "allow-dev": { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals[0] !== "check" || positionals.length !== 2) throw new UsageError("usage: zkforget receipt check RECEIPT");
    const receipt = await readText(positionals[1]!, "receipt");
    const bundle = values.bundle !== undefined ? await readText(values.bundle, "bundle") : undefined;
    const fieldElements = values.record !== undefined ? await recordElements(values.record) : undefined;
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
      ...(fieldElements ? { recordFieldElements: fieldElements } : {}),
    });
    await releaseVerifierThreads();
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${result.verdict}\n${result.reasons.slice(1).map((r) => `  - ${r}\n`).join("")}`);
    return result.ok ? 0 : 1;
  },
};

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The field elements of the subject's record, given inline or as a file. */
async function recordElements(arg: string): Promise<bigint[]> {
  const text = arg.trim().startsWith("{") ? arg : await readText(arg, "record");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--record is not valid JSON: ${(error as Error).message}`);
  }
  const r = raw as { features?: unknown; label?: unknown; text?: unknown };
  if (typeof raw === "object" && raw !== null && typeof r.text === "string") {
    if (r.text === "") throw new UsageError("--record: the document's text is empty");
    return documentFieldElements(r.text);
  }
  if (typeof raw !== "object" || raw === null || !Array.isArray(r.features) || !r.features.every((x) => typeof x === "number") || typeof r.label !== "number") {
    throw new UsageError('--record must be {"features": [numbers…], "label": number} or a document {"text": "…"}');
  }
  try {
    return recordFieldElements(encodeRecord({ id: "your record", features: r.features as number[], label: r.label }));
  } catch (error) {
    throw new UsageError(`--record: ${(error as Error).message}`);
  }
}
