import { strict as assert } from "node:assert";
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { BASE_FIELD } from "../src/field.ts";
import { HeadPublishError, headLogPaths, publishHead } from "../src/ledger/heads.ts";
import { readHeadLogFile } from "../src/ledger/headLogFile.ts";
import { Ledger } from "../src/ledger/ledger.ts";
import type { AuditEntry } from "../src/verifier/auditTypes.ts";
import { chainDigests, ChainDigestError, EMPTY_CHAIN_DIGEST, entryDigest } from "../src/verifier/chainDigest.ts";
import {
  checkEquivocation, controllerKeyProblem, findEquivocation, HEAD_FORMAT, HEAD_VERSION, headHash, headMatchesChain, headsMatchChain,
  signHead, verifyHeadLog, type SignedHead,
} from "../src/verifier/headLog.ts";
import { releaseVerifierThreads, type Groth16Proof } from "../src/verifier/index.ts";
import { snapshotOf } from "../src/workspace/workspace.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";
import { runCli } from "./helpers/runCli.ts";

const hex32 = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const T0 = Date.parse("2026-01-05T10:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** A fabricated chain: commit then `n - 1` deletions; `variant` changes the leaf each deletion removes (a fork). */
function fabricatedChain(n: number, variant = 0): AuditEntry[] {
  const entries: AuditEntry[] = [{ seq: 1, kind: "commit", oldState: hex32(1), newState: hex32(1), recordedAt: at(0) }];
  for (let seq = 2; seq <= n; seq++) {
    const leaf = hex32(1000 + seq + variant);
    entries.push({
      seq, kind: "deletion", oldState: hex32(seq - 1), newState: hex32(seq + variant * 100), recordedAt: at(seq), requestId: `req-${seq}`, proveSeconds: 1.25,
      bundle: {
        format: "zkforget-bundle", version: 1, profile: TEST_PROFILE, vkeyHash: "ab".repeat(32), createdAt: at(seq),
        statement: { type: "dataset-deletion", oldRoot: hex32(seq - 1), newRoot: hex32(seq + variant * 100), deletionDigest: hex32(77 + seq), deleted: [{ index: seq, leaf }] },
        publicSignals: [String(seq - 1), String(seq + variant * 100), String(77 + seq)],
        proof: {
          pi_a: ["123", "456", "1"], pi_b: [["1", "2"], ["3", "4"], ["1", "0"]], pi_c: ["789", "1011", "1"], protocol: "groth16", curve: "bn128",
        },
      } as unknown as AuditEntry["bundle"],
    });
  }
  return entries;
}

/** A controller with its own Ed25519 key that signs heads of the chains it chooses. */
function controller() {
  const secret = ed25519.utils.randomSecretKey();
  const key = bytesToHex(ed25519.getPublicKey(secret));
  /** Signs a head of the first `seq` entries of `entries`, following `prev`. */
  const head = (entries: readonly AuditEntry[], seq: number, prev: SignedHead | undefined, minute = seq): SignedHead => signHead({
    format: HEAD_FORMAT, version: HEAD_VERSION, controller: key, seq, state: entries[seq - 1]!.newState,
    chainDigest: chainDigests(entries)[seq]!, prevHead: prev ? headHash(prev) : null, publishedAt: at(minute),
  }, secret);
  /** A whole log: one head per seq in `seqs`, each linked to the one before (optionally after `from`). */
  const log = (entries: readonly AuditEntry[], seqs: readonly number[], from?: SignedHead): SignedHead[] => {
    const out: SignedHead[] = [];
    for (const seq of seqs) out.push(head(entries, seq, out[out.length - 1] ?? from));
    return out;
  };
  return { secret, key, head, log };
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("signed chain-head log", function () {
  describe("chain digest", function () {
    it("has one digest per prefix, starting from the domain-tagged empty chain, and ignores key order", function () {
      const entries = fabricatedChain(4);
      const digests = chainDigests(entries);
      assert.equal(digests.length, 5);
      assert.equal(digests[0], EMPTY_CHAIN_DIGEST);
      assert.equal(new Set(digests).size, 5);
      assert.deepEqual(chainDigests(entries.slice(0, 2)), digests.slice(0, 3), "a prefix's digests are the prefix of the digests");
      const reordered = Object.fromEntries(Object.entries(entries[2]!).reverse());
      assert.equal(entryDigest(reordered), entryDigest(entries[2]));
    });

    it("proof bytes are not identity: negating pi_a's y (p − y), or any other proof, keeps the digest", function () {
      const entries = fabricatedChain(3);
      const mauled = copy(entries);
      const proof = mauled[2]!.bundle!.proof as Groth16Proof;
      proof.pi_a[1] = (BASE_FIELD - BigInt(proof.pi_a[1])).toString();
      assert.notEqual(JSON.stringify(mauled), JSON.stringify(entries));
      assert.deepEqual(chainDigests(mauled), chainDigests(entries));
      delete (mauled[1]!.bundle as { proof?: unknown }).proof;
      assert.deepEqual(chainDigests(mauled), chainDigests(entries));
    });

    it("every statement field, and any field the controller adds, is part of the digest", function () {
      const entries = fabricatedChain(3);
      const base = chainDigests(entries);
      const changes: ((e: AuditEntry[]) => void)[] = [
        (e) => { (e[1]!.bundle!.statement as { deleted: { leaf: string }[] }).deleted[0]!.leaf = hex32(5); },
        (e) => { e[1]!.bundle!.publicSignals[0] = "9"; },
        (e) => { e[1]!.requestId = "someone-else"; },
        (e) => { e[1]!.recordedAt = at(99); },
        (e) => { (e[1] as unknown as Record<string, unknown>).extra = true; },
        (e) => { (e[1]!.bundle as unknown as Record<string, unknown>).note = "x"; },
      ];
      for (const change of changes) {
        const changed = copy(entries);
        change(changed);
        const digests = chainDigests(changed);
        assert.equal(digests[1], base[1], "entries before the change keep their digest");
        assert.notEqual(digests[2], base[2], `unchanged digest after ${change.toString()}`);
        assert.notEqual(digests[3], base[3], "and every later prefix changes too");
      }
    });

    it("refuses an entry that is not a JSON object, naming it", function () {
      assert.throws(() => chainDigests([fabricatedChain(1)[0], "x"]), (e: Error) => e instanceof ChainDigestError && /entry 2 .*a string, not a JSON object/.test(e.message));
      assert.throws(() => entryDigest({ seq: 1n }), (e: Error) => e instanceof ChainDigestError && /\$\.seq is a bigint/.test(e.message));
    });
  });

  describe("head log", function () {
    const entries = fabricatedChain(5);

    it("a log of heads extending one chain verifies, and the chain matches every head", function () {
      const c = controller();
      const log = c.log(entries, [1, 3, 3, 5]);
      const report = verifyHeadLog(copy(log), { controllerKey: c.key.toUpperCase() });
      assert.deepEqual(report.problems, []);
      assert.equal(report.valid, true);
      assert.equal(report.pinned, true);
      assert.equal(report.last?.seq, 5);
      assert.deepEqual(headsMatchChain(log, entries), []);
      assert.deepEqual(headMatchesChain(log[1], entries.slice(0, 3)), [], "a head matches the prefix it covers");
      const unpinned = verifyHeadLog(log);
      assert.equal(unpinned.valid, true);
      assert.equal(unpinned.controller, c.key);
      assert.equal(unpinned.pinned, false);
    });

    it("a tampered signature, or a field changed after signing, is caught", function () {
      const c = controller();
      const log = c.log(entries, [1, 2, 3]);
      const badSig = copy(log);
      const s = badSig[1]!.signature;
      badSig[1]!.signature = `${s.slice(0, 10)}${s[10] === "0" ? "1" : "0"}${s.slice(11)}`;
      assert.match(verifyHeadLog(badSig).problems.join("\n"), /head 2 of the log \(seq 2\): the signature does not verify/);
      const moved = copy(log);
      moved[2]!.chainDigest = chainDigests(fabricatedChain(5, 1))[3]!;
      assert.match(verifyHeadLog(moved).problems.join("\n"), /head 3 of the log \(seq 3\): the signature does not verify/);
      const extra = { ...copy(log[0]!), note: "hi" };
      assert.match(verifyHeadLog([extra]).problems.join("\n"), /unknown fields note/);
    });

    it("a reordered, spliced or truncated log is caught", function () {
      const c = controller();
      const log = c.log(entries, [1, 2, 3, 4]);
      const reordered = [log[0]!, log[2]!, log[1]!, log[3]!];
      const r = verifyHeadLog(reordered, { controllerKey: c.key });
      assert.equal(r.valid, false);
      assert.match(r.problems.join("\n"), /head 2 of the log \(seq 3\) does not name the head before it.*reordered/);
      assert.match(r.problems.join("\n"), /head 3 of the log goes back from seq 3 to seq 2/);
      assert.match(verifyHeadLog([log[0]!, log[2]!]).problems.join("\n"), /does not name the head before it/);
      assert.match(verifyHeadLog(log.slice(1)).problems.join("\n"), /first head but names a previous head.*truncated/);
    });

    it("a head from another controller key is refused, pinned or not", function () {
      const c = controller(), other = controller();
      const log = c.log(entries, [1, 2]);
      const spliced = [log[0]!, other.head(entries, 2, log[0])];
      assert.match(verifyHeadLog(spliced).problems.join("\n"), new RegExp(`head 2 of the log \\(seq 2\\) is signed by ${other.key}, not by the controller key ${c.key}`));
      const pinned = verifyHeadLog(log, { controllerKey: other.key });
      assert.equal(pinned.valid, false);
      assert.match(pinned.problems[0]!, /signed by .* not by the controller key/);
      assert.match(verifyHeadLog(log, { controllerKey: "zz" }).problems[0]!, /the controller key you gave must be an Ed25519 public key/);
    });

    it("refuses a small-order controller key (signatures under it prove nothing)", function () {
      const identity = `01${"00".repeat(31)}`;
      assert.match(controllerKeyProblem(identity)!, /small-order|not a valid/);
      assert.equal(controllerKeyProblem(controller().key), undefined);
    });

    it("never throws on garbage, and says what is wrong", function () {
      for (const junk of [null, "heads", 3, {}, [], [null], [[]], [{ format: "zkforget-head" }]]) {
        const r = verifyHeadLog(junk);
        assert.equal(r.valid, false);
        assert.ok(r.problems.length > 0 && r.problems.every((p) => typeof p === "string" && p.length > 10), JSON.stringify(r.problems));
        assert.ok(headMatchesChain(junk, entries).length > 0);
        assert.ok(headMatchesChain(controller().log(entries, [2])[0], junk).length > 0);
        assert.equal(findEquivocation(junk, junk).equivocation, undefined);
        assert.ok(checkEquivocation(junk).length > 0);
      }
      assert.match(headMatchesChain(controller().log(entries, [2])[0], [entries[0], "x"]).join(), /cannot digest the chain: entry 2/);
    });
  });

  describe("equivocation (the controller shows two parties different chains)", function () {
    const honest = fabricatedChain(5);
    /** The same chain up to entry 2, then entry 3 deletes another record. */
    const fork = [...honest.slice(0, 2), ...fabricatedChain(5, 1).slice(2)];

    it("a forked chain does not match the head signed for the other one", function () {
      const c = controller();
      const headForFork = c.head(fork, 4, undefined);
      const problems = headMatchesChain(headForFork, honest);
      assert.match(problems.join("\n"), /names state .* but entry 4 of the chain moves to/);
      assert.match(problems.join("\n"), /names chain digest .* but the chain's first 4 entries digest to .*a fork or a rewritten entry/);
      assert.deepEqual(headMatchesChain(c.head(honest, 2, undefined), fork), [], "they agree before the fork");
    });

    it("same seq, different chains: both logs given, the pair is a self-contained proof", function () {
      const c = controller();
      const shownToA = c.log(honest, [1, 2, 3, 4]);
      const shownToB = c.log(fork, [1, 2, 3, 4]);
      assert.equal(verifyHeadLog(shownToA).valid, true);
      assert.equal(verifyHeadLog(shownToB).valid, true, "each party alone sees a valid log");
      const search = findEquivocation(shownToA, shownToB, { controllerKey: c.key });
      const proof = search.equivocation!;
      assert.ok(proof, "the equivocation is found");
      assert.equal(proof.kind, "same-seq");
      assert.equal(proof.first.seq, 3);
      assert.equal(proof.second.seq, 3);
      assert.match(proof.reason, /signed two different chains at seq 3/);
      assert.deepEqual(checkEquivocation(copy(proof)), []);
      assert.deepEqual(checkEquivocation(proof, { controllerKey: c.key }), []);
      assert.match(checkEquivocation(proof, { controllerKey: controller().key }).join(), /must be signed by the controller key/);
    });

    it("a shorter chain that is not a prefix of the longer one: caught at the shorter seq, or as a fork of the log", function () {
      const c = controller();
      const shownToA = c.log(honest, [1, 2, 3]);
      // B's log includes seq 3 of the fork: compared at seq 3.
      assert.equal(findEquivocation(shownToA, c.log(fork, [1, 2, 3, 5])).equivocation?.kind, "same-seq");
      // B's log skips seq 3: to hide the fork it must branch off A's log after the common head.
      const shownToB = [...shownToA.slice(0, 2), ...c.log(fork, [5], shownToA[1])];
      assert.equal(verifyHeadLog(shownToB).valid, true);
      const proof = findEquivocation(shownToA, shownToB).equivocation!;
      assert.equal(proof.kind, "fork");
      assert.deepEqual([proof.first.seq, proof.second.seq], [3, 5]);
      assert.deepEqual(checkEquivocation(proof), []);
    });

    it("an honest controller is never accused: a prefix log, repeated heads, one log against itself", function () {
      const c = controller();
      const full = c.log(honest, [1, 2, 2, 4, 5]);
      for (const [a, b] of [[full.slice(0, 2), full], [full, full], [full, copy(full).reverse()]] as const) {
        const search = findEquivocation(a, b);
        assert.equal(search.equivocation, undefined);
        assert.deepEqual(search.problems, []);
        assert.equal(search.compared, 5);
      }
    });

    it("a forged proof does not check: edited heads, one head twice, a wrong kind", function () {
      const c = controller();
      // B's log skips seq 2, so the two heads of seq 3 follow different heads.
      const proof = findEquivocation(c.log(honest, [1, 2, 3]), c.log(fork, [1, 3])).equivocation!;
      assert.equal(proof.kind, "same-seq");
      const edited = copy(proof);
      edited.second.chainDigest = edited.first.chainDigest;
      assert.match(checkEquivocation(edited).join(), /proof\.second \(seq 3\): the signature does not verify/);
      assert.match(checkEquivocation({ ...proof, second: proof.first }).join(), /the same head/);
      assert.match(checkEquivocation({ ...proof, kind: "fork" }).join(), /same prevHead/);
      const sameChain = { ...proof, second: c.head(honest, 3, undefined, 9) };
      assert.match(checkEquivocation(sameChain).join(), /the same chain at seq 3: no contradiction/);
    });
  });

  describe("controller side (a real ledger) and the CLI", function () {
    let f: DeletionFixture;
    let ws: string;
    let ledgerPath: string;

    before(async function () {
      f = await deletionFixture();
      ws = await mkdtemp(join(tmpdir(), "zkf-heads-"));
      ledgerPath = join(ws, "ledger.sqlite");
      const poseidon = await getPoseidon();
      const profile = getProfile(TEST_PROFILE);
      const genesis = snapshotOf({ kind: "deletion", profile, dataset: f.dataset }, poseidon);
      (await Ledger.create(ledgerPath, { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body })).close();
    });
    after(releaseVerifierThreads);

    it("publishes heads that extend each other, with a private 0600 key, and refuses a rewritten ledger", async function () {
      const first = await publishHead(ws, ledgerPath, { now: new Date(at(0)) });
      assert.equal(first.head.seq, 1);
      assert.equal(first.head.prevHead, null);
      const paths = headLogPaths(ws);
      assert.equal((await stat(paths.key)).mode & 0o777, 0o600);
      assert.ok(!(await readFile(paths.heads, "utf8")).includes((await readFile(paths.key, "utf8")).trim()), "the secret is not in the log");

      const ledger = Ledger.open(ledgerPath);
      const poseidon = await getPoseidon();
      const after = snapshotOf({ kind: "deletion", profile: getProfile(TEST_PROFILE), dataset: f.after }, poseidon);
      await ledger.append({ bundle: f.bundle, snapshot: after }, { keys: f.keys, allowDev: true });
      const entries = ledger.entries();
      ledger.close();
      const second = await publishHead(ws, ledgerPath, { now: new Date(at(1)) });
      assert.equal(second.controllerKey, first.controllerKey);
      assert.deepEqual([second.head.seq, second.head.state, second.head.prevHead], [2, f.bundle.statement.newRoot, headHash(first.head)]);
      const log = await readHeadLogFile(paths.heads);
      assert.deepEqual(log, [first.head, second.head]);
      assert.equal(verifyHeadLog(log, { controllerKey: first.controllerKey }).valid, true);
      assert.deepEqual(headsMatchChain(log, entries), []);

      // Real proof malleability: the mauled bundle still matches the signed head.
      const mauled = copy(entries);
      const proof = mauled[1]!.bundle!.proof;
      proof.pi_a[1] = (BASE_FIELD - BigInt(proof.pi_a[1])).toString();
      assert.deepEqual(headsMatchChain(log, mauled), []);

      // The controller replaces its ledger with one that never made the deletion: refused, log unchanged.
      const before = await readFile(paths.heads, "utf8");
      const genesis = snapshotOf({ kind: "deletion", profile: getProfile(TEST_PROFILE), dataset: f.dataset }, poseidon);
      (await Ledger.create(join(ws, "rewritten.sqlite"), { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body })).close();
      await assert.rejects(publishHead(ws, join(ws, "rewritten.sqlite")), (e: Error) => e instanceof HeadPublishError && /does not extend the last published head \(seq 2\).*covers 2 entries but the chain has only 1/.test(e.message));
      await assert.rejects(publishHead(ws, ledgerPath, { now: new Date(at(0)) }), /the clock .* is before the last head's publication time/);
      assert.equal(await readFile(paths.heads, "utf8"), before);
    });

    it("zkforget head publish / verify / compare: exit 0, 1 (broken, equivocation proved), 2 (unusable)", async function () {
      const published = runCli(["head", "publish", "--workspace", ws]);
      assert.equal(published.code, 0, published.stderr);
      const head = JSON.parse(published.stdout) as SignedHead;
      assert.equal(head.seq, 2);
      assert.match(published.stderr, new RegExp(`controller public key: ${head.controller}`));
      const headsFile = headLogPaths(ws).heads;

      const ok = runCli(["head", "verify", headsFile, ws, "--keys", f.keysDir, "--controller-key", head.controller]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /^CONSISTENT: 3 signed heads, the last at seq 2/);
      assert.match(ok.stdout, /\(pinned\)/);

      // The controller signs, with its own key, a head of a forked chain for someone else.
      const log = await readHeadLogFile(headsFile) as SignedHead[];
      const secret = Buffer.from((await readFile(headLogPaths(ws).key, "utf8")).trim(), "hex");
      const forged = signHead({ ...log[1]!, state: hex32(42), chainDigest: "cd".repeat(32), publishedAt: at(2) }, secret);
      const otherFile = join(ws, "shown-to-b.jsonl");
      await writeFile(otherFile, [log[0], forged].map((h) => JSON.stringify(h)).join("\n") + "\n");
      const cmp = runCli(["head", "compare", headsFile, otherFile]);
      assert.equal(cmp.code, 1, cmp.stdout + cmp.stderr);
      const proof = JSON.parse(cmp.stdout) as unknown;
      assert.deepEqual(checkEquivocation(proof, { controllerKey: head.controller }), []);
      assert.match(cmp.stderr, /EQUIVOCATION: .*two different chains at seq 2/);
      await writeFile(join(ws, "proof.json"), cmp.stdout);
      const checked = runCli(["head", "check-proof", join(ws, "proof.json"), "--controller-key", head.controller]);
      assert.equal(checked.code, 0, checked.stdout);
      assert.match(checked.stdout, /^PROVED: the controller .* signed two different chains at seq 2/);
      const forkVerify = runCli(["head", "verify", otherFile, ws, "--keys", f.keysDir]);
      assert.equal(forkVerify.code, 1);
      assert.match(forkVerify.stdout, /head 2 of the log \(seq 2\) names chain digest cdcd/);

      const same = runCli(["head", "compare", headsFile, headsFile, "--controller-key", head.controller]);
      assert.equal(same.code, 0, same.stdout);
      assert.match(same.stdout, /NO CONTRADICTION: 3 distinct signed heads/);

      await writeFile(join(ws, "bad.jsonl"), `${JSON.stringify(log[0])}\n{"truncated\n`);
      const bad = runCli(["head", "verify", join(ws, "bad.jsonl"), ws, "--keys", f.keysDir]);
      assert.equal(bad.code, 2);
      assert.match(bad.stdout, /UNUSABLE: head log .*bad\.jsonl line 2 is not valid JSON/);

      await chmod(headLogPaths(ws).key, 0o644);
      const exposed = runCli(["head", "publish", "--workspace", ws]);
      assert.equal(exposed.code, 1);
      assert.match(exposed.stderr, /controller\.key is readable by others \(mode 644\)/);
    });
  });
});
