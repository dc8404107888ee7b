/**
 * snarkjs builds one multi-threaded BN254 curve on first use and keeps it in
 * `globalThis.curve_bn128`; its worker threads keep a process alive. Dependency-free, so the
 * verifier and the prover share this one definition.
 */

/**
 * Stops the worker threads of snarkjs's shared curve, so the process can exit. Safe to call
 * when no curve was built; the next snarkjs call builds a new one.
 */
export async function releaseCurve(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await holder.curve_bn128?.terminate();
}
