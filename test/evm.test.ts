import { strict as assert } from "node:assert";
import { generateDevPtau } from "../src/setup/devPtau.ts";
import { requiredPtauPower } from "../src/setup/ptauInfo.ts";
import { readR1csInfo } from "../src/setup/r1csInfo.ts";
import { DEFAULT_DEV_SEED } from "../src/keys/devKeys.ts";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zKey } from "snarkjs";
import { getProfile } from "../src/circuits/profiles.ts";
import { type ProvingKey } from "../src/keys/devKeys.ts";
import { proveDeletion } from "../src/prover/deletion.ts";
import { ceremonyBeacon, ceremonyContribute, ceremonyExport } from "../src/setup/ceremony.ts";
import { anchorContract, transitionLayout } from "../src/solidity/anchor.ts";
import { advanceSignature, encodeCall, proofWords, REGISTER_SIGNATURE, verifyProofSignature, word32 } from "../src/solidity/calldata.ts";
import { solidityKey } from "../src/solidity/keySource.ts";
import { contractName, solidityVerifier } from "../src/solidity/verifierSource.ts";
import { loadKeyRing, type DeletionStatement, type ProofBundle, type TrustedKey } from "../src/verifier/index.ts";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { auditChainFixture } from "./helpers/auditChainFixture.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";
import { account, compileSolidity, TestChain, wordAt, type CallResult } from "./helpers/evm.ts";
import { runCli } from "./helpers/runCli.ts";

/**
 * On chain, for real: the exported contracts compiled by solc-js and run on an in-process EVM.
 * The verifier must accept exactly the proofs snarkjs accepts; the anchor must enforce the
 * chain rule against a controller that replays, forks, forges or borrows another's state.
 */

const SIGNALS = 3;
const verifyCall = (b: ProofBundle) => encodeCall(verifyProofSignature(SIGNALS), proofWords(b.proof, b.publicSignals));
const advanceCall = (b: ProofBundle) => encodeCall(advanceSignature(SIGNALS), proofWords(b.proof, b.publicSignals));
const registerCall = (state: string | bigint) => encodeCall(REGISTER_SIGNATURE, [BigInt(state)]);
const stateCall = (controller: string) => encodeCall("currentState(address)", [BigInt(controller)]);
/** The 4-byte selector a custom Solidity error reverts with. */
const errorSelector = (signature: string) => encodeCall(signature, []);
const topic = (signature: string) => `0x${bytesToHex(keccak_256(utf8ToBytes(signature)))}`;

/** Asserts a call reverted with the custom error `signature`. */
function assertReverted(result: CallResult, signature: string): void {
  assert.equal(result.ok, false, `expected a revert with ${signature}`);
  assert.equal(result.returnValue.slice(0, 10), errorSelector(signature), `reverted with ${result.returnValue.slice(0, 10)}, not ${signature}`);
}

/** A bundle with one public signal changed: a proof of a statement that is not the one proved. */
function withSignal(bundle: ProofBundle, index: number, value: bigint): ProofBundle {
  const copy = JSON.parse(JSON.stringify(bundle)) as ProofBundle;
  copy.publicSignals[index] = value.toString();
  return copy;
}

