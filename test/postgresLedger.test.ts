import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { getProfile } from "../src/circuits/profiles.ts";
import { getPoseidon } from "../src/crypto/poseidon.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { openLedgerContext } from "../src/jobs/context.ts";
import { startWorker } from "../src/jobs/worker.ts";
import { LedgerError } from "../src/ledger/database.ts";
import { Ledger, LedgerAppendError } from "../src/ledger/ledger.ts";
import { importSqliteLedger, PostgresLedgerStore } from "../src/ledger/postgres.ts";
import { startService } from "../src/server/service.ts";
import { createToken } from "../src/server/tokens.ts";
import { releaseVerifierThreads, verifyAuditPackage } from "../src/verifier/index.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { importWorkspaceLedger } from "../src/jobs/context.ts";
import { snapshotOf } from "../src/workspace/workspace.ts";
import { toHex32 } from "../src/verifier/fieldText.ts";
import { requestCommitment } from "../src/verifier/requestCommitment.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";
import { needServer, TEST_POSTGRES, TEST_REDIS } from "./helpers/servers.ts";

describe("ledger on PostgreSQL (a real server)", function () {
  let f: DeletionFixture;
  let dir: string;
  const schemas: string[] = [];
  const snapshot = async (dataset: DeletionFixture["dataset"]) => snapshotOf({ kind: "deletion", profile: getProfile(TEST_PROFILE), dataset }, await getPoseidon());
  const verify = () => ({ keys: f.keys, allowDev: true });
  /** The opening of a request for `ids` of the fixture's dataset (their real slots). */
  const opening = (ids: readonly string[], salt = 7n) => ({ salt, slots: f.dataset.slotsOf(ids).map((s) => ({ index: s.index, leaf: s.leaf })) });

  /** A fresh schema URL, dropped after the suite. */
  const freshUrl = () => {
    const schema = `zkf_test_${randomBytes(6).toString("hex")}`;
    schemas.push(schema);
    const u = new URL(TEST_POSTGRES!);
    u.searchParams.set("schema", schema);
    return u.toString();
  };

  /** A PostgreSQL ledger imported from a fresh SQLite ledger at the fixture's dataset. */
  const freshStore = async () => {
    const genesis = await snapshot(f.dataset);
    const sqlite = await Ledger.create(join(dir, `${randomBytes(4).toString("hex")}.sqlite`), { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body });
    try {
      return await importSqliteLedger(sqlite, freshUrl());
    } finally {
      sqlite.close();
    }
  };
  const dump = async (store: PostgresLedgerStore) => JSON.stringify({ ...(await store.readAll()), snapshot: await store.snapshot() });

  before(async function () {
    needServer(this, "ZKFORGET_TEST_POSTGRES", TEST_POSTGRES);
    f = await deletionFixture();
    dir = await mkdtemp(join(tmpdir(), "zkf-pg-"));
  });
  after(async function () {
    if (TEST_POSTGRES && schemas.length > 0) {
      const client = new pg.Client({ connectionString: TEST_POSTGRES });
      await client.connect();
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await client.end();
    }
    await releaseVerifierThreads();
  });

  it("appends a verified proof in one transaction, and refuses what the SQLite ledger refuses, unchanged", async function () {
    const store = await freshStore();
    try {
      await assert.rejects(store.receiveRequest("r0", f.deletedIds, undefined), /"r0" is new, so it needs the opening/);
      const request = await store.receiveRequest("r1", f.deletedIds, opening(f.deletedIds));
      assert.equal(request.status, "received");
      assert.equal(request.seq, 2, "the request entry follows the commit");
      const [, requestEntry] = await store.entries();
      assert.deepEqual([requestEntry!.kind, requestEntry!.requestId, requestEntry!.requestCommitment, requestEntry!.recordCount, requestEntry!.oldState === requestEntry!.newState],
        ["request", "r1", toHex32(requestCommitment(7n, opening(f.deletedIds).slots)), f.deletedIds.length, true]);
      assert.equal((await store.snapshot()).seq, 2, "the snapshot follows the request entry");
      assert.equal((await store.receiveRequest("r1", [...f.deletedIds].reverse(), undefined)).id, "r1", "the same request again is the same request");
      await assert.rejects(store.receiveRequest("r1", [f.deletedIds[0]!], undefined), LedgerAppendError);
      // A request for one of the two records: the fixture's proof deletes both, so it cannot answer it.
      await store.receiveRequest("r-one", [f.deletedIds[0]!], opening([f.deletedIds[0]!]));
      const after = await snapshot(f.after);
      const before = await dump(store);
      const refused = async (attempt: () => Promise<unknown>, pattern: RegExp) => {
        await assert.rejects(attempt, (e: Error) => e instanceof LedgerAppendError && pattern.test(e.message));
        assert.equal(await dump(store), before, "unchanged");
      };
      await refused(() => store.append({ bundle: JSON.stringify(f.bundle).slice(0, 200), snapshot: after }, verify()), /not valid JSON/);
      await refused(() => store.append({ bundle: f.bundle, snapshot: { ...after, state: `0x${"0".repeat(64)}` } }, verify()), /snapshot is at state/);
      await refused(() => store.append({ bundle: f.bundle, snapshot: after }, { keys: f.keys, allowDev: false }), /does not verify/);
      await refused(() => store.append({ bundle: f.bundle, snapshot: after, requestId: "nope" }, verify()), /unknown deletion request/);
      await refused(() => store.append({ bundle: f.bundle, snapshot: after, requestId: "r-one" }, verify()), /deletes slot \d+, which deletion request "r-one" does not name/);
      const entry = await store.append({ bundle: f.bundle, snapshot: after, requestId: "r1", completesRequest: true, proveSeconds: 1.5 }, verify());
      assert.equal(entry.seq, 4);
      assert.equal(entry.kind, "deletion");
      assert.equal((await store.request("r1"))!.status, "proved");
      assert.deepEqual((await store.request("r1"))!.entries, [4]);
      assert.equal((await store.snapshot()).state, after.state);
      const replayBefore = await dump(store);
      await assert.rejects(store.append({ bundle: f.bundle, snapshot: after }, verify()), /does not continue the chain/);
      assert.equal(await dump(store), replayBefore);
    } finally {
      await store.close();
    }
  });

  it("entries are append-only: UPDATE, DELETE and TRUNCATE are refused by the database", async function () {
    const store = await freshStore();
    try {
      for (const sql of ["UPDATE entries SET new_state = 'x'", "DELETE FROM entries", "TRUNCATE entries"]) {
        await assert.rejects(store.pool.query(sql), /append-only/, sql);
      }
      assert.equal((await store.entries()).length, 1);
    } finally {
      await store.close();
    }
  });

  it("two writers appending from the same state at once: exactly one entry is appended", async function () {
    const url = freshUrl();
    const genesis = await snapshot(f.dataset);
    const sqlite = await Ledger.create(join(dir, "race.sqlite"), { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body });
    const a = await importSqliteLedger(sqlite, url);
    sqlite.close();
    const b = await PostgresLedgerStore.open(url);
    try {
      const after = await snapshot(f.after);
      const results = await Promise.allSettled([a.append({ bundle: f.bundle, snapshot: after }, verify()), b.append({ bundle: f.bundle, snapshot: after }, verify())]);
      assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
      assert.equal((await a.entries()).length, 2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("imports a SQLite ledger exactly: its request entries, the requests' commitments and openings, the snapshot", async function () {
    const genesis = await snapshot(f.dataset);
    const sqlite = await Ledger.create(join(dir, "copy.sqlite"), { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body });
    try {
      sqlite.receiveRequest("c1", f.deletedIds, opening(f.deletedIds, 11n));
      await sqlite.append({ bundle: f.bundle, snapshot: await snapshot(f.after), requestId: "c1", completesRequest: true, proveSeconds: 2.25 }, verify());
      const store = await importSqliteLedger(sqlite, freshUrl());
      try {
        assert.deepEqual(await store.readAll(), { entries: sqlite.entries(), requests: sqlite.requests() });
        assert.deepEqual(await store.snapshot(), sqlite.snapshot());
      } finally {
        await store.close();
      }
    } finally {
      sqlite.close();
    }
  });

  it("refuses to import over an existing ledger, and names a database without one", async function () {
    const url = freshUrl();
    const genesis = await snapshot(f.dataset);
    const sqlite = await Ledger.create(join(dir, "twice.sqlite"), { profile: TEST_PROFILE, workspace: "deletion", genesisState: genesis.state, snapshotBody: genesis.body });
    try {
      await (await importSqliteLedger(sqlite, url)).close();
      await assert.rejects(importSqliteLedger(sqlite, url), (e: Error) => e instanceof LedgerError && /already holds a zkforget ledger/.test(e.message) && !/zkforget:zkforget@/.test(e.message));
    } finally {
      sqlite.close();
    }
    await assert.rejects(PostgresLedgerStore.open(freshUrl()), (e: Error) => e instanceof LedgerError && /no zkforget ledger in this database/.test(e.message));
  });

  it("serve and a worker on a PostgreSQL ledger prove requests and the chain verifies", async function () {
    needServer(this, "ZKFORGET_TEST_REDIS", TEST_REDIS);
    const ws = join(dir, "ws");
    const data = await loadDataset("data/demo.csv");
    await commitWorkspace(ws, { ...data, records: data.records.slice(0, 16) }, { profile: getProfile(TEST_PROFILE) });
    const url = freshUrl();
    await (await importWorkspaceLedger(ws, url)).close();
    const { token } = await createToken(ws, "admin");
    const svc = await startService({ dir: ws, redisUrl: TEST_REDIS!, ledger: url, keysDir: f.keysDir, allowDev: true, port: 0, logger: false });
    const ctx = await openLedgerContext(ws, url);
    const worker = await startWorker({ ctx, redisUrl: TEST_REDIS!, log: { info() {}, warn() {}, error() {} }, key: f.key, lockMilliseconds: 5000 });
    try {
      const post = (recordIds: string[], requestId: string) => fetch(`${svc.url}/v1/deletion-requests`, {
        method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ recordIds, requestId }),
      });
      assert.equal((await post([data.records[1]!.id], "pg-1")).status, 202);
      assert.equal((await post([data.records[2]!.id, data.records[3]!.id, data.records[4]!.id], "pg-2")).status, 202);
      const until = Date.now() + 240_000;
      while (!(await svc.ctx.store.requests()).every((r) => r.status === "proved")) {
        assert.ok(Date.now() < until, "not proved in time");
        assert.ok(!(await svc.ctx.store.requests()).some((r) => r.status === "failed"));
        await sleep(500);
      }
      const audit = await (await fetch(`${svc.url}/v1/audit`, { headers: { authorization: `Bearer ${token}` } })).json();
      const report = await verifyAuditPackage(audit, { keys: f.keys, allowDev: true });
      assert.ok(report.valid, JSON.stringify(report.problems));
      assert.equal(report.entries.length, 6, "commit, 2 request entries, 1 + 2 proofs");
    } finally {
      await worker.close();
      await ctx.close();
      await svc.queue.obliterate({ force: true }).catch(() => {});
      await svc.close();
    }
  });
});
