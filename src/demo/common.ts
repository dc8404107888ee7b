/**
 * What every demo does the same way, whatever its unlearning method: announcing that it replaces
 * a workspace, verifying the ledger's whole audit chain and each bundle with the standalone
 * verifier, publishing the signed chain head, and the report's shared lines.
 */
import { buildCircuits } from "../circuits/build.ts";
import { getProfile, profileFamily } from "../circuits/profiles.ts";
import { pathExists } from "../fsAtomic.ts";
import { ensureDevKey, type ProvingKey } from "../keys/devKeys.ts";
import { publishHead } from "../ledger/heads.ts";
import { auditPackageFromLedger } from "../ledger/audit.ts";
import {
  describeProblem, releaseVerifierThreads, verifyAuditPackage, verifyBundle, type AuditPackage, type ChainReport, type KeyRing,
} from "../verifier/index.ts";
import { workspacePaths } from "../workspace/workspace.ts";

/** Logs that the demo replaces the workspace in `dir`, when there is one. */
export async function announceReplacement(dir: string, log: (message: string) => void): Promise<void> {
  if (await pathExists(workspacePaths(dir).ledger)) log(`replacing the workspace in ${dir}: its ledger is kept as ledger.<time>.replaced.sqlite, its receipts and bundles are deleted`);
}

/** What {@link verifyDemoLedger} found. */
export interface DemoVerification {
  pkg: AuditPackage;
  /** verifyAuditPackage's report on the workspace's audit package. */
  chain: ChainReport;
  /** Warm standalone verification time of each ledger entry's bundle, in ledger order. */
  verifyMilliseconds: number[];
  /** The chain and every bundle on its own verified. */
  allValid: boolean;
}

/**
 * Verifies the audit package of the workspace's ledger with the standalone verifier against
 * `keys` (dev keys allowed: the demos run under them), then each bundle again on its own, warm,
 * as a platform checking one bundle would; publishes the signed chain head. `step` prefixes the
 * verdict line ("5/5").
 */
export async function verifyDemoLedger(dir: string, keys: KeyRing, step: string, log: (message: string) => void): Promise<DemoVerification> {
  const paths = workspacePaths(dir);
  const pkg = await auditPackageFromLedger(paths.ledger, keys);
  const verifyMilliseconds: number[] = [];
  let bundlesValid = true;
  let chain: ChainReport;
  try {
    chain = await verifyAuditPackage(pkg, { keys, allowDev: true });
    for (const entry of pkg.entries) {
      if (!entry.bundle) continue;
      const started = performance.now();
      const result = await verifyBundle(JSON.stringify(entry.bundle), { keys, allowDev: true });
      verifyMilliseconds.push(performance.now() - started);
      if (!result.valid) {
        bundlesValid = false;
        log(`INVALID bundle of ledger entry ${entry.seq} (${entry.kind}): ${result.reasons.join("; ")}`);
      }
    }
  } finally {
    await releaseVerifierThreads();
  }
  log(`${step} standalone verifier: audit chain of ${pkg.entries.length} ledger entries ${chain.valid ? "VALID" : `BROKEN, first break ${describeProblem(chain.firstBreak!)}`}`);
  const head = await publishHead(dir, paths.ledger);
  log(`    signed chain head ${head.head.seq} published in ${head.path} (controller key ${head.controllerKey.slice(0, 16)}…)`);
  return { pkg, chain, verifyMilliseconds, allValid: chain.valid && bundlesValid };
}

/** `path` as one shell word (quoted only when it needs to be). */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * The dev key of a demo's profile and of each of its companions, built first so that the demo's
 * proving steps time proving only (a cold run compiles here, the circuits side by side), with a progress line each
 * (`step` prefixes it); also their constraint counts, for the report.
 */
export async function demoKeys(profileName: string, step: string, log: (message: string) => void): Promise<{ keys: ProvingKey[]; constraints: Record<string, number> }> {
  const constraints: Record<string, number> = {};
  const keys: ProvingKey[] = [];
  const profiles = profileFamily(profileName).map(getProfile);
  // The compiles first, on every core at once (each is single-threaded); the keys then use every core each.
  await buildCircuits(profiles, { onProgress: log });
  for (const p of profiles) {
    const key = await ensureDevKey(p, { onProgress: log });
    constraints[p.name] = key.manifest.constraints;
    keys.push(key);
    log(`${step} dev key ready: ${p.name}, ${key.manifest.constraints.toLocaleString("en-US")} constraints (INSECURE: public secrets)`);
  }
  return { keys, constraints };
}

/** The commands a user runs next on a demo's workspace. */
export function demoFollowUps(r: { workspace: string; keysDir?: string; receiptPaths: readonly string[]; bundlePaths: readonly string[] }): string[] {
  const ws = shellWord(r.workspace);
  const keys = r.keysDir !== undefined ? ` --keys ${shellWord(r.keysDir)}` : "";
  return [
    `npx zkforget verify-chain ${ws} --allow-dev${keys}`,
    `npx zkforget report --workspace ${ws} --out report.html --allow-dev${keys}`,
    `npx zkforget export --workspace ${ws} --out audit${keys}`,
    `npx zkforget requests --workspace ${ws}`,
    `npx zkforget head verify audit/heads.jsonl audit`,
    `npx zkforget receipt check ${shellWord(r.receiptPaths[0]!)} --audit audit --allow-dev${keys}`,
    `npx zkforget verify ${shellWord(r.bundlePaths.at(-1)!)} --allow-dev${keys}`,
  ];
}

/** The report lines every demo prints on its verification (the verify and audit-chain lines). */
export function verificationLines(r: { verifyMilliseconds: readonly number[]; allValid: boolean; chain: ChainReport }): string[] {
  const mean = r.verifyMilliseconds.reduce((a, b) => a + b, 0) / Math.max(1, r.verifyMilliseconds.length);
  const [verdict, ...details] = r.chain.summary;
  return [
    `  verify           ${r.verifyMilliseconds.length} bundles, ${mean.toFixed(0)} ms each warm; ${r.allValid ? "all VALID" : "NOT ALL VALID"}`,
    `  audit chain      ${verdict}`,
    ...details.map((line) => `                   ${line}`),
  ];
}

/** A fraction as a percentage with one decimal. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