describe("on chain: the Solidity verifier and the anchor on an EVM", function () {
  let f: DeletionFixture;
  let dir: string;
  /** Deletion 2 from f.after (continues f.bundle), and a fork: another deletion from f.dataset. */
  let next: ProofBundle<DeletionStatement>;
  let fork: ProofBundle<DeletionStatement>;
  let out: string;
  let chain: TestChain;
  let verifier: string;
  let anchor: string;
  const alice = account(0xa11ce);
  const bob = account(0xb0b);
  const deployer = account(1);

  before(async function () {
    f = await deletionFixture();
    const profile = getProfile(TEST_PROFILE);
    dir = await mkdtemp(join(tmpdir(), "zkf-evm-"));
    const ids = f.after.liveSlots().map((s) => s.id);
    next = (await proveDeletion(f.after, [ids[5]!], { profile, key: f.key })).bundle;
    fork = (await proveDeletion(f.dataset, [ids[8]!], { profile, key: f.key })).bundle;
    // The contracts a user gets: written by the CLI, compiled as they are.
    const bundleFile = join(dir, "0002-deletion.json");
    await writeFile(bundleFile, JSON.stringify(f.bundle));
    out = join(dir, "out");
    const run = runCli(["export-solidity", TEST_PROFILE, "--anchor", "--bundle", bundleFile, "--out", out], 300_000);
    assert.equal(run.code, 0, run.stderr);
    const compiled = compileSolidity({
      "Verifier.sol": await readFile(join(out, `${TEST_PROFILE}Verifier.sol`), "utf8"),
      "Anchor.sol": await readFile(join(out, `${TEST_PROFILE}Anchor.sol`), "utf8"),
    });
    chain = await TestChain.create();
    verifier = await chain.deploy(deployer, compiled.get(contractName(TEST_PROFILE))!.bytecode);
    anchor = await chain.deploy(deployer, compiled.get(contractName(TEST_PROFILE, "Anchor"))!.bytecode, word32(BigInt(verifier)));
  });

  it("export-solidity --anchor --bundle writes the verifier, the anchor, and the bundle's calldata", async function () {
    assert.deepEqual((await readdir(out)).sort(),
      ["0002-deletion.advance.hex", "0002-deletion.calldata.txt", `${TEST_PROFILE}Anchor.sol`, `${TEST_PROFILE}Verifier.sol`]);
    assert.equal((await readFile(join(out, "0002-deletion.advance.hex"), "utf8")).trim(), advanceCall(f.bundle));
    const anchorSource = await readFile(join(out, `${TEST_PROFILE}Anchor.sol`), "utf8");
    assert.match(anchorSource, /^\/\/ SPDX-License-Identifier: MIT\n\/\/ zkforget: anchor of profile deletion-d8-k2; deploy it with the address of DeletionD8K2Verifier .*INSECURE dev key/);
    assert.match(anchorSource, /old state = \[0\], new state = \[1\]/);
    assert.match(anchorSource, /uint256\[\/\*SIGNALS\*\/3\] calldata pubSignals/);
  });

  it("the verifier contract returns true for a valid proof and false for tampered ones, and reports its gas", async function () {
    const valid = await chain.call(alice, verifier, verifyCall(f.bundle));
    assert.ok(valid.ok, valid.error);
    assert.equal(wordAt(valid.returnValue, 0), 1n);
    console.log(`      verifyProof gas (${SIGNALS} public signals): execution ${valid.executionGas}, transaction ${valid.transactionGas}`);
    assert.ok(valid.executionGas > 150_000n, "a Groth16 check costs at least four pairings' worth of gas");

    for (const [what, bundle] of [
      ["a changed public signal", withSignal(f.bundle, 2, BigInt(f.bundle.publicSignals[2]!) + 1n)],
      ["another proof's signals", { ...f.bundle, publicSignals: next.publicSignals }],
      ["pi_a of another proof", { ...f.bundle, proof: { ...f.bundle.proof, pi_a: next.proof.pi_a } }],
      ["pi_c of another proof", { ...f.bundle, proof: { ...f.bundle.proof, pi_c: next.proof.pi_c } }],
    ] as const) {
      const r = await chain.call(alice, verifier, verifyCall(bundle as ProofBundle));
      assert.ok(r.ok, `${what}: the verifier returns false rather than reverting`);
      assert.equal(wordAt(r.returnValue, 0), 0n, `${what} must not verify`);
    }
    // A signal outside the scalar field is refused too (snarkjs's template checks the field).
    const r = await chain.call(alice, verifier, verifyCall(withSignal(f.bundle, 2, (1n << 256n) - 1n)));
    assert.equal(wordAt(r.returnValue, 0), 0n);
  });

  it("the anchor advances a registered controller along verified transitions only", async function () {
    const [genesis, afterFirst] = [f.bundle.statement.oldRoot, f.bundle.statement.newRoot];
    assertReverted(await chain.call(alice, anchor, advanceCall(f.bundle)), "NotRegistered(address)");
    assertReverted(await chain.call(alice, anchor, registerCall(0n)), "NotAFieldElement(uint256)");

    const reg = await chain.call(alice, anchor, registerCall(genesis));
    assert.ok(reg.ok, reg.error);
    assert.deepEqual(reg.logs[0]!.topics, [topic("Registered(address,uint256)"), `0x${word32(BigInt(alice))}`, `0x${word32(BigInt(genesis))}`]);
    assertReverted(await chain.call(alice, anchor, registerCall(afterFirst)), "AlreadyRegistered(address,uint256)");

    // A bad proof from the current state: refused, the state stays.
    const forged = { ...f.bundle, proof: { ...f.bundle.proof, pi_c: next.proof.pi_c } };
    assertReverted(await chain.call(alice, anchor, advanceCall(forged)), "InvalidProof()");
    assertReverted(await chain.call(alice, anchor, advanceCall(withSignal(f.bundle, 1, BigInt(fork.statement.newRoot)))), "InvalidProof()");
    assert.equal(wordAt((await chain.call(alice, anchor, stateCall(alice))).returnValue, 0), BigInt(genesis));

    const first = await chain.call(alice, anchor, advanceCall(f.bundle));
    assert.ok(first.ok, first.error);
    console.log(`      anchor advance gas: execution ${first.executionGas}, transaction ${first.transactionGas}`);
    assert.equal(wordAt(first.returnValue, 0), 1n, "the first transition has seq 1");
    const event = first.logs.find((l) => l.topics[0] === topic(`Advanced(address,uint256,uint256,uint256,uint256[${SIGNALS}])`));
    assert.ok(event, "an Advanced event");
    assert.deepEqual(event.topics.slice(1), [alice, genesis, afterFirst].map((v) => `0x${word32(BigInt(v))}`));
    assert.deepEqual([0, 1, 2, 3].map((i) => wordAt(event.data, i)), [1n, ...f.bundle.publicSignals.map(BigInt)]);
    assert.equal(wordAt((await chain.call(alice, anchor, stateCall(alice))).returnValue, 0), BigInt(afterFirst));

    // Replay: the same transition again; its old state is no longer current.
    assertReverted(await chain.call(alice, anchor, advanceCall(f.bundle)), "NotCurrentState(uint256,uint256)");
    // Fork: a valid proof from the genesis state, now an old state.
    assertReverted(await chain.call(alice, anchor, advanceCall(fork)), "NotCurrentState(uint256,uint256)");

    const second = await chain.call(alice, anchor, advanceCall(next));
    assert.ok(second.ok, second.error);
    assert.equal(wordAt(second.returnValue, 0), 2n);
    assert.equal(wordAt((await chain.call(alice, anchor, stateCall(alice))).returnValue, 0), BigInt(next.statement.newRoot));
  });

  it("the anchor refuses another controller's states", async function () {
    // Bob may not take Alice's genesis or current state as his own...
    assertReverted(await chain.call(bob, anchor, registerCall(f.bundle.statement.oldRoot)), "StateOfAnotherController(uint256,address)");
    assertReverted(await chain.call(bob, anchor, registerCall(next.statement.newRoot)), "StateOfAnotherController(uint256,address)");
    // ...nor advance his own chain with Alice's proofs: they start from Alice's states, not his.
    const own = 12345n;
    assert.ok((await chain.call(bob, anchor, registerCall(own))).ok);
    assertReverted(await chain.call(bob, anchor, advanceCall(next)), "NotCurrentState(uint256,uint256)");
    assertReverted(await chain.call(bob, anchor, advanceCall(f.bundle)), "NotCurrentState(uint256,uint256)");
    assert.equal(wordAt((await chain.call(bob, anchor, stateCall(bob))).returnValue, 0), own);
  });

  it("has no anchor for a profile that moves no state", function () {
    const accuracy = { vkey: f.key.vkey, manifest: { ...f.key.manifest, profile: "accuracy-s1-f2-t4", publicSignals: ["state", "testRoot", "correct", "total"] } };
    assert.throws(() => transitionLayout(accuracy), /accuracy-s1-f2-t4 \(public signals state, testRoot, correct, total\) proves no state transition/);
    assert.deepEqual(transitionLayout({ vkey: f.key.vkey, manifest: { ...f.key.manifest, publicSignals: ["deletionDigest", "newState", "oldState"] } }),
      { signals: 3, oldIndex: 2, newIndex: 1 });
  });

  it("renders the verifier from the verification key exactly as snarkjs renders it from the zkey", async function () {
    const template = await readFile("node_modules/snarkjs/templates/verifier_groth16.sol.ejs", "utf8");
    const fromZkey = (await zKey.exportSolidityVerifier(f.key.zkeyPath, { groth16: template })).replace("contract Groth16Verifier ", `contract ${contractName(TEST_PROFILE)} `);
    const ours = (await solidityVerifier(f.key)).split("\n");
    assert.equal([ours[0], ...ours.slice(4)].join("\n"), fromZkey, "only the three header lines differ");
  });
});

