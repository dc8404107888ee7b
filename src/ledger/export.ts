import { mkdir, readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathExists, writeFileAtomically } from "../fsAtomic.ts";
import { HEADS_FILE } from "./heads.ts";
import type { AuditPackage } from "../verifier/auditTypes.ts";
import type { KeyRing } from "../verifier/types.ts";
import { auditPackageFromLedger, bundleFileName } from "./audit.ts";

/** Files of an exported audit directory. */
export const AUDIT_FILE = "audit.json";

/** What {@link exportAuditDirectory} wrote. */
export interface ExportResult {
  pkg: AuditPackage;
  files: string[];
}

/**
 * Writes the audit package of a ledger as a self-contained directory: `audit.json` (the
 * AuditPackage), `bundles/NNNN-<kind>.json` (each entry's bundle), `keys/<profile>.vkey.json`
 * and `.manifest.json` (the keys it needs) and `README.md` (how to verify it elsewhere).
 * Refuses a non-empty `outDir` unless `force`.
 * @throws Error when a bundle was proved under another key than the one in `keys` (the package
 *   would not verify), `outDir` is not empty, or the ledger cannot be read
 */
export async function exportAuditDirectory(ledgerPath: string, keys: KeyRing, outDir: string, options: { force?: boolean } = {}): Promise<ExportResult> {
  const pkg = await auditPackageFromLedger(ledgerPath, keys);
  for (const entry of pkg.entries) {
    const b = entry.bundle;
    if (b && b.vkeyHash !== pkg.keys[b.profile]?.manifest.vkeyHash) {
      throw new Error(`entry ${entry.seq} was proved under key ${b.vkeyHash.slice(0, 16)}… of ${b.profile}, but the key given for ${b.profile} is ${pkg.keys[b.profile]?.manifest.vkeyHash.slice(0, 16)}…; give the directory of the right key with --keys`);
    }
  }
  const existing = await readdir(outDir).catch(() => []);
  if (existing.length > 0 && !options.force) throw new Error(`${outDir} is not empty; choose another --out or give --force`);
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, content: string) => {
    await writeFileAtomically(join(outDir, name), content);
    files.push(name);
  };
  await write(AUDIT_FILE, `${JSON.stringify(pkg, null, 1)}\n`);
  for (const entry of pkg.entries) {
    if (entry.bundle) await write(join("bundles", bundleFileName(entry)), `${JSON.stringify(entry.bundle, null, 1)}\n`);
  }
  for (const [profile, key] of Object.entries(pkg.keys)) {
    await write(join("keys", `${profile}.vkey.json`), `${JSON.stringify(key.vkey, null, 1)}\n`);
    await write(join("keys", `${profile}.manifest.json`), `${JSON.stringify(key.manifest, null, 1)}\n`);
  }
  // The controller's signed head log, when the workspace publishes one: it lets anyone compare
  // the chain they were shown with the heads others were shown (see verifier/headLog.ts).
  const heads = join(dirname(ledgerPath), HEADS_FILE);
  if (await pathExists(heads)) await write(HEADS_FILE, await readFile(heads, "utf8"));
  await write("README.md", auditReadme(pkg));
  return { pkg, files };
}

/** The README of an exported audit directory. */
export function auditReadme(pkg: AuditPackage): string {
  const proofs = pkg.entries.filter((e) => e.bundle).length;
  const insecure = Object.values(pkg.keys).some((k) => k.manifest.security === "insecure-dev");
  const proved = pkg.requests.filter((r) => r.status === "proved").length;
  return `# zkforget audit package

Exported ${pkg.exportedAt} from a controller's ledger: profile \`${pkg.profile}\`, ${pkg.entries.length} ledger entries
(${proofs} with a zero-knowledge proof), ${pkg.requests.length} deletion requests (${proved} proved).${pkg.configHash ? `
SISA: ${pkg.shards} shards, every state pinned to config hash \`${pkg.configHash}\`.` : ""}

Nothing private is in here: no records, salts, weights or record ids — only roots, states,
proofs and verification keys.

## Contents

- \`audit.json\` — the whole package: the ledger entries in order (each with its proof bundle,
  except the first, the commit, which records the genesis state), the deletion requests
  (status, times, how many records, which entries answer them), the verification keys${pkg.evaluation !== undefined ? `, and
  the controller's evaluation figures (measured, NOT proved)` : ""}.
- \`bundles/NNNN-<kind>.json\` — each entry's proof bundle on its own (NNNN is the ledger seq).
- \`keys/<profile>.vkey.json\`, \`keys/<profile>.manifest.json\` — the verification keys the proofs
  were made for, with manifests saying where they come from.

## Verify it on another machine

\`\`\`sh
npm install zkforget              # or use a checkout of zkforget
npx zkforget verify-chain ${"<this directory>"} ${insecure ? "--allow-dev " : ""}--keys <keys you trust>
\`\`\`

It checks that every proof verifies, that each entry starts at the state the previous one
ended at, that every statement about a trained model carries one published training config
that passes the verifier's policy, that every shard's model is covered by a training proof,
and that every deletion request is recorded in the chain when received and, once proved,
answered by verified entries that delete exactly the slots its commitment names.
A single proof: \`npx zkforget verify bundles/0002-….json --keys <keys you trust>\`.

**Which keys to trust.** Verify against verification keys you obtained independently (the
\`keys/\` shipped with zkforget, or those of a ceremony you took part in), not only the copies
in \`keys/\` here: the controller wrote these. \`verify-chain\` compares the package's keys with the
ones you trust.${insecure ? `

**WARNING: these proofs use INSECURE development keys.** Their secrets are derived from a
public seed, so anyone can forge proofs under them. They are fine for demos and tests and
prove nothing against a dishonest controller; \`--allow-dev\` is needed to accept them.` : ""}

Data subjects check their own receipt against this package (and the controller's signed head
log, \`heads.jsonl\`, when it is here) with
\`npx zkforget receipt check <receipt> --audit <this directory> [--heads heads.jsonl]\`.
`;
}
