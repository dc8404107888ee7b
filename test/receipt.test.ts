import { strict as assert } from "node:assert";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { recordFieldElements } from "../src/dataset/leaf.ts";
import { auditPackageFromLedger } from "../src/ledger/audit.ts";
import { Ledger } from "../src/ledger/ledger.ts";
import type { AuditPackage } from "../src/verifier/auditTypes.ts";
import { releaseVerifierThreads, toHex32 } from "../src/verifier/index.ts";
import { checkReceipt, merkleRootFromPath, type DeletionReceipt, type InclusionReceipt, type RequestReceipt } from "../src/verifier/receiptCheck.ts";
import { deletionReceipt, inclusionReceipt, requestReceipt } from "../src/workspace/receipts.ts";
import { snapshotOf } from "../src/workspace/workspace.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("receipts (checked with poseidon-lite and the standalone verifier)", function () {
  let f: DeletionFixture;
  let inclusion: InclusionReceipt;
  let deletion: DeletionReceipt;
  let request: RequestReceipt;
  let deletedIndex: number;
  /** The published audit package of a real ledger: commit, request req-1 (entry 2), the deletion answering it (entry 3). */
  let audit: AuditPackage;

  before(async function () {
    f = await deletionFixture();
    inclusion = inclusionReceipt(f.dataset, f.deletedIds[0]!, TEST_PROFILE);
    deletedIndex = f.dataset.slot(f.deletedIds[0]!).index;
    const poseidon = await getPoseidon();
    const snapshot = (dataset: typeof f.dataset) => snapshotOf({ kind: "deletion", profile: getProfile(TEST_PROFILE), dataset }, poseidon);
    const path = join(await mkdtemp(join(tmpdir(), "zkf-receipt-")), "ledger.sqlite");
    const genesis = snapshot(f.dataset);
    const ledger = await Ledger.create(path, { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body });
    try {
      const slots = f.dataset.slotsOf(f.deletedIds).map((slot) => ({ index: slot.index, leaf: slot.leaf }));
      request = requestReceipt(TEST_PROFILE, ledger.receiveRequest("req-1", f.deletedIds, { salt: 31n, slots }));
      const entry = await ledger.append({ bundle: f.bundle, requestId: "req-1", completesRequest: true, snapshot: snapshot(f.after) }, { keys: f.keys, allowDev: true });
      deletion = deletionReceipt(f.deletedIds[0]!, deletedIndex, entry, ledger.request("req-1")!, f.after.merkleProof(deletedIndex).siblings);
    } finally {
      ledger.close();
    }
    audit = await auditPackageFromLedger(path, f.keys);
  });
  after(releaseVerifierThreads);

  it("recomputes the committed root from the leaf and the Merkle path, as the prover's tree does", async function () {
    const poseidon = await getPoseidon();
    const slot = f.dataset.slot(f.deletedIds[1]!);
    const proof = f.dataset.merkleProof(slot.index);
    assert.equal(merkleRootFromPath(slot.leaf, slot.index, proof.siblings), f.dataset.root);
    assert.equal(poseidon.hash([slot.recordHash, slot.salt]), slot.leaf);

    const result = await checkReceipt(JSON.stringify(inclusion), { keys: f.keys });
    assert.deepEqual(result.reasons, []);
    assert.equal(result.finding, "committed");
    assert.match(result.verdict, new RegExp(`^COMMITTED: record "${f.deletedIds[0]}" is committed in slot ${deletedIndex} under dataset root ${toHex32(f.dataset.root)}`));
    assert.ok(!("recordHash" in inclusion), "a version-2 inclusion receipt carries no unsalted record hash");

    const anchored = await checkReceipt(inclusion, { keys: f.keys, allowDev: true, audit });
    assert.equal(anchored.ok, true, anchored.verdict);
    assert.match(anchored.verdict, /The published audit chain starts at this state\.$/);
    const after = toHex32(f.after.root);
    const otherChain = { ...audit, entries: [{ seq: 1, kind: "commit", oldState: after, newState: after, recordedAt: audit.exportedAt }], requests: [] };
    assert.match((await checkReceipt(inclusion, { keys: f.keys, allowDev: true, audit: otherChain })).verdict,
      new RegExp(`the published chain starts at ${after}, not at the state of your receipt`));
  });

  it("checks the subject's own record, with the receipt's salt, against the receipt's leaf", async function () {
    const slot = f.dataset.slot(f.deletedIds[0]!);
    const mine = await checkReceipt(inclusion, { recordFieldElements: recordFieldElements(slot) });
    assert.equal(mine.ok, true, mine.verdict);
    assert.match(mine.verdict, /your record \(checked against the record you gave\)/);
    const other = await checkReceipt(inclusion, { recordFieldElements: recordFieldElements({ ...slot, label: slot.label === 0n ? 65536n : 0n }) });
    assert.equal(other.ok, false);
    assert.match(other.verdict, /your record, with the receipt's salt, does not hash to the receipt's leaf/);
    const otherSalt = await checkReceipt({ ...inclusion, salt: toHex32(1n) }, { recordFieldElements: recordFieldElements(slot) });
    assert.equal(otherSalt.ok, false);
    assert.match(otherSalt.verdict, /does not hash to the receipt's leaf/);
  });

  it("names what is wrong with a tampered inclusion receipt", async function () {
    const cases: [string, (r: InclusionReceipt) => void, RegExp][] = [
      ["sibling", (r) => { r.siblings[3] = toHex32(12345n); }, /the Merkle path from slot \d+ gives root 0x[0-9a-f]{64}, not the receipt's dataRoot/],
      ["leaf", (r) => { r.leaf = toHex32(1n); }, /the Merkle path from slot \d+ gives root 0x[0-9a-f]{64}, not the receipt's dataRoot/],
      ["unknown slot", (r) => { r.index = 256; }, /slot 256 does not exist: a depth-8 tree has slots 0\.\.255/],
      ["depth", (r) => { r.siblings.pop(); }, /7 Merkle siblings, but profile deletion-d8-k2 commits depth-8 trees/],
      ["SISA state", (r) => Object.assign(r, { modelRoot: toHex32(1n), configHash: toHex32(2n), state: toHex32(3n) }), /dataRoot, modelRoot and configHash do not hash to its state/],
      ["half SISA", (r) => Object.assign(r, { state: toHex32(3n) }), /modelRoot, configHash and state come together/],
      ["field", (r) => { r.leaf = "0x12"; }, /receipt\.leaf must be a 0x-prefixed 64-digit hex field element/],
      ["kind", (r) => Object.assign(r, { kind: "membership" }), /receipt\.kind must be "inclusion", "request" or "deletion"/],
      ["version 1", (r) => Object.assign(r, { version: 1, recordHash: toHex32(5n) }), /receipt version 1 is not supported .*unsalted record hash/],
    ];
    for (const [name, edit, pattern] of cases) {
      const r = copy(inclusion);
      edit(r);
      const result = await checkReceipt(r, { keys: f.keys });
      assert.equal(result.ok, false, name);
      assert.ok(result.reasons.some((reason) => pattern.test(reason)), `${name}: ${JSON.stringify(result.reasons)}`);
    }
    assert.match((await checkReceipt("{\"format\": \"zkforget-rec")).verdict, /not valid JSON/);
    assert.match((await checkReceipt({ format: "other" })).verdict, /not a zkforget-receipt file/);
  });

  it("confirms a deletion only against the published chain, when the proof verifies and deletes the subject's slot with their leaf", async function () {
    const ok = await checkReceipt(deletion, { keys: f.keys, allowDev: true, audit });
    assert.equal(ok.finding, "deleted", ok.verdict);
    assert.match(ok.verdict, new RegExp(`^DELETED: record "${f.deletedIds[0]}" in slot ${deletedIndex} was deleted from the dataset, at entry 3 of the published chain, answering request "req-1"\\. ` +
      `The slot is empty under data root ${f.bundle.statement.newRoot}, the latest published root\\.`));
    // The same receipt as text, with the package as text.
    assert.equal((await checkReceipt(JSON.stringify(deletion), { keys: f.keys, allowDev: true, audit: JSON.stringify(audit) })).ok, true);

    const alone = await checkReceipt(deletion, { keys: f.keys, allowDev: true });
    assert.equal(alone.ok, false, "a valid proof alone does not confirm a deletion");
    assert.match(alone.verdict, /the proof deleting your slot verifies, but a deletion receipt is confirmed only against the controller's published audit package/);

    assert.match((await checkReceipt(deletion, { keys: f.keys, audit })).verdict, /the deletion proof is not valid: .*INSECURE dev key/);
    assert.match((await checkReceipt(deletion, { audit })).verdict, /needs trusted verification keys/);
    const otherLeaf = { ...copy(deletion), leaf: toHex32(99n) };
    assert.match((await checkReceipt(otherLeaf, { keys: f.keys, allowDev: true, audit })).verdict, /deletes slot \d+ with leaf 0x[0-9a-f]{64}, but the receipt's leaf is 0x0+63: it is not your record/);
    const otherSlot = { ...copy(deletion), index: 7 };
    assert.match((await checkReceipt(otherSlot, { keys: f.keys, allowDev: true, audit })).verdict, /slot 7 \(record "[^"]+"\) is not among the slots this proof deletes \(\d+, \d+\)/);
    const swapped = copy(deletion);
    swapped.bundle.publicSignals.reverse();
    assert.match((await checkReceipt(swapped, { keys: f.keys, allowDev: true, audit })).verdict, /the deletion proof is not valid/);

    const notEmpty = copy(deletion);
    notEmpty.absence.siblings[0] = toHex32(12345n);
    assert.match((await checkReceipt(notEmpty, { keys: f.keys, allowDev: true, audit })).verdict, new RegExp(`the non-membership path does not show slot ${deletedIndex} empty`));
    const otherRequest = copy(deletion);
    otherRequest.request.slots = otherRequest.request.slots.filter((s) => s.index !== deletedIndex);
    assert.match((await checkReceipt(otherRequest, { keys: f.keys, allowDev: true, audit })).verdict, new RegExp(`request "req-1" does not name your slot ${deletedIndex}`));
    const elsewhere = { ...copy(deletion), seq: 2 };
    assert.match((await checkReceipt(elsewhere, { keys: f.keys, allowDev: true, audit })).verdict, /the published chain's entry 2 is not the proof in your receipt/);
    // A valid published chain where the request is recorded but never answered: the receipt's proof is not in it.
    const unanswered = copy(audit);
    unanswered.entries = unanswered.entries.slice(0, 2);
    const { provedAt: _provedAt, salt: _salt, ...pending } = unanswered.requests[0]!;
    unanswered.requests = [{ ...pending, status: "received", entries: [] }];
    const fork = await checkReceipt(deletion, { keys: f.keys, allowDev: true, audit: unanswered });
    assert.equal(fork.ok, false);
    assert.match(fork.verdict, /the published chain's entry 3 is not the proof in your receipt/);
    assert.ok(fork.reasons.some((x) => /does not show request "req-1" answered/.test(x)), fork.reasons.join("\n"));
  });

  it("confirms a request acknowledgement against the published chain: recorded before any proof, committed to the subject's slots", async function () {
    const ok = await checkReceipt(request, { keys: f.keys, allowDev: true, audit });
    assert.equal(ok.finding, "requested", ok.verdict);
    assert.match(ok.verdict, /^REQUESTED: deletion request "req-1" for slots \d+, \d+ is recorded in the published chain at entry 2, .* It is answered by verified proofs\./);
    assert.match((await checkReceipt(request, { keys: f.keys, allowDev: true })).verdict, /checked against the controller's published audit package: give it \(--audit\)/);
    const otherSalt = copy(request);
    otherSalt.request.salt = toHex32(32n);
    assert.match((await checkReceipt(otherSalt, { keys: f.keys, allowDev: true, audit })).verdict, /the request opening \(salt and slots\) does not hash to the receipt's commitment/);
    const otherSeq = copy(request);
    otherSeq.request.seq = 3;
    assert.match((await checkReceipt(otherSeq, { keys: f.keys, allowDev: true, audit })).verdict, /the published chain does not record request "req-1" at entry 3/);
  });

  it("answers 'did this proof delete my record?' for an inclusion receipt and a published bundle", async function () {
    const yes = await checkReceipt(inclusion, { keys: f.keys, allowDev: true, bundle: f.bundle });
    assert.equal(yes.finding, "deleted", yes.verdict);
    assert.match(yes.verdict, /^PROOF ONLY: the proof verifies .*and deletes slot \d+ with your leaf\. Whether it is part of the controller's published chain is not checked here/);
    const bystander = f.dataset.liveSlots().find((s) => !f.deletedIds.includes(s.id))!;
    const no = await checkReceipt(inclusionReceipt(f.dataset, bystander.id, TEST_PROFILE), { keys: f.keys, allowDev: true, bundle: f.bundle });
    assert.equal(no.ok, false);
    assert.match(no.verdict, new RegExp(`slot ${bystander.index} \\(record "${bystander.id}"\\) is not among the slots this proof deletes`));
  });

  it("says a record given with a receipt or check that hashes no record was not checked, instead of ignoring it", async function () {
    const slot = f.dataset.slot(f.deletedIds[0]!);
    const record = { recordFieldElements: recordFieldElements(slot) };
    const deleted = await checkReceipt(deletion, { keys: f.keys, allowDev: true, audit, ...record });
    assert.equal(deleted.finding, "deleted", deleted.verdict);
    assert.match(deleted.verdict, /Your record was not checked against this receipt: only your inclusion receipt holds your slot's salt/);
    const requested = await checkReceipt(request, { keys: f.keys, allowDev: true, audit, record: { features: [0], label: 0 } });
    assert.equal(requested.finding, "requested", requested.verdict);
    assert.match(requested.verdict, /Your record was not checked against this receipt/);
    const proofOnly = await checkReceipt(inclusion, { keys: f.keys, allowDev: true, bundle: f.bundle, ...record });
    assert.match(proofOnly.verdict, /^PROOF ONLY: .*Your record was not checked here, with a proof to check/);
    const plain = await checkReceipt(inclusion, { keys: f.keys, allowDev: true });
    assert.doesNotMatch(plain.verdict, /Your record was not checked/);
  });
});
