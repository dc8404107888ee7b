import { basename, join, resolve } from "node:path";
import { getProfile } from "../../circuits/profiles.ts";
import { readJsonFile, writeFileAtomically } from "../../fsAtomic.ts";
import { DEFAULT_DEV_SEED } from "../../keys/devKeys.ts";
import { anchorContract, transitionLayout } from "../../solidity/anchor.ts";
import { advanceSignature, checkedBundle, encodeCall, proofWords } from "../../solidity/calldata.ts";
import { solidityKey, type SolidityKeySource } from "../../solidity/keySource.ts";
import { contractName, solidityVerifier } from "../../solidity/verifierSource.ts";
import { releaseCurve } from "../../snarkjsThreads.ts";
import { groth16 } from "snarkjs";
import { parseCommandArgs, progress, UsageError, type Command } from "../command.ts";

export { contractName, solidityVerifier } from "../../solidity/verifierSource.ts";
export { solidityCallData } from "../../solidity/calldata.ts";

/** `zkforget export-solidity`: the verifier (dev or ceremony key), the anchor, and a bundle's calldata. */
export const exportSolidityCommand: Command = {
  name: "export-solidity",
  summary: "write the Solidity Groth16 verifier of a profile's key (and its anchor contract), and calldata for a bundle",
  help: `Usage: zkforget export-solidity PROFILE [--vkey FILE | --zkey FILE [--manifest FILE] | --seed SEED]
                                 [--anchor] [--bundle FILE] [--out DIR]

Writes DIR/<PROFILE>Verifier.sol: a Solidity contract (rendered from snarkjs's template)
whose verifyProof(pA, pB, pC, pubSignals) accepts exactly the proofs that verify under
the key.

The key: by default the profile's dev key (built and cached on demand, as by
\`zkforget setup\`); dev keys are INSECURE (anyone can forge proofs under them) and the
contract says so in its header: do not deploy it. For production, a ceremony key:
  --vkey FILE      a verification key, e.g. keys/<PROFILE>.vkey.json from
                   \`zkforget ceremony export\`; its manifest is read from beside it
  --zkey FILE      a final ceremony zkey; its manifest is zkforget's keys/<PROFILE>.manifest.json
  --manifest FILE  the key manifest to use instead (its vkeyHash must be the key's)

With --anchor, also writes DIR/<PROFILE>Anchor.sol: a registry of each controller's
current state. register(genesisState) once; advance(pA, pB, pC, pubSignals) moves the
caller's state only when the proof verifies (the anchor calls the verifier whose address
it is deployed with) and the proof's old state is the caller's current state.

With --bundle, also writes DIR/<bundle name>.calldata.txt, the verifyProof (and advance)
arguments for that bundle, after checking that the bundle is for PROFILE, names this exact
key and verifies under it; with --anchor, also DIR/<bundle name>.advance.hex, the ABI-encoded
transaction data of advance(...) for the bundle.

Options:
  --anchor        also write the anchor contract (transition profiles: deletion, SISA)
  --bundle FILE   a proof bundle of PROFILE
  --out DIR       output directory (default: the current directory)
  --seed SEED     dev key seed (default ${DEFAULT_DEV_SEED}, the seed of the shipped keys)

Exit codes: 0 written, 1 the key or bundle does not fit or a step failed, 2 usage error.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      bundle: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      vkey: { type: "string" },
      zkey: { type: "string" },
      manifest: { type: "string" },
      anchor: { type: "boolean" },
    });
    if (positionals.length !== 1) throw new UsageError("give exactly one PROFILE");
    const source = keySource(values);
    const profile = getProfile(positionals[0]!);
    const outDir = resolve(values.out ?? ".");
    const bundle = values.bundle === undefined ? undefined : await readJsonFile(values.bundle, "bundle");
    try {
      const key = await solidityKey(profile, source);
      // Everything is computed before anything is written: a bad key or bundle leaves no files.
      const files: { path: string; content: string; note?: string }[] = [];
      const insecure = key.manifest.security === "insecure-dev" ? ", INSECURE dev key" : "";
      files.push({
        path: join(outDir, `${profile.name}Verifier.sol`),
        content: await solidityVerifier(key),
        note: `contract ${contractName(profile.name)}, vkey ${key.manifest.vkeyHash}${insecure}`,
      });
      if (values.anchor) {
        files.push({ path: join(outDir, `${profile.name}Anchor.sol`), content: await anchorContract(key), note: `contract ${contractName(profile.name, "Anchor")}` });
      }
      if (bundle !== undefined) {
        const valid = await checkedBundle(bundle, key, `bundle ${values.bundle}`);
        const stem = join(outDir, basename(values.bundle!).replace(/\.json$/i, ""));
        files.push({ path: `${stem}.calldata.txt`, content: `${await groth16.exportSolidityCallData(valid.proof, valid.publicSignals)}\n` });
        if (values.anchor) {
          const words = proofWords(valid.proof, valid.publicSignals);
          files.push({ path: `${stem}.advance.hex`, content: `${encodeCall(advanceSignature(transitionLayout(key).signals), words)}\n` });
        }
      }
      for (const file of files) {
        await writeFileAtomically(file.path, file.content);
        process.stdout.write(`${file.path}${file.note ? `  (${file.note})` : ""}\n`);
      }
      return 0;
    } finally {
      await releaseCurve();
    }
  },
};

/** The key source the flags name; conflicting flags are a usage error. */
function keySource(values: { vkey?: string; zkey?: string; manifest?: string; seed?: string }): SolidityKeySource {
  if (values.vkey !== undefined && values.zkey !== undefined) throw new UsageError("give --vkey or --zkey, not both");
  const file = values.vkey ?? values.zkey;
  if (file === undefined) {
    if (values.manifest !== undefined) throw new UsageError("--manifest goes with --vkey or --zkey");
    return { kind: "dev", onProgress: progress(), ...(values.seed ? { seed: values.seed } : {}) };
  }
  if (values.seed !== undefined) throw new UsageError("--seed names a dev key; it does not go with --vkey or --zkey");
  return { kind: values.vkey !== undefined ? "vkey" : "zkey", path: file, ...(values.manifest !== undefined ? { manifestPath: values.manifest } : {}) };
}
