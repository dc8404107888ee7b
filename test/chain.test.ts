import { strict as assert } from "node:assert";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Ledger } from "../src/ledger/ledger.ts";
import { AUDIT_FORMAT, AUDIT_VERSION, type AuditEntry, type AuditPackage } from "../src/verifier/auditTypes.ts";
import { releaseVerifierThreads, verifyAuditPackage, type ChainOptions, type ChainReport } from "../src/verifier/index.ts";
import { auditChainFixture, clonePackage, type AuditChainFixture } from "./helpers/auditChainFixture.ts";
import { toHex32 } from "../src/verifier/fieldText.ts";
import { requestCommitment } from "../src/verifier/requestCommitment.ts";
import { deletionFixture, TEST_PROFILE } from "./helpers/deletionFixture.ts";
import { runCli } from "./helpers/runCli.ts";

describe("audit chain verification (tiny SISA chain, real proofs)", function () {
  let fx: AuditChainFixture;
  const copy = () => clonePackage(fx.pkg);
  const entry = (pkg: AuditPackage, seq: number): AuditEntry => pkg.entries.find((e) => e.seq === seq)!;
  const verify = (pkg: unknown, extra: Partial<ChainOptions> = {}) => verifyAuditPackage(pkg, { keys: fx.keys, allowDev: true, ...extra });
  /** Asserts the chain is broken, first at `seq`, for a reason matching `pattern`. */
  const broken = async (pkg: unknown, seq: number, pattern: RegExp, extra: Partial<ChainOptions> = {}): Promise<ChainReport> => {
    const r = await verify(pkg, extra);
    assert.equal(r.valid, false);
    assert.ok(r.firstBreak, "a broken chain names its first break");
    assert.equal(r.firstBreak.seq, seq, JSON.stringify(r.problems, null, 1));
    assert.match(r.firstBreak.reason, pattern);
    assert.equal(r.problems[0], r.firstBreak);
    return r;
  };

  before(async function () {
    fx = await auditChainFixture();
  });
  after(releaseVerifierThreads);

  it("a valid chain passes: proofs, continuity, config pin, coverage and requests", async function () {
    const r = await verify(JSON.stringify(fx.pkg), { configHash: fx.pkg.configHash! });
    assert.deepEqual(r.problems, []);
    assert.equal(r.valid, true);
    assert.equal(r.readable, true);
    assert.equal(r.firstBreak, undefined);
    assert.deepEqual(r.entries.map((e) => [e.seq, e.kind, e.valid]), [
      [1, "commit", true], [2, "genesis", true], [3, "genesis", true], [4, "request", true], [5, "retrain", true], [6, "retrain", true],
      [7, "request", true], [8, "retrain", true],
    ]);
    assert.deepEqual(r.shardsCovered, [0, 1]);
    assert.equal(r.shardCount, 2);
    assert.deepEqual(r.requests.map((q) => [q.id, q.proved, q.pending, q.seq]), [["req-1", true, false, 4], ["req-2", true, false, 7]]);
    assert.deepEqual(r.keys.map((k) => [k.profile, k.security, k.matchesTrusted]), [[fx.pkg.profile, "insecure-dev", true]]);
    assert.match(r.summary[0]!, /^VALID: 8 entries/);
  });

  it("refuses dev keys unless they are allowed", async function () {
    const r = await broken(fx.pkg, 2, /INSECURE dev key/, { allowDev: false });
    // Every entry with a proof fails; commit and request entries carry none.
    assert.ok(r.entries.filter((e) => e.kind !== "commit" && e.kind !== "request").every((e) => !e.valid));
    assert.deepEqual(r.requests.map((q) => q.proved), [false, false]);
  });

  it("a reordered chain breaks at the first entry out of place", async function () {
    const pkg = copy();
    [pkg.entries[4], pkg.entries[5]] = [pkg.entries[5]!, pkg.entries[4]!];
    const r = await broken(pkg, 6, /seq 6 follows seq 4: entry 5 is missing or out of order/);
    assert.ok(r.problems.some((p) => p.seq === 6 && /continuity/.test(p.reason)));
    assert.ok(r.problems.some((p) => p.seq === 5 && /out of order/.test(p.reason)));
  });

  it("a missing entry is named, and the state jump after it", async function () {
    const pkg = copy();
    pkg.entries.splice(2, 1);
    const r = await broken(pkg, 4, /entry 3 is missing/);
    assert.ok(r.entries.find((e) => e.seq === 4)!.reasons.some((x) => /continuity: oldState .* is not the previous entry's newState/.test(x)));
  });

  it("a bundle swapped between entries does not match the entry's states", async function () {
    const pkg = copy();
    [entry(pkg, 5).bundle, entry(pkg, 6).bundle] = [entry(pkg, 6).bundle, entry(pkg, 5).bundle];
    await broken(pkg, 5, /the entry's oldState .* is not its statement's old state/);
  });

  it("a tampered public signal fails the proof of its entry", async function () {
    const pkg = copy();
    const signals = entry(pkg, 5).bundle!.publicSignals;
    signals[signals.length - 1] = (BigInt(signals[signals.length - 1]!) + 1n).toString();
    const r = await broken(pkg, 5, /^proof: /);
    assert.deepEqual(r.entries.filter((e) => !e.valid).map((e) => e.seq), [5]);
  });

  it("the config pin: a different expected or exported config hash breaks every training entry", async function () {
    const other = `0x${"12".repeat(32)}`;
    // The package's own configHash is a claim: the pin is checked against every proved statement.
    const expected = await broken(fx.pkg, 2, /config pin: the statement's configHash .* is not the expected/, { configHash: other });
    assert.deepEqual(expected.entries.filter((e) => e.reasons.some((x) => /config pin/.test(x))).map((e) => e.seq), [2, 3, 5, 6, 8]);
    const pkg = copy();
    pkg.configHash = other;
    await broken(pkg, 2, /config pin: the statement's configHash .* is not the package's/);
  });

  it("SISA coverage: a shard without a training proof is named", async function () {
    const pkg = copy();
    pkg.entries = pkg.entries.slice(0, 2);
    pkg.requests = [];
    const r = await broken(pkg, 0, /shard 1 of 2 has no verified training proof/);
    assert.deepEqual(r.shardsCovered, [0]);
    assert.deepEqual(r.entries.map((e) => e.valid), [true, true]);
  });

  it("training must start from the empty model", async function () {
    const pkg = copy();
    pkg.entries = pkg.entries.slice(2, 3).map((e) => ({ ...e, seq: 1 }));
    pkg.requests = [];
    await broken(pkg, 1, /the chain must start from the empty model/);
  });

  it("a package key that is not the trusted key is a break at the first entry using it", async function () {
    const pkg = copy();
    const vkey = pkg.keys[pkg.profile]!.vkey;
    vkey.IC[0]![0] = "1";
    const r = await broken(pkg, 2, /key mismatch: the package's verification key for .* has vkeyHash [0-9a-f]{64}, the trusted key has/);
    assert.equal(r.keys[0]!.matchesTrusted, false);
    assert.equal(r.problems.filter((p) => /key mismatch/.test(p.reason)).length, 1, "reported once");
  });

  it("truncated or malformed packages get a clear reason, never a throw", async function () {
    const unreadable = async (input: unknown, pattern: RegExp) => {
      const r = await verify(input);
      assert.equal(r.valid, false);
      assert.equal(r.readable, false);
      assert.match(r.firstBreak!.reason, pattern);
      assert.match(r.summary[0]!, /^UNUSABLE/);
    };
    await unreadable(JSON.stringify(fx.pkg).slice(0, 400), /malformed JSON/);
    await unreadable(null, /not a JSON object/);
    await unreadable([fx.pkg], /not a JSON object/);
    await unreadable({ ...fx.pkg, format: "zkforget-bundle" }, /format must be "zkforget-audit"/);
    await unreadable({ ...fx.pkg, version: 2 }, /version 2 is not supported/);
    await unreadable({ ...fx.pkg, entries: "none" }, /entries must be a list/);

    const pkg = copy();
    delete (entry(pkg, 3) as Partial<AuditEntry>).newState;
    (entry(pkg, 5) as unknown as Record<string, unknown>).bundle = { format: "zkforget-bundle" };
    (pkg.entries as unknown[]).push("garbage");
    const r = await broken(pkg, 3, /newState is not a 0x-prefixed 64-digit lowercase hex/);
    assert.ok(r.problems.some((p) => p.seq === 5 && /^proof: bundle.version/.test(p.reason)));
    assert.ok(r.problems.some((p) => p.seq === 9 && /not an object/.test(p.reason)));
  });

  it("requests marked proved must be answered by verified entries of the chain", async function () {
    const pkg = copy();
    pkg.requests[0]!.entries = [5, 9];
    pkg.requests[1]!.recordCount = 3;
    entry(pkg, 8).requestId = "req-404";
    // req-3 is recorded in the chain (entry 9) but nothing answers it; req-4 is not recorded at all.
    const head = entry(pkg, 8);
    const req3 = toHex32(requestCommitment(13n, [{ index: 5, leaf: 1n }]));
    pkg.entries.push({ seq: 9, kind: "request", oldState: head.newState, newState: head.newState, recordedAt: head.recordedAt, requestId: "req-3", requestCommitment: req3, recordCount: 1 });
    pkg.requests.push({ id: "req-3", recordCount: 1, status: "proved", receivedAt: "x", updatedAt: "x", entries: [], commitment: req3 });
    pkg.requests.push({ id: "req-4", recordCount: 1, status: "proved", receivedAt: "x", updatedAt: "x", provedAt: "x", entries: [], commitment: req3 });
    const r = await verify(pkg);
    assert.equal(r.valid, false);
    const reasons = r.problems.map((p) => `${p.seq}: ${p.reason}`);
    const has = (pattern: RegExp) => assert.ok(reasons.some((x) => pattern.test(x)), `${pattern} in ${reasons.join("\n")}`);
    has(/^0: request "req-1": lists entries \[5, 9\], but the entries answering it are \[5, 6\]/);
    has(/^0: request "req-2": lists entries \[8\], but the entries answering it are \[\]/);
    has(/^8: answers request "req-404", which the chain has not recorded before this entry/);
    has(/^0: request "req-2": names 3 records, but the chain recorded 1/);
    has(/^0: request "req-3": marked proved but has no provedAt time/);
    has(/^0: request "req-3": marked proved but no entry answers it/);
    has(/^0: request "req-4": the chain has no request entry for it/);
    assert.deepEqual(r.requests.map((q) => [q.id, q.proved]), [["req-1", false], ["req-2", false], ["req-3", false], ["req-4", false]]);

    // Entries are counted once: listing an answering entry twice does not make up the count.
    const twice = copy();
    twice.requests[1]!.entries = [8, 8];
    await broken(twice, 0, /request "req-2": lists entries 8, 8: an entry is listed more than once/);

    // The chain's request entry says 3 records; its one answering entry deletes 1 slot.
    const count = copy();
    entry(count, 7).recordCount = 3;
    count.requests[1]!.recordCount = 3;
    await broken(count, 0, /request "req-2": marked proved, but its entries delete 1 slot while it names 3 records/);
  });

  it("an accuracy entry may not move the state", async function () {
    const pkg = copy();
    const last = entry(pkg, 8);
    pkg.entries.push({ seq: 9, kind: "accuracy", oldState: last.newState, newState: entry(pkg, 6).newState, recordedAt: last.recordedAt, bundle: last.bundle });
    const r = await broken(pkg, 9, /accuracy entry does not move the state/);
    assert.ok(r.entries[8]!.reasons.some((x) => /the entry says "accuracy", but its shard-retrain statement makes a retrain entry/.test(x)));
  });

  it("a request entry may not move the state either", async function () {
    const pkg = copy();
    entry(pkg, 7).newState = entry(pkg, 5).newState;
    await broken(pkg, 7, /a request entry does not move the state/);
  });

  it("a dataset-deletion chain verifies without a config pin or shard coverage; kinds must match statements", async function () {
    const d = await deletionFixture();
    const s = d.bundle.statement;
    const time = "2025-03-01T09:00:00.000Z";
    const key = d.keys.get(TEST_PROFILE)!;
    const salt = 21n;
    const commitment = toHex32(requestCommitment(salt, s.deleted.map((x) => ({ index: x.index, leaf: BigInt(x.leaf) }))));
    const pkg: AuditPackage = {
      format: AUDIT_FORMAT, version: AUDIT_VERSION, exportedAt: time, profile: TEST_PROFILE,
      entries: [
        { seq: 1, kind: "commit", oldState: s.oldRoot, newState: s.oldRoot, recordedAt: time },
        { seq: 2, kind: "request", oldState: s.oldRoot, newState: s.oldRoot, recordedAt: time, requestId: "req-a", requestCommitment: commitment, recordCount: 2 },
        { seq: 3, kind: "deletion", oldState: s.oldRoot, newState: s.newRoot, recordedAt: time, requestId: "req-a", bundle: d.bundle },
      ],
      requests: [{ id: "req-a", recordCount: 2, status: "proved", receivedAt: time, updatedAt: time, provedAt: time, entries: [3], commitment, salt: toHex32(salt) }],
      keys: { [TEST_PROFILE]: { vkey: key.vkey, manifest: key.manifest } },
    };
    const r = await verifyAuditPackage(pkg, { keys: d.keys, allowDev: true });
    assert.deepEqual(r.problems, []);
    assert.equal(r.shardsCovered, undefined);
    assert.deepEqual(r.requests.map((q) => [q.id, q.proved]), [["req-a", true]]);
    pkg.entries[2]!.kind = "retrain";
    await broken(pkg, 3, /the entry says "retrain", but its dataset-deletion statement makes a deletion entry/, { keys: d.keys });
  });

  it("stays browser-safe: chain.ts imports no node:*, sqlite, ledger database, prover or circomlibjs", async function () {
    const seen = new Set<string>();
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(file, "utf8");
      for (const [, spec] of text.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)) {
        assert.ok(!/^node:|better-sqlite3|circomlibjs|\/prover\/|\/ledger\/(?!transition\.ts)/.test(spec!), `${file} imports ${spec}`);
        if (spec!.startsWith(".")) await visit(resolve(dirname(file), spec!));
      }
    };
    await visit(resolve("src/verifier/chain.ts"));
    assert.ok(seen.size > 5);
  });

  describe("zkforget verify-chain", function () {
    let dir: string;
    before(async function () {
      dir = await mkdtemp(join(tmpdir(), "zkf-verify-chain-"));
      await writeFile(join(dir, "audit.json"), JSON.stringify(fx.pkg));
      const bad = copy();
      [bad.entries[4], bad.entries[5]] = [bad.entries[5]!, bad.entries[4]!];
      await writeFile(join(dir, "broken.json"), JSON.stringify(bad));
      await writeFile(join(dir, "truncated.json"), JSON.stringify(fx.pkg).slice(0, 300));
    });

    it("exit 0 on a valid export directory, with --json output", function () {
      const r = runCli(["verify-chain", dir, "--keys", fx.keyDir, "--allow-dev", "--config-hash", fx.pkg.configHash!, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as ChainReport;
      assert.equal(report.valid, true);
      assert.deepEqual(report.shardsCovered, [0, 1]);
    });

    it("exit 1 on a broken chain, first break first; exit 2 on unusable input", function () {
      const r = runCli(["verify-chain", join(dir, "broken.json"), "--keys", fx.keyDir, "--allow-dev"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^BROKEN: .*\nfirst break: entry 6 \(retrain\): seq 6 follows seq 4/);
      assert.match(r.stdout, /entry 5 \(retrain\): .*out of order/);

      assert.equal(runCli(["verify-chain", dir, "--keys", fx.keyDir]).code, 1, "dev keys refused without --allow-dev");
      const truncated = runCli(["verify-chain", join(dir, "truncated.json"), "--keys", fx.keyDir, "--allow-dev"]);
      assert.equal(truncated.code, 2);
      assert.match(truncated.stdout, /UNUSABLE: .*malformed JSON/);
      const missing = runCli(["verify-chain", join(dir, "nope"), "--keys", fx.keyDir]);
      assert.equal(missing.code, 2);
      assert.match(missing.stdout, /UNUSABLE: .*nope/);
      assert.equal(runCli(["verify-chain", dir, "--keys", join(dir, "no-keys")]).code, 2);
      assert.equal(runCli(["verify-chain", dir, "--config-hash", "0x12"]).code, 2, "a malformed --config-hash is a usage error");
    });

    it("reads a SQLite ledger, also through the workspace directory holding it", async function () {
      const ws = join(dir, "ws");
      await mkdir(ws);
      const ledgerPath = join(ws, "ledger.sqlite");
      const [commit, ...proved] = fx.pkg.entries;
      const ledger = await Ledger.create(ledgerPath, {
        profile: fx.pkg.profile, workspace: "sisa", configHash: fx.pkg.configHash!, shards: 2, genesisState: commit!.newState, snapshotBody: "{}",
      });
      try {
        for (const e of proved) {
          if (e.kind === "request") {
            // Received as in the fixture: same salt, committed to the slots its answering entries delete.
            const request = fx.pkg.requests.find((q) => q.id === e.requestId)!;
            const slots = fx.pkg.entries.filter((a) => request.entries.includes(a.seq)).flatMap((a) => {
              const statement = a.bundle!.statement;
              return "deleted" in statement ? statement.deleted.map((d) => ({ index: d.index, leaf: BigInt(d.leaf) })) : [];
            });
            const ids = Array.from({ length: request.recordCount }, (_, i) => `${request.id}-${i}`);
            ledger.receiveRequest(request.id, ids, { salt: BigInt(request.salt!), slots });
            continue;
          }
          const completes = fx.pkg.requests.find((q) => q.id === e.requestId)?.entries.at(-1) === e.seq;
          const input = { bundle: e.bundle, completesRequest: completes, snapshot: { state: e.newState, body: "{}" } };
          await ledger.append(e.requestId === undefined ? input : { ...input, requestId: e.requestId }, { keys: fx.keys, allowDev: true });
        }
      } finally {
        ledger.close();
      }
      const r = runCli(["verify-chain", ws, "--keys", fx.keyDir, "--allow-dev", "--json"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const report = JSON.parse(r.stdout) as ChainReport & { source: string };
      assert.equal(report.source, ledgerPath);
      assert.deepEqual(report.entries.map((e) => e.kind), ["commit", "genesis", "genesis", "request", "retrain", "retrain", "request", "retrain"]);
      assert.deepEqual(report.requests.map((q) => [q.id, q.proved]), [["req-1", true], ["req-2", true]]);
    });
  });
});
