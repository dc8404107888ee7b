import { join } from "node:path";
import { exportAuditDirectory } from "../../ledger/export.ts";
import { DEFAULT_WORKSPACE, openLedger, workspacePaths } from "../../workspace/workspace.ts";
import { parseCommandArgs, UsageError, type Command } from "../command.ts";
import { cliKeyRing } from "../keys.ts";

export const exportCommand: Command = {
  name: "export",
  summary: "write a self-contained audit package (audit.json, bundles, keys, README) for a regulator",
  help: `Usage: zkforget export --out DIR [--workspace DIR] [--keys DIR] [--force]

Writes the workspace's audit package to DIR, to hand to a regulator or auditor:
  DIR/audit.json          entries with their proofs, deletion requests (without record ids),
                          the verification keys, the config hash and shard count (SISA), and
                          evaluation.json's figures when the workspace has one
  DIR/bundles/*.json      every proof bundle, named by ledger seq
  DIR/keys/*.json         the verification key and manifest of every profile used
  DIR/README.md           how to verify it on another machine (npx zkforget verify-chain DIR)
Nothing private is exported: no records, salts, weights or record ids.

Options:
  --out DIR         where to write (must be empty or new, unless --force)
  --workspace DIR   default ./${DEFAULT_WORKSPACE}
  --keys DIR        directory with the keys the proofs were made with (default: the keys/
                    shipped with zkforget)
  --force           write into a non-empty DIR`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      out: { type: "string" },
      workspace: { type: "string" },
      keys: { type: "string" },
      force: { type: "boolean" },
    }, false);
    if (values.out === undefined) throw new UsageError("give --out DIR");
    const dir = values.workspace ?? DEFAULT_WORKSPACE;
    (await openLedger(dir)).close(); // a clear error for a missing or old-format workspace
    const keys = await cliKeyRing(values.keys);
    const { pkg, files } = await exportAuditDirectory(workspacePaths(dir).ledger, keys, values.out, { force: values.force === true });
    const bundles = files.filter((f) => f.startsWith("bundles")).length;
    process.stdout.write(`${join(values.out, "audit.json")}: ${pkg.entries.length} entries, ${bundles} bundles, ${pkg.requests.length} requests, keys for ${Object.keys(pkg.keys).join(", ")}\n`);
    process.stdout.write(`verify with: npx zkforget verify-chain ${values.out}${Object.values(pkg.keys).some((k) => k.manifest.security === "insecure-dev") ? " --allow-dev" : ""}\n`);
    return 0;
  },
};
