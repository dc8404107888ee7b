/**
 * The verification keys the page trusts: every `<profile>.vkey.json` + manifest pair of the
 * shipped keys/ directory, embedded by scripts/build-web.ts when the page is built.
 */
declare module "zkforget:trusted-keys" {
  import type { KeyPair } from "./verifier-entry.ts";

  const keys: readonly KeyPair[];
  export default keys;
}
