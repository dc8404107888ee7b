import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getCurveFromName } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { getProfile } from "../src/circuits/profiles.ts";
// Imported statically: a module that loads another ffjavascript instance resets
// globalThis.curve_bn128 when it loads, orphaning snarkjs's curve (its worker threads then keep
// mocha from exiting), so nothing may load one after the first proof.
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { buildDeletionWitness } from "../src/statements/deletion.ts";
import { ensureDevKey, publishKey, type ProvingKey } from "../src/keys/devKeys.ts";
import { proveDeletion } from "../src/prover/deletion.ts";
import { calculateWitness, proveWithKey, proveWitness, selectProver } from "../src/prover/groth16.ts";
import { loadNativeProver, nativeLoadError, type NativeProver } from "../src/prover/native.ts";
import { fixedBaseTable, wasmFixedBaseBatch, withFixedBaseCurve } from "../src/setup/fixedBase.ts";
import { proveShardRetrain } from "../src/prover/shardRetrain.ts";
import { loadKeyRing, verifyBundle } from "../src/verifier/index.ts";
import type { Groth16Proof, ProofBundle } from "../src/verifier/types.ts";
import { deletionFixture } from "./helpers/deletionFixture.ts";
import { SISA_TEST_PROFILE, sisaFixture } from "./helpers/sisaFixture.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const native = loadNativeProver();

if (!native && process.env.CI !== "true") {
  // Visible, not silent: a developer without a C++ toolchain still runs every other test.
  process.stderr.write(`nativeProver.test.ts: SKIPPED, the native prover did not load (${nativeLoadError()})\n`);
}

