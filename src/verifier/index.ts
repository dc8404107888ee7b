/**
 * zkforget verifier: checks proof bundles, audit chains and receipts against trusted
 * verification keys. Imports nothing from the prover, the circuit compiler, circomlibjs or the
 * ledger. Everything but `loadKeyRing`/`trustedKey` (Node: they read key files) is in
 * ./browser.ts, which bundlers get under the "browser" export condition.
 */
export * from "./browser.ts";
export { loadKeyRing, trustedKey } from "./keyRing.ts";
