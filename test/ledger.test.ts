import { strict as assert } from "node:assert";
import Database from "better-sqlite3";
import { copyFile, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import type { CommittedDataset } from "../src/dataset/commitment.ts";
import { auditPackageFromLedger } from "../src/ledger/audit.ts";
import { LedgerError } from "../src/ledger/database.ts";
import { isOverdue, Ledger, LedgerAppendError, publicRequest } from "../src/ledger/ledger.ts";
import { releaseVerifierThreads, toHex32, verifyAuditPackage, type DeletionStatement, type ProofBundle } from "../src/verifier/index.ts";
import { requestCommitment } from "../src/verifier/requestCommitment.ts";
import { restoreState, snapshotOf } from "../src/workspace/workspace.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";

/** Everything a ledger holds, as one string: equal dumps mean an unchanged ledger. */
function dump(path: string): string {
  const ledger = Ledger.open(path);
  try {
    return JSON.stringify({ entries: ledger.entries(), snapshot: ledger.snapshot(), requests: ledger.requests() });
  } finally {
    ledger.close();
  }
}

describe("ledger (append-only, SQLite)", function () {
  let f: DeletionFixture;
  let dir: string;
  let snapshot: (dataset: CommittedDataset) => { state: string; body: string };
  const verify = () => ({ keys: f.keys, allowDev: true });
  /** The opening of a request for the fixture's records (their real slots), or for made-up ids (made-up slots). */
  const opening = (ids: readonly string[], salt = 7n) => ({
    salt,
    slots: ids.every((id) => f.deletedIds.includes(id))
      ? f.dataset.slotsOf(ids).map((slot) => ({ index: slot.index, leaf: slot.leaf }))
      : ids.map((_, i) => ({ index: 100 + i, leaf: BigInt(i + 1) })),
  });

  /** A fresh deletion ledger at the fixture's committed dataset. */
  async function freshLedger(name: string, profile = TEST_PROFILE): Promise<Ledger> {
    const genesis = snapshot(f.dataset);
    return Ledger.create(join(dir, `${name}.sqlite`), { profile, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body });
  }

  /** Asserts that `attempt` is refused with a reason matching `pattern` and leaves the ledger as it was. */
  async function refusedUnchanged(ledger: Ledger, attempt: () => Promise<unknown>, pattern: RegExp): Promise<void> {
    const before = dump(ledger.path);
    await assert.rejects(attempt, (error: Error) => error instanceof LedgerAppendError && pattern.test(error.message));
    assert.equal(dump(ledger.path), before, "the ledger changed");
  }

  before(async function () {
    f = await deletionFixture();
    dir = await mkdtemp(join(tmpdir(), "zkf-ledger-"));
    const poseidon = await getPoseidon();
    const profile = getProfile(TEST_PROFILE);
    snapshot = (dataset) => snapshotOf({ kind: "deletion", profile, dataset }, poseidon);
  });
  after(releaseVerifierThreads);

  it("starts with a commit entry at the genesis state, and appends a verified proof with its snapshot in one step", async function () {
    const ledger = await freshLedger("basic");
    try {
      const [commit] = ledger.entries();
      assert.deepEqual({ seq: commit!.seq, kind: commit!.kind, bundle: commit!.bundle }, { seq: 1, kind: "commit", bundle: undefined });
      assert.equal(commit!.oldState, toHex32(f.dataset.root));
      assert.equal(commit!.newState, commit!.oldState);

      // Receiving the request records its salted commitment in the chain (entry 2) without moving the state.
      const received = ledger.receiveRequest("req-1", f.deletedIds, opening(f.deletedIds));
      const recorded = ledger.entries()[1]!;
      assert.deepEqual(
        [recorded.seq, recorded.kind, recorded.requestId, recorded.requestCommitment, recorded.recordCount, recorded.newState, recorded.bundle],
        [2, "request", "req-1", toHex32(requestCommitment(7n, opening(f.deletedIds).slots)), 2, commit!.newState, undefined],
      );
      assert.equal(received.commitment, recorded.requestCommitment);
      assert.equal(received.seq, 2);
      const entry = await ledger.append({ bundle: f.bundle, requestId: "req-1", completesRequest: true, proveSeconds: 1.5, snapshot: snapshot(f.after) }, verify());
      assert.equal(entry.seq, 3);
      assert.equal(entry.kind, "deletion");
      assert.equal(entry.newState, toHex32(f.after.root));
      assert.equal(ledger.snapshot().seq, 3);
      const restored = await restoreState(ledger);
      assert.equal(restored.kind === "deletion" && restored.dataset.root, f.after.root, "the snapshot is the dataset after the deletion");
      const request = ledger.request("req-1")!;
      assert.equal(request.status, "proved");
      assert.deepEqual(request.entries, [3], "the answering entries, not the request entry");
      assert.equal(request.provedAt, entry.recordedAt);
    } finally {
      ledger.close();
    }
  });

  it("refuses to rewrite or delete entries, even with direct SQL", async function () {
    const ledger = await freshLedger("sql");
    ledger.close();
    const db = new Database(join(dir, "sql.sqlite"));
    try {
      assert.throws(() => db.prepare("UPDATE entries SET new_state = 'x' WHERE seq = 1").run(), /append-only/);
      assert.throws(() => db.prepare("DELETE FROM entries").run(), /append-only/);
    } finally {
      db.close();
    }
  });

  describe("never accepts an entry that does not continue the chain (the ledger is unchanged)", function () {
    let ledger: Ledger;
    const good = () => ({ bundle: f.bundle as unknown, snapshot: snapshot(f.after) });
    const tampered = (edit: (b: ProofBundle<DeletionStatement>) => void) => {
      const copy = JSON.parse(JSON.stringify(f.bundle)) as ProofBundle<DeletionStatement>;
      edit(copy);
      return copy;
    };

    before(async function () {
      ledger = await freshLedger("bad");
    });
    after(() => ledger.close());

    it("a truncated bundle", async function () {
      const text = JSON.stringify(f.bundle);
      await refusedUnchanged(ledger, () => ledger.append({ ...good(), bundle: text.slice(0, text.length / 2) }, verify()), /not valid JSON \(truncated\?\)/);
    });

    it("a bundle for another profile than the ledger's", async function () {
      const other = await freshLedger("other-profile", "deletion-d10-k4");
      try {
        await refusedUnchanged(other, () => other.append(good(), verify()), /for profile deletion-d8-k2, but this ledger records deletion-d10-k4/);
      } finally {
        other.close();
      }
    });

    it("swapped public signals", async function () {
      const swapped = tampered((b) => { b.publicSignals = [b.publicSignals[1]!, b.publicSignals[0]!, b.publicSignals[2]!]; });
      await refusedUnchanged(ledger, () => ledger.append({ ...good(), bundle: swapped }, verify()), /does not verify: .*does not match public signal oldRoot/);
    });

    it("a proof under a key the ledger is not given (dev key refused)", async function () {
      await refusedUnchanged(ledger, () => ledger.append(good(), { keys: f.keys }), /does not verify: .*INSECURE dev key/);
    });

    it("a snapshot that is not at the proof's new state", async function () {
      await refusedUnchanged(ledger, () => ledger.append({ ...good(), snapshot: snapshot(f.dataset) }, verify()), /snapshot is at state .* not at the bundle's new state/);
    });

    it("a valid proof replayed against a different state", async function () {
      await ledger.append(good(), verify());
      await refusedUnchanged(ledger, () => ledger.append(good(), verify()), /proof starts at state 0x[0-9a-f]{64}, but the ledger is at 0x[0-9a-f]{64} \(entry 2\); it does not continue the chain/);
    });

    it("an entry for a request that is unknown, already proved, or names other slots", async function () {
      const other = await freshLedger("requests");
      try {
        await refusedUnchanged(other, () => other.append({ ...good(), requestId: "nope" }, verify()), /unknown deletion request "nope"/);
        other.receiveRequest("someone-else", ["x"], opening(["x"]));
        await refusedUnchanged(other, () => other.append({ ...good(), requestId: "someone-else" }, verify()),
          /the proof deletes slot \d+, which deletion request "someone-else" does not name: it cannot answer it/);
        other.receiveRequest("done", f.deletedIds, opening(f.deletedIds));
        await other.append({ ...good(), requestId: "done", completesRequest: true }, verify());
        assert.throws(() => other.receiveRequest("done", f.deletedIds, undefined), /already proved \(entries 4\)/);
      } finally {
        other.close();
      }
    });
  });

  it("tracks requests received → proving → failed, refuses reuse with other ids, and finds overdue ones", async function () {
    const ledger = await freshLedger("lifecycle");
    try {
      const t0 = new Date("2030-01-01T00:00:00Z");
      ledger.receiveRequest("a", ["r1", "r2"], opening(["r1", "r2"]), t0);
      ledger.receiveRequest("b", ["r3"], opening(["r3"]), new Date("2030-01-01T10:00:00Z"));
      assert.equal(ledger.request("a")!.status, "received");
      assert.deepEqual(ledger.entries().map((e) => [e.kind, e.requestId, e.recordedAt]), [
        ["commit", undefined, ledger.entries()[0]!.recordedAt], ["request", "a", t0.toISOString()], ["request", "b", "2030-01-01T10:00:00.000Z"],
      ]);
      assert.throws(() => ledger.receiveRequest("c", ["r4"], undefined), /"c" is new, so it needs the opening of its commitment/);
      assert.throws(() => ledger.receiveRequest("c", ["r4", "r5"], opening(["r4"])), /"c": 2 record ids but 1 slots/);
      assert.equal(ledger.request("c"), undefined, "a refused request is not recorded");
      ledger.setRequestStatus("a", "proving");
      ledger.setRequestStatus("a", "failed", "proving failed: boom");
      const a = ledger.request("a")!;
      assert.deepEqual([a.status, a.error, a.recordCount, a.entries], ["failed", "proving failed: boom", 2, []]);
      assert.deepEqual(ledger.receiveRequest("a", ["r2", "r1"], undefined).id, "a", "the same ids resume the request");
      assert.equal(ledger.entries().length, 3, "resuming records no second request entry");
      assert.throws(() => ledger.receiveRequest("a", ["r1"], undefined), /received with other record ids/);

      const now = new Date("2030-01-01T12:00:00Z");
      const overdue = (hours: number) => ledger.requests().filter((r) => isOverdue(r, hours, now)).map((r) => r.id);
      assert.deepEqual(overdue(1), ["a", "b"]);
      assert.deepEqual(overdue(5), ["a"]);
      assert.deepEqual(overdue(24), []);
      const exported = publicRequest(a);
      assert.ok(!("recordIds" in exported), "exported requests carry no record ids");
      assert.ok(!("slots" in exported) && !("salt" in exported), "nor, before it is proved, the opening of the commitment");
      assert.equal(exported.commitment, a.commitment);
    } finally {
      ledger.close();
    }
  });

  it("exports an audit package with the entries, public requests, keys and evaluation", async function () {
    const ledger = await freshLedger("audit");
    ledger.receiveRequest("req-9", f.deletedIds, opening(f.deletedIds, 9n));
    await ledger.append({ bundle: f.bundle, requestId: "req-9", completesRequest: true, snapshot: snapshot(f.after) }, verify());
    ledger.close();
    const path = join(dir, "audit.sqlite");
    const pkg = await auditPackageFromLedger(path, f.keys);
    assert.equal(pkg.format, "zkforget-audit");
    assert.equal(pkg.profile, TEST_PROFILE);
    assert.deepEqual(pkg.entries.map((e) => e.kind), ["commit", "request", "deletion"]);
    assert.deepEqual(pkg.entries[2]!.bundle, f.bundle);
    assert.deepEqual(Object.keys(pkg.keys), [TEST_PROFILE]);
    assert.equal(pkg.keys[TEST_PROFILE]!.manifest.vkeyHash, f.bundle.vkeyHash);
    assert.deepEqual(pkg.requests.map((r) => [r.id, r.status, r.recordCount, r.entries]), [["req-9", "proved", 2, [3]]]);
    // Proved, so the salt is published and the commitment recorded at entry 2 opens with the deleted slots.
    assert.deepEqual([pkg.requests[0]!.commitment, pkg.requests[0]!.salt], [pkg.entries[1]!.requestCommitment, toHex32(9n)]);
    const report = await verifyAuditPackage(pkg, { keys: f.keys, allowDev: true });
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.requests.map((r) => [r.id, r.proved, r.seq]), [["req-9", true, 2]]);
    assert.ok(!JSON.stringify(pkg).includes(f.deletedIds[0]!), "no record id is exported");
    assert.equal(pkg.evaluation, undefined);

    // The regulator's part of the evaluation is exported; figures about the forgotten records are not.
    await writeFile(join(dir, "evaluation.json"), JSON.stringify({
      records: 40, forget: { size: 2, proofs: 1, accuracy: 0.5 }, utility: { unlearned: { retain: 0.9, test: 0.8, forget: 0.5 } },
    }));
    const exported = JSON.parse(JSON.stringify((await auditPackageFromLedger(path, f.keys)).evaluation)) as Record<string, unknown>;
    assert.deepEqual(
      { records: exported.records, forget: exported.forget, utility: exported.utility },
      { records: 40, forget: { size: 2, proofs: 1 }, utility: { unlearned: { retain: 0.9, test: 0.8 } } },
    );
    await assert.rejects(auditPackageFromLedger(path, new Map()), /no verification key for profile deletion-d8-k2/);
  });

  describe("a corrupted or foreign file is refused with the file named, and left untouched", function () {
    let good: string;
    before(async function () {
      (await freshLedger("intact")).close();
      good = join(dir, "intact.sqlite");
    });

    const cases: [string, (bytes: Buffer) => Buffer][] = [
      ["a clobbered header", (b) => b.fill(0x41, 0, 64)],
      ["a clobbered page", (b) => b.fill(0xff, 4096 + 8, 4096 + 200)],
      ["a file cut in half", (b) => b.subarray(0, Math.floor(b.length / 2))],
      ["a text file", () => Buffer.from("id,a,label\n1,2,0\n")],
    ];
    for (const [name, corrupt] of cases) {
      it(name, async function () {
        const path = join(dir, `corrupt-${name.replace(/\W/g, "")}.sqlite`);
        await writeFile(path, corrupt(await readFile(good)));
        const bytes = await readFile(path);
        assert.throws(() => Ledger.open(path), (error: Error) =>
          error instanceof LedgerError && error.message.startsWith(`${path}: not a zkforget ledger, or the database is corrupt`));
        assert.deepEqual(await readFile(path), bytes, "the file was changed");
        assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith(`corrupt-${name.replace(/\W/g, "")}`)), [`corrupt-${name.replace(/\W/g, "")}.sqlite`], "no journal was left");
      });
    }

    it("an SQLite database that is not a ledger", async function () {
      const path = join(dir, "foreign.sqlite");
      const db = new Database(path);
      db.exec("CREATE TABLE t (x)");
      db.close();
      assert.throws(() => Ledger.open(path), /foreign\.sqlite: not a zkforget ledger, or the database is corrupt \(no entries, meta, requests, snapshot tables\)/);
    });

    it("a missing ledger", function () {
      assert.throws(() => Ledger.open(join(dir, "missing.sqlite")), /missing\.sqlite: no ledger here \(run `zkforget commit` first\)/);
    });

    it("an existing ledger is not replaced unless asked", async function () {
      const copy = join(dir, "keep.sqlite");
      await copyFile(good, copy);
      const genesis = snapshot(f.dataset);
      await assert.rejects(Ledger.create(copy, { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body }), /a ledger already exists here/);
      assert.deepEqual(await readFile(copy), await readFile(good));
    });
  });
});