describe("native Groth16 prover", function () {
  if (!native) {
    if (process.env.CI === "true") {
      it("is built in CI", () => assert.fail(`CI=true requires the native prover addon: ${nativeLoadError()}`));
    }
    return;
  }
  const prover: NativeProver = native;

  /** A deterministic stream of field-size integers (no Math.random: failures reproduce). */
  function* randomIntegers(seed: bigint, modulus: bigint): Generator<bigint> {
    let x = seed;
    for (;;) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % (1n << 320n);
      yield (x >> 32n) % modulus;
    }
  }

  it("multiplies in Fr and Fq exactly as BigInt does (random values and p - 1)", () => {
    for (const [field, p] of [["fr", R], ["fq", Q]] as const) {
      const values = randomIntegers(BigInt(field.length) * 977n, p);
      const cases: [bigint, bigint][] = [[p - 1n, p - 1n], [0n, p - 1n], [1n, p - 1n], [p - 1n, 2n]];
      for (let i = 0; i < 500; i++) cases.push([values.next().value!, values.next().value!]);
      for (const [a, b] of cases) assert.equal(prover.fieldMul(field, a, b), (a * b) % p, `${field}: ${a} * ${b}`);
    }
  });

  it("computes fixed-base batches (the dev keys' points) byte for byte as the WebAssembly loop, in G1 and G2", async function () {
    this.timeout(120_000);
    const fixedBaseBatch = prover.fixedBaseBatch;
    assert.ok(fixedBaseBatch, "the addon exports fixedBaseBatch");
    const values = randomIntegers(4242n, R);
    // 0 (infinity), 1, single-window and window-boundary scalars, r - 1, then random ones: more
    // than one native chunk (1,024) and a count that does not split evenly over the threads.
    const scalars = [0n, 1n, 2n, 255n, 256n, 257n, (1n << 248n) * 255n % R, R - 1n];
    while (scalars.length < 2_500) scalars.push(values.next().value!);
    const bytes = new Uint8Array(scalars.length * 32);
    scalars.forEach((s, i) => { for (let b = 0; b < 32; b++) bytes[i * 32 + b] = Number((s >> BigInt(8 * b)) & 0xffn); });
    await withFixedBaseCurve(async (curve) => {
      for (const group of ["G1", "G2"] as const) {
        const table = fixedBaseTable(curve, group);
        const expected = await wasmFixedBaseBatch(curve, group, table, bytes);
        for (const threads of [1, 2]) {
          const got = await fixedBaseBatch(group, table, bytes, threads);
          assert.ok(Buffer.from(got).equals(Buffer.from(expected)), `${group}, ${threads} thread(s): the same points`);
        }
        const size = group === "G1" ? 64 : 128;
        assert.ok(expected.subarray(0, size).every((b) => b === 0), `${group}: 0·G is infinity, (0, 0)`);
        assert.ok(Buffer.from(expected.subarray(size, 2 * size)).equals(Buffer.from(table.subarray(size, 2 * size))), `${group}: 1·G is the table's G`);
      }
      await assert.rejects(async () => fixedBaseBatch("G1", new Uint8Array(10), bytes), /32 x 256 affine points/);
      await assert.rejects(async () => fixedBaseBatch("G1", fixedBaseTable(curve, "G1"), new Uint8Array(33)), /32 bytes each/);
    });
  });

  it("computes MSMs exactly on the batch-affine corner cases (equal scalars, P next to -P and to P, small, 0/1)", function () {
    this.timeout(120_000);
    // Sizes below and above the batched path (buckets >= 64), on one thread and on two.
    for (const pattern of ["random", "equal", "negated", "doubled", "small", "binary"] as const) {
      for (const n of [1, 2, 17, 300, 3000, 12000]) {
        for (const threads of [1, 2]) assert.ok(prover.msmSelfTest(pattern, n, threads), `MSM ${pattern}, n = ${n}, ${threads} thread(s)`);
      }
    }
    assert.throws(() => prover.msmSelfTest("bogus" as "random", 4, 1), /unknown MSM self-test pattern bogus/);
  });

  /** Canonical affine: z = 1, every coordinate a reduced field element, points on the curves. */
  function assertCanonical(proof: Groth16Proof): void {
    assert.equal(proof.protocol, "groth16");
    assert.equal(proof.curve, "bn128");
    assert.equal(proof.pi_a[2], "1");
    assert.equal(proof.pi_c[2], "1");
    assert.deepEqual(proof.pi_b[2], ["1", "0"]);
    const coords = [proof.pi_a[0], proof.pi_a[1], proof.pi_c[0], proof.pi_c[1], ...proof.pi_b[0], ...proof.pi_b[1]];
    for (const c of coords) {
      assert.match(c, /^(0|[1-9][0-9]*)$/, "decimal without leading zeros");
      assert.ok(BigInt(c) < Q, `coordinate ${c} is reduced mod q`);
    }
    for (const [x, y] of [proof.pi_a, proof.pi_c].map((p) => [BigInt(p[0]), BigInt(p[1])])) {
      assert.equal((y! * y!) % Q, (x! * x! * x! + 3n) % Q, "G1 point on y^2 = x^3 + 3");
    }
  }

  describe("on the test profiles, verified by snarkjs and by verifyBundle", () => {
    let keysDir: string;
    before(async () => {
      keysDir = await mkdtemp(join(tmpdir(), "zkf-native-keys-"));
    });
    after(async () => rm(keysDir, { recursive: true, force: true }));

    async function checkBundle(key: ProvingKey, bundle: ProofBundle): Promise<void> {
      await publishKey(key, keysDir);
      assertCanonical(bundle.proof);
      assert.equal(await snarkjs.groth16.verify(key.vkey, bundle.publicSignals, bundle.proof), true, "stock snarkjs verify");
      const result = await verifyBundle(bundle, { keys: await loadKeyRing(keysDir), allowDev: true });
      assert.deepEqual(result.reasons, []);
      assert.equal(result.valid, true);
    }

    it("deletion-d8-k2: a deletion proof", async () => {
      const f = await deletionFixture();
      const { bundle } = await proveDeletion(f.dataset, f.deletedIds, { profile: f.key.manifest.profile, key: f.key, prover: "native" });
      assert.deepEqual(bundle.publicSignals, f.bundle.publicSignals, "same public signals as the snarkjs-proved fixture");
      await checkBundle(f.key, bundle);
    });

    it(`${SISA_TEST_PROFILE}: a shard training proof`, async () => {
      const s = await sisaFixture();
      const profile = getProfile(SISA_TEST_PROFILE);
      const key = await ensureDevKey(profile);
      const system = { config: s.config, dataset: s.dataset, models: s.emptyModels };
      const { bundle } = await proveShardRetrain(system, 0, [], { profile, key, prover: "native" });
      await checkBundle(key, bundle);
    });

    it("two proofs of one witness differ (fresh r, s) and both verify", async () => {
      const f = await deletionFixture();
      const witness = await calculateWitness(f.key, await witnessInput(f.key));
      const one = await prover.prove(f.key.zkeyPath, f.key.circuit.r1csPath, witness);
      const two = await prover.prove(f.key.zkeyPath, f.key.circuit.r1csPath, witness);
      assert.notDeepEqual(one.proof.pi_a, two.proof.pi_a);
      assert.notDeepEqual(one.proof.pi_c, two.proof.pi_c);
      assert.deepEqual(one.publicSignals, two.publicSignals);
      for (const p of [one, two]) {
        assertCanonical(p.proof);
        assert.equal(await snarkjs.groth16.verify(f.key.vkey, p.publicSignals, p.proof), true);
      }
    });
  });

  /** The deletion fixture's circuit input, rebuilt (the fixture keeps only the bundle). */
  async function witnessInput(key: ProvingKey) {
    const f = await deletionFixture();
    const slots = f.dataset.slotsOf(f.deletedIds);
    return buildDeletionWitness(f.dataset.tree(), slots.map((s) => s.index), (key.manifest.params as number[])[1]!, await getPoseidon()).input;
  }

  describe("refuses what it must not prove", () => {
    it("a witness that violates a constraint, naming the constraint; no proof", async () => {
      const f = await deletionFixture();
      const witness = await calculateWitness(f.key, await witnessInput(f.key));
      // Wire values start after the wtns header (12 bytes), section 1 (12 + 40) and section 2's header (12).
      const tampered = new Uint8Array(witness);
      const offset = 12 + 12 + 40 + 12 + 32 * 10; // wire 10, a private signal
      tampered[offset] = tampered[offset]! ^ 1;
      await assert.rejects(prover.prove(f.key.zkeyPath, f.key.circuit.r1csPath, tampered), (error: Error & { code?: string; constraint?: number }) => {
        assert.match(error.message, /the witness violates constraint \d+ of \d+/);
        assert.equal(error.code, "ZKF_CONSTRAINT_VIOLATED");
        assert.equal(typeof error.constraint, "number");
        return true;
      });
      // Through the pluggable entry point too (the bundle path), still a refusal.
      await assert.rejects(proveWitness(f.key, tampered, { prover: "native" }), /violates constraint/);
    });

    it("a witness whose wire 0 is not 1, and one of the wrong length", async () => {
      const f = await deletionFixture();
      const witness = await calculateWitness(f.key, await witnessInput(f.key));
      const zeroed = new Uint8Array(witness);
      zeroed[12 + 12 + 40 + 12] = 2;
      await assert.rejects(prover.prove(f.key.zkeyPath, f.key.circuit.r1csPath, zeroed), /wire 0 must be the constant 1/);
      await assert.rejects(prover.prove(f.key.zkeyPath, f.key.circuit.r1csPath, witness.subarray(0, witness.length - 32)), /witness: .*(truncated|section 2)/);
    });

    it("a truncated zkey and an r1cs of another circuit, naming the file", async () => {
      const f = await deletionFixture();
      const dir = await mkdtemp(join(tmpdir(), "zkf-native-bad-"));
      try {
        const cut = join(dir, "cut.zkey");
        const bytes = await readFile(f.key.zkeyPath);
        await writeFile(cut, bytes.subarray(0, bytes.length - 1000));
        const witness = await calculateWitness(f.key, await witnessInput(f.key));
        await assert.rejects(prover.prove(cut, f.key.circuit.r1csPath, witness), (e: Error) => e.message.includes(cut) && /runs past the end|truncated/.test(e.message));
        const sisa = await ensureDevKey(getProfile(SISA_TEST_PROFILE));
        await assert.rejects(prover.prove(f.key.zkeyPath, sisa.circuit.r1csPath, witness), /does not belong to/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the ceremony fixtures (keys from a snarkjs ptau and a phase-2 contribution)", () => {
    let dir: string;
    let ptau: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "zkf-native-ceremony-"));
      const curve = await getCurveFromName("bn128");
      const p0 = join(dir, "pot0.ptau"), p1 = join(dir, "pot1.ptau");
      ptau = join(dir, "pot.ptau");
      await snarkjs.powersOfTau.newAccumulator(curve, 4, p0);
      await snarkjs.powersOfTau.contribute(p0, p1, "native test", "entropy for the native prover test");
      await snarkjs.powersOfTau.preparePhase2(p1, ptau);
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    for (const [name, input] of [["multiplier", { a: 3, b: 11, c: 7 }], ["square_sum", { x: 5, y: 12 }], ["multiplier_swapped", { a: 3, b: 11, c: 7 }]] as const) {
      it(`${name}: the native proof verifies under snarkjs`, async () => {
        await copyFile(join(root, "test/fixtures/ceremony", `${name}.circom`), join(dir, `${name}.circom`));
        await run(process.execPath, [join(root, "node_modules/circom2/cli.js"), `${name}.circom`, "--r1cs", "--wasm", "-o", "."], { cwd: dir });
        const r1cs = join(dir, `${name}.r1cs`);
        const z0 = join(dir, `${name}_0.zkey`), z1 = join(dir, `${name}_1.zkey`);
        await snarkjs.zKey.newZKey(r1cs, ptau, z0);
        await snarkjs.zKey.contribute(z0, z1, "native test", `entropy ${name}`);
        const vkey = (await snarkjs.zKey.exportVerificationKey(z1)) as Parameters<typeof snarkjs.groth16.verify>[0];
        const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
        await snarkjs.wtns.calculate(input, join(dir, `${name}_js`, `${name}.wasm`), wtns);
        const p = await prover.prove(z1, r1cs, wtns.data!);
        assertCanonical(p.proof);
        assert.equal(await snarkjs.groth16.verify(vkey, p.publicSignals, p.proof), true);
        const stock = await snarkjs.groth16.prove(z1, wtns.data!);
        assert.deepEqual(p.publicSignals, stock.publicSignals.map(String), "same public signals as snarkjs");
      });
    }
  });

  describe("selection", () => {
    const saved = process.env.ZKFORGET_PROVER;
    afterEach(() => {
      if (saved === undefined) delete process.env.ZKFORGET_PROVER;
      else process.env.ZKFORGET_PROVER = saved;
    });

    it("defaults to native when the addon loaded; ZKFORGET_PROVER=snarkjs forces snarkjs, and that proof verifies", async () => {
      delete process.env.ZKFORGET_PROVER;
      assert.equal(selectProver(), "native");
      assert.equal(selectProver("snarkjs"), "snarkjs");
      process.env.ZKFORGET_PROVER = "snarkjs";
      assert.equal(selectProver("native"), "snarkjs");
      const f = await deletionFixture();
      const proved = await proveWithKey(f.key, await witnessInput(f.key), f.bundle.publicSignals.map(BigInt), { prover: "native" });
      assert.equal(proved.prover, "snarkjs");
      assert.equal(await snarkjs.groth16.verify(f.key.vkey, proved.publicSignals, proved.proof), true);
    });

    it("rejects an unknown ZKFORGET_PROVER value", () => {
      process.env.ZKFORGET_PROVER = "rapidsnark";
      assert.throws(() => selectProver(), /ZKFORGET_PROVER must be "native" or "snarkjs", not "rapidsnark"/);
    });
  });
});