describe("export-solidity with ceremony keys (--vkey, --zkey)", function () {
  let f: DeletionFixture;
  let dir: string;
  let keysDir: string;
  let ceremonyKey: TrustedKey;
  let ceremonyZkey: string;
  let ceremonyBundle: ProofBundle<DeletionStatement>;

  before(async function () {
    f = await deletionFixture();
    dir = await mkdtemp(join(tmpdir(), "zkf-cer-sol-"));
    keysDir = join(dir, "keys");
    // A real phase-2 ceremony on the profile's circuit: a secret contribution from OS entropy on
    // top of the cached dev zkey (phase 2 may continue from any zkey of the circuit; starting there
    // skips `ceremony init`, minutes under load), closed with a beacon, exported (and so verified
    // against the r1cs and the ptau) as `zkforget ceremony export` does.
    this.timeout(1_800_000);
    const profile = getProfile(TEST_PROFILE);
    const circuit = f.key.circuit;
    const z = (n: string) => join(dir, `${n}.zkey`);
    await ceremonyContribute({ zkeyIn: f.key.zkeyPath, zkeyOut: z("c1"), name: "regulator" });
    await ceremonyBeacon({ zkeyIn: z("c1"), zkeyOut: z("final"), beaconHex: "5e1ec7ab1e5eed", iterationsExp: 10 });
    ceremonyZkey = z("final");
    // Dev keys are computed straight from their secrets (no ptau file): the export verifies the
    // ceremony against the dev ptau those secrets define, made here for it.
    const ptauPath = join(dir, "dev.ptau");
    await generateDevPtau({ power: requiredPtauPower(await readR1csInfo(circuit.r1csPath)), seed: DEFAULT_DEV_SEED, outFile: ptauPath });
    const exported = await ceremonyExport({
      r1csPath: circuit.r1csPath, ptauPath, zkeyPath: ceremonyZkey, profile: profile.name, circuitHash: circuit.circuitHash,
      template: profile.template, params: [...profile.params], publicSignals: [...profile.publicSignals], keysDir,
    });
    ceremonyKey = (await loadKeyRing(keysDir)).get(TEST_PROFILE)!;
    assert.equal(exported.manifest.security, "ceremony");
    const proving: ProvingKey = { ...f.key, zkeyPath: ceremonyZkey, vkey: ceremonyKey.vkey, manifest: ceremonyKey.manifest };
    ceremonyBundle = (await proveDeletion(f.dataset, f.deletedIds, { profile, key: proving })).bundle;
  });

  it("--vkey: the ceremony's contract accepts the ceremony's proofs and refuses a dev-key proof of the same statement", async function () {
    const bundleFile = join(dir, "ceremony-bundle.json");
    await writeFile(bundleFile, JSON.stringify(ceremonyBundle));
    const out = join(dir, "vkey-out");
    const run = runCli(["export-solidity", TEST_PROFILE, "--vkey", join(keysDir, `${TEST_PROFILE}.vkey.json`), "--anchor", "--bundle", bundleFile, "--out", out], 300_000);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /INSECURE/);
    const sol = await readFile(join(out, `${TEST_PROFILE}Verifier.sol`), "utf8");
    assert.match(sol, /\/\/ Key from a phase-2 ceremony \(3 contributions\): sound if one contributor destroyed their secret\./);
    assert.match(sol, new RegExp(`verification key sha256 ${ceremonyKey.manifest.vkeyHash}`));
    assert.doesNotMatch(await readFile(join(out, `${TEST_PROFILE}Anchor.sol`), "utf8"), /INSECURE/);

    const chain = await TestChain.create();
    const compiled = compileSolidity({ "Verifier.sol": sol });
    const verifier = await chain.deploy(account(1), compiled.get(contractName(TEST_PROFILE))!.bytecode);
    assert.equal(wordAt((await chain.call(account(2), verifier, verifyCall(ceremonyBundle))).returnValue, 0), 1n);
    // The dev key's secrets are public: its proofs (forgeable by anyone) mean nothing here.
    assert.deepEqual(f.bundle.publicSignals, ceremonyBundle.publicSignals, "the same statement");
    assert.equal(wordAt((await chain.call(account(2), verifier, verifyCall(f.bundle))).returnValue, 0), 0n);
  });

  it("--zkey: the same contract as from the exported verification key", async function () {
    const manifest = join(keysDir, `${TEST_PROFILE}.manifest.json`);
    const fromZkey = await solidityVerifier(await solidityKey(getProfile(TEST_PROFILE), { kind: "zkey", path: ceremonyZkey, manifestPath: manifest }));
    assert.equal(fromZkey, await solidityVerifier(ceremonyKey));
    const out = join(dir, "zkey-out");
    const run = runCli(["export-solidity", TEST_PROFILE, "--zkey", ceremonyZkey, "--manifest", manifest, "--out", out], 300_000);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await readFile(join(out, `${TEST_PROFILE}Verifier.sol`), "utf8"), fromZkey);
  });

  it("names what is wrong with a truncated, foreign or mismatched key file, and writes nothing", async function () {
    const profile = getProfile(TEST_PROFILE);
    const vkeyPath = join(keysDir, `${TEST_PROFILE}.vkey.json`);
    const vkeyText = await readFile(vkeyPath, "utf8");
    const cut = join(dir, "cut", `${TEST_PROFILE}.vkey.json`);
    await mkdir(join(dir, "cut"), { recursive: true });
    await writeFile(cut, vkeyText.slice(0, 200));
    await assert.rejects(solidityKey(profile, { kind: "vkey", path: cut }), /verification key .*cut\/deletion-d8-k2\.vkey\.json is not valid JSON \(truncated or corrupted\?\)/);

    const notKey = join(dir, "cut", "other.vkey.json");
    await writeFile(notKey, JSON.stringify({ protocol: "plonk" }));
    await assert.rejects(solidityKey(profile, { kind: "vkey", path: notKey }), /vkey .*other\.vkey\.json is not a Groth16 BN254 verification key/);

    const sisaVkey = join("keys", "sisa-d4-s1-f2-e2-k2.vkey.json");
    const fourSignals = join("keys", "accuracy-s1-f2-t4.vkey.json");
    await assert.rejects(solidityKey(profile, { kind: "vkey", path: fourSignals }), /has 4 public signals, but profile deletion-d8-k2 has 3 \(oldRoot, newRoot, deletionDigest\): a key of another profile\?/);
    await assert.rejects(solidityKey(profile, { kind: "vkey", path: sisaVkey, manifestPath: join("keys", "sisa-d4-s1-f2-e2-k2.manifest.json") }),
      /key manifest keys\/sisa-d4-s1-f2-e2-k2\.manifest\.json is not a valid manifest for profile deletion-d8-k2/);
    // The dev manifest beside the ceremony vkey: the hashes disagree.
    await assert.rejects(solidityKey(profile, { kind: "vkey", path: vkeyPath, manifestPath: join("keys", `${TEST_PROFILE}.manifest.json`) }),
      new RegExp(`describes verification key ${f.key.manifest.vkeyHash}, but vkey .* is ${ceremonyKey.manifest.vkeyHash}: not this key's manifest`));
    await writeFile(join(dir, "cut", "nomanifest.json"), vkeyText);
    await assert.rejects(solidityKey(profile, { kind: "vkey", path: join(dir, "cut", "nomanifest.json") }), /cannot tell the manifest of .*nomanifest\.json/);

    const zkeyBytes = await readFile(ceremonyZkey);
    const cutZkey = join(dir, "cut.zkey");
    await writeFile(cutZkey, zkeyBytes.subarray(0, Math.floor(zkeyBytes.length / 2)));
    const out = join(dir, "refused");
    const run = runCli(["export-solidity", TEST_PROFILE, "--zkey", cutZkey, "--manifest", join(keysDir, `${TEST_PROFILE}.manifest.json`), "--out", out]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /cut\.zkey/);
    assert.deepEqual(await readdir(out).catch(() => []), []);

    assert.equal(runCli(["export-solidity", TEST_PROFILE, "--vkey", vkeyPath, "--zkey", ceremonyZkey]).code, 2);
    assert.equal(runCli(["export-solidity", TEST_PROFILE, "--vkey", vkeyPath, "--seed", "x"]).code, 2);
  });

  it("the anchor renders for the ceremony key too (the layout comes from the manifest)", async function () {
    assert.deepEqual(transitionLayout(ceremonyKey), { signals: 3, oldIndex: 0, newIndex: 1 });
    assert.match(await anchorContract(ceremonyKey), /contract DeletionD8K2Anchor \{/);
  });
});

