/**
 * The verification keys the page trusts: every `<profile>.vkey.json` + manifest pair of the
 * shipped keys/ directory, written by scripts/build-web.ts into trusted-keys.js, which
 * index.html loads before app.js (data, kept out of the page's code). Missing when the page was
 * opened without it: then the page trusts nothing and says so.
 */
import type { KeyPair } from "./verifier-entry.ts";

const embedded = (globalThis as { zkforgetTrustedKeys?: readonly KeyPair[] }).zkforgetTrustedKeys;

/** The trusted key pairs (empty when trusted-keys.js did not load). */
export const trustedKeys: readonly KeyPair[] = Array.isArray(embedded) ? embedded : [];
