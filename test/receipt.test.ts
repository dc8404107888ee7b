import { strict as assert } from "node:assert";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { recordFieldElements } from "../src/dataset/leaf.ts";
import { releaseVerifierThreads, toHex32 } from "../src/verifier/index.ts";
import { checkReceipt, merkleRootFromPath, type DeletionReceipt, type InclusionReceipt } from "../src/verifier/receiptCheck.ts";
import { deletionReceipt, inclusionReceipt } from "../src/workspace/receipts.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("receipts (checked with poseidon-lite and the standalone verifier)", function () {
  let f: DeletionFixture;
  let inclusion: InclusionReceipt;
  let deletion: DeletionReceipt;
  let deletedIndex: number;

  before(async function () {
    f = await deletionFixture();
    inclusion = inclusionReceipt(f.dataset, f.deletedIds[0]!, TEST_PROFILE);
    deletedIndex = f.dataset.slot(f.deletedIds[0]!).index;
    deletion = deletionReceipt(f.deletedIds[0]!, deletedIndex, {
      seq: 2, kind: "deletion", oldState: f.bundle.statement.oldRoot, newState: f.bundle.statement.newRoot,
      recordedAt: "2030-01-01T00:00:00.000Z", requestId: "req-1", bundle: f.bundle,
    });
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
  });

  it("checks the subject's own record against the receipt's record hash", async function () {
    const slot = f.dataset.slot(f.deletedIds[0]!);
    const mine = await checkReceipt(inclusion, { recordFieldElements: recordFieldElements(slot) });
    assert.equal(mine.ok, true, mine.verdict);
    assert.match(mine.verdict, /your record \(checked against the record you gave\)/);
    const other = await checkReceipt(inclusion, { recordFieldElements: recordFieldElements({ ...slot, label: slot.label === 0n ? 65536n : 0n }) });
    assert.equal(other.ok, false);
    assert.match(other.verdict, /your record does not hash to the receipt's recordHash/);
  });

  it("names what is wrong with a tampered inclusion receipt", async function () {
    const cases: [string, (r: InclusionReceipt) => void, RegExp][] = [
      ["sibling", (r) => { r.siblings[3] = toHex32(12345n); }, /the Merkle path from slot \d+ gives root 0x[0-9a-f]{64}, not the receipt's dataRoot/],
      ["salt", (r) => { r.salt = toHex32(1n); }, /recordHash and salt do not hash to its leaf/],
      ["unknown slot", (r) => { r.index = 256; }, /slot 256 does not exist: a depth-8 tree has slots 0\.\.255/],
      ["depth", (r) => { r.siblings.pop(); }, /7 Merkle siblings, but profile deletion-d8-k2 commits depth-8 trees/],
      ["SISA state", (r) => Object.assign(r, { modelRoot: toHex32(1n), configHash: toHex32(2n), state: toHex32(3n) }), /dataRoot, modelRoot and configHash do not hash to its state/],
      ["half SISA", (r) => Object.assign(r, { state: toHex32(3n) }), /modelRoot, configHash and state come together/],
      ["field", (r) => { r.leaf = "0x12"; }, /receipt\.leaf must be a 0x-prefixed 64-digit hex field element/],
      ["kind", (r) => Object.assign(r, { kind: "membership" }), /receipt\.kind must be "inclusion" or "deletion"/],
    ];
    for (const [name, edit, pattern] of cases) {
      const r = copy(inclusion);
      edit(r);
      const result = await checkReceipt(r, { keys: f.keys });
      assert.equal(result.ok, false, name);
      assert.ok(result.reasons.some((reason) => pattern.test(reason)), `${name}: ${JSON.stringify(result.reasons)}`);
    }
    assert.match((await checkReceipt("{\"format\": \"zkforget-rec")).verdict, /not valid JSON/);
    assert.match((await checkReceipt({ format: "other" })).verdict, /not a version-1 zkforget-receipt file/);
  });

  it("confirms a deletion only when the proof verifies and deletes the subject's slot with their leaf", async function () {
    const ok = await checkReceipt(deletion, { keys: f.keys, allowDev: true });
    assert.equal(ok.finding, "deleted", ok.verdict);
    assert.match(ok.verdict, new RegExp(`^DELETED: record "${f.deletedIds[0]}" in slot ${deletedIndex} was deleted from the dataset; dataset root ${f.bundle.statement.oldRoot} → ${f.bundle.statement.newRoot}`));

    assert.match((await checkReceipt(deletion, { keys: f.keys })).verdict, /the deletion proof is not valid: .*INSECURE dev key/);
    assert.match((await checkReceipt(deletion)).verdict, /needs trusted verification keys/);
    const otherLeaf = { ...copy(deletion), leaf: toHex32(99n) };
    assert.match((await checkReceipt(otherLeaf, { keys: f.keys, allowDev: true })).verdict, /deletes slot \d+ with leaf 0x[0-9a-f]{64}, but the receipt's leaf is 0x0+63: it is not your record/);
    const otherSlot = { ...copy(deletion), index: 7 };
    assert.match((await checkReceipt(otherSlot, { keys: f.keys, allowDev: true })).verdict, /slot 7 \(record "[^"]+"\) is not among the slots this proof deletes \(\d+, \d+\)/);
    const swapped = copy(deletion);
    swapped.bundle.publicSignals.reverse();
    assert.match((await checkReceipt(swapped, { keys: f.keys, allowDev: true })).verdict, /the deletion proof is not valid/);
  });

  it("answers 'did this proof delete my record?' for an inclusion receipt and a published bundle", async function () {
    const yes = await checkReceipt(inclusion, { keys: f.keys, allowDev: true, bundle: f.bundle });
    assert.equal(yes.finding, "deleted", yes.verdict);
    const bystander = f.dataset.liveSlots().find((s) => !f.deletedIds.includes(s.id))!;
    const no = await checkReceipt(inclusionReceipt(f.dataset, bystander.id, TEST_PROFILE), { keys: f.keys, allowDev: true, bundle: f.bundle });
    assert.equal(no.ok, false);
    assert.match(no.verdict, new RegExp(`slot ${bystander.index} \\(record "${bystander.id}"\\) is not among the slots this proof deletes`));
  });
});