describe("on chain: a real SISA audit chain replayed on the anchor", function () {
  it("advances through every proved entry of the ledger's chain, in order, and refuses them out of order", async function () {
    const fx = await auditChainFixture();
    const profile = fx.pkg.profile;
    const key = fx.keys.get(profile)!;
    assert.deepEqual(transitionLayout(key), { signals: 3, oldIndex: 0, newIndex: 1 }, "SISA: old and new state are signals 0 and 1");
    const compiled = compileSolidity({ "Verifier.sol": await solidityVerifier(key), "Anchor.sol": await anchorContract(key) });
    const chain = await TestChain.create();
    const verifier = await chain.deploy(account(1), compiled.get(contractName(profile))!.bytecode);
    const anchor = await chain.deploy(account(1), compiled.get(contractName(profile, "Anchor"))!.bytecode, word32(BigInt(verifier)));
    const controller = account(0xc0de);
    // Request entries carry no proof and move no state: only proved entries go on chain.
    const [commit, ...rest] = fx.pkg.entries;
    const proved = rest.filter((e) => e.bundle !== undefined);
    assert.equal(commit!.kind, "commit");
    assert.ok((await chain.call(controller, anchor, registerCall(commit!.newState))).ok, "the commit's state is the genesis");
    // Out of order: the second genesis before the first.
    assertReverted(await chain.call(controller, anchor, advanceCall(proved[1]!.bundle!)), "NotCurrentState(uint256,uint256)");
    for (const [i, entry] of proved.entries()) {
      const r = await chain.call(controller, anchor, advanceCall(entry.bundle!));
      assert.ok(r.ok, `entry ${entry.seq} (${entry.kind}): ${r.error} ${r.returnValue}`);
      assert.equal(wordAt(r.returnValue, 0), BigInt(i + 1));
    }
    assert.equal(wordAt((await chain.call(controller, anchor, stateCall(controller))).returnValue, 0), BigInt(fx.pkg.entries.at(-1)!.newState));
    assertReverted(await chain.call(controller, anchor, advanceCall(proved[2]!.bundle!)), "NotCurrentState(uint256,uint256)");
  });
});
