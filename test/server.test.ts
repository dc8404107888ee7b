import { strict as assert } from "node:assert";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Worker } from "bullmq";
import { getProfile } from "../src/circuits/profiles.ts";
import { loadDataset } from "../src/encoding/records.ts";
import { openLedgerContext, type LedgerContext } from "../src/jobs/context.ts";
import { startWorker } from "../src/jobs/worker.ts";
import { startService, type RunningService } from "../src/server/service.ts";
import { createToken, revokeToken } from "../src/server/tokens.ts";
import { SUBJECT_REFUSAL } from "../src/server/routes/deletionRequests.ts";
import { releaseVerifierThreads, verifyAuditPackage } from "../src/verifier/index.ts";
import { commitWorkspace } from "../src/workspace/commit.ts";
import { workspacePaths } from "../src/workspace/workspace.ts";
import { deletionFixture, TEST_PROFILE, type DeletionFixture } from "./helpers/deletionFixture.ts";
import { needServer, TEST_REDIS } from "./helpers/servers.ts";

const quiet = { info() {}, warn() {}, error() {} };

describe("zkforget serve + worker (Fastify, BullMQ on a real Redis)", function () {
  let f: DeletionFixture;
  let ws: string;
  let svc: RunningService;
  const workers: { worker: Worker; ctx: LedgerContext }[] = [];
  const token: Record<"intake" | "admin" | "auditor" | "revoked", string> = { intake: "", admin: "", auditor: "", revoked: "" };
  let ids: string[];

  const call = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${svc.url}${path}`, {
      method,
      headers: {
        ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  };

  const waitProved = async (requestIds: string[], seconds = 240) => {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const res = await call("GET", "/v1/deletion-requests", { token: token.admin });
      assert.equal(res.status, 200, res.text);
      const states = requestIds.map((id) => (res.json.requests as { id: string; status: string }[]).find((r) => r.id === id)?.status);
      if (states.every((s) => s === "proved")) return;
      assert.ok(!states.includes("failed"), `a request failed: ${JSON.stringify(states)}`);
      assert.ok(Date.now() < until, `not proved within ${seconds} s: ${JSON.stringify(states)}`);
      await sleep(500);
    }
  };

  before(async function () {
    needServer(this, "ZKFORGET_TEST_REDIS", TEST_REDIS);
    f = await deletionFixture();
    ws = join(await mkdtemp(join(tmpdir(), "zkf-serve-")), "ws");
    const data = await loadDataset("data/demo.csv");
    const records = data.records.slice(0, 24);
    ids = records.map((r) => r.id);
    await commitWorkspace(ws, { ...data, records }, { profile: getProfile(TEST_PROFILE) });
    for (const scope of ["intake", "admin", "auditor"] as const) token[scope] = (await createToken(ws, scope)).token;
    token.revoked = (await createToken(ws, "intake")).token;
    await revokeToken(ws, token.revoked);
    svc = await startService({ dir: ws, redisUrl: TEST_REDIS!, keysDir: f.keysDir, allowDev: true, port: 0, logger: process.env.ZKFORGET_TEST_LOG ? { level: "info" } : false, subjectRateLimitPerMinute: 20 });
    for (let i = 0; i < 2; i++) {
      const ctx = await openLedgerContext(ws);
      workers.push({ ctx, worker: await startWorker({ ctx, redisUrl: TEST_REDIS!, log: quiet, key: f.key, name: `test-worker-${i}`, lockMilliseconds: 5000 }) });
    }
  });

  after(async function () {
    for (const { worker, ctx } of workers) {
      await worker.close();
      await ctx.close();
    }
    await svc?.queue.obliterate({ force: true }).catch(() => {});
    await svc?.close();
    await releaseVerifierThreads();
  });

  it("refuses every caller without the right, and says why", async function () {
    const body = { recordIds: [ids[0]] };
    const refusals: [string, Awaited<ReturnType<typeof call>>, number][] = [
      ["no token", await call("POST", "/v1/deletion-requests", { body }), 401],
      ["malformed token", await call("POST", "/v1/deletion-requests", { body, token: "not-a-token" }), 401],
      ["revoked token", await call("POST", "/v1/deletion-requests", { body, token: token.revoked }), 401],
      ["forged secret", await call("POST", "/v1/deletion-requests", { body, token: token.intake.slice(0, -4) + "AAAA" }), 401],
      ["auditor files", await call("POST", "/v1/deletion-requests", { body, token: token.auditor }), 403],
      ["intake lists", await call("GET", "/v1/deletion-requests", { token: token.intake }), 403],
      ["anonymous lists", await call("GET", "/v1/deletion-requests"), 401],
      ["intake audits", await call("GET", "/v1/audit", { token: token.intake }), 403],
      ["anonymous audits", await call("GET", "/v1/audit"), 401],
      ["anonymous reads a request", await call("GET", "/v1/deletion-requests/req-1"), 401],
      ["a bad token on a public route", await call("POST", "/v1/verify", { body: { bundle: f.bundle }, token: "zkf_00000000_" + "A".repeat(43) }), 401],
      ["unknown record id (intake)", await call("POST", "/v1/deletion-requests", { body: { recordIds: ["nobody"] }, token: token.intake }), 422],
      ["a salt with a token", await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[0]], salt: `0x${"1".repeat(64)}` }, token: token.intake }), 400],
      ["schema: empty list", await call("POST", "/v1/deletion-requests", { body: { recordIds: [] }, token: token.intake }), 400],
      ["schema: duplicate ids", await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[0], ids[0]] }, token: token.intake }), 400],
      ["schema: bad request id", await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[0]], requestId: "../x" }, token: token.intake }), 400],
      ["schema: unknown field", await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[0]], all: true }, token: token.intake }), 400],
      ["a subject naming two records", await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[0], ids[1]], salt: `0x${"1".repeat(64)}` } }), 401],
    ];
    for (const [what, res, status] of refusals) {
      assert.equal(res.status, status, `${what}: ${res.text}`);
      assert.equal(typeof res.json?.error, "string", what);
      assert.equal(res.json.requestId, res.headers.get("x-request-id"), `${what}: the error names the request id`);
    }
    const unknownReq = await call("GET", "/v1/deletion-requests/req-nothing", { token: token.auditor });
    assert.equal(unknownReq.status, 404);
    // Nothing was recorded by any refused call.
    assert.deepEqual((await call("GET", "/v1/deletion-requests", { token: token.auditor })).json.requests, []);
  });

  it("gives a data subject the same answer for an unknown id, a wrong salt and a deleted record; the right salt files", async function () {
    const receipt = JSON.parse(await readFile(join(workspacePaths(ws).receipts, `${ids[5]}.json`), "utf8")) as { salt: string };
    const wrongSalt = `0x${(BigInt(receipt.salt) ^ 1n).toString(16).padStart(64, "0")}`;
    const unknown = await call("POST", "/v1/deletion-requests", { body: { recordIds: ["nobody-at-all"], salt: receipt.salt } });
    const wrong = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[5]], salt: wrongSalt } });
    const otherRecord = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[6]], salt: receipt.salt } });
    for (const res of [unknown, wrong, otherRecord]) {
      assert.equal(res.status, 403);
      assert.equal(res.json.error, SUBJECT_REFUSAL);
    }
    const filed = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[5]], salt: receipt.salt } });
    assert.equal(filed.status, 202, filed.text);
    assert.match(filed.json.request.id, /^subject-[0-9a-f]{32}$/);
    assert.equal(filed.json.request.recordIds, undefined, "no record ids in a response");
    // The request receipt: the opening of the commitment recorded in the chain before any proof.
    assert.equal(filed.json.receipt.kind, "request");
    assert.equal(filed.json.receipt.request.commitment, filed.json.request.commitment);
    assert.deepEqual(filed.json.receipt.request.slots.map((s: { index: number }) => s.index), [(receipt as unknown as { index: number }).index]);
    const again = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[5]], salt: receipt.salt } });
    assert.equal(again.status, 202);
    assert.equal(again.json.request.id, filed.json.request.id, "filing again is idempotent");
    // The subject can follow their own request without a token.
    await waitProved([filed.json.request.id]);
    const status = await call("GET", `/v1/deletion-requests/${filed.json.request.id}`);
    assert.equal(status.status, 200);
    assert.deepEqual(status.json.entries.map((e: { kind: string }) => e.kind), ["request", "deletion"], "its request entry, then its proof");
    assert.equal(status.json.entries[0].requestCommitment, filed.json.request.commitment);
    assert.equal(status.json.entries[1].bundle.statement.deleted.length, 1);
    assert.equal(status.json.request.salt, filed.json.receipt.request.salt, "proved: the commitment's salt is published");
    // The request receipt is confirmed against the chain the server publishes.
    const requestChecked = await call("POST", "/v1/receipts/check", { body: { receipt: filed.json.receipt } });
    assert.equal(requestChecked.json.ok, true, requestChecked.text);
    assert.equal(requestChecked.json.against, "served");
    // Deleted now: the same salt no longer matches a live record, and the answer is the same as for a stranger.
    const deleted = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[5]], salt: wrongSalt } });
    assert.equal(deleted.status, 403);
    assert.equal(deleted.json.error, SUBJECT_REFUSAL);
  });

  it("proves intake requests in parallel on two workers, appends each once in order, and the chain verifies", async function () {
    const filed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const recordIds = i === 0 ? [ids[10], ids[11], ids[12]] : [ids[12 + i]!];
      const res = await call("POST", "/v1/deletion-requests", { body: { recordIds, requestId: `gdpr-${i}` }, token: token.intake, headers: { "x-request-id": `client-${i}` } });
      assert.equal(res.status, 202, res.text);
      assert.equal(res.headers.get("x-request-id"), `client-${i}`, "the client's request id is echoed");
      filed.push(res.json.request.id);
    }
    const replay = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[13]], requestId: "gdpr-1" }, token: token.intake });
    assert.equal(replay.status, 202, "same id and ids: the same request");
    const conflict = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[20]], requestId: "gdpr-1" }, token: token.intake });
    assert.equal(conflict.status, 409, "same id, other ids");
    const taken = await call("POST", "/v1/deletion-requests", { body: { recordIds: [ids[14]] }, token: token.intake });
    assert.ok(taken.status === 409 || taken.status === 422, `a record already named by a pending request: ${taken.text}`);
    await waitProved(filed);
    const overdue = await call("GET", "/v1/deletion-requests?overdueHours=0", { token: token.auditor });
    assert.equal(overdue.json.requests.length, 0, "nothing is left unproved");
    const audit = await call("GET", "/v1/audit", { token: token.auditor });
    assert.equal(audit.status, 200);
    assert.doesNotMatch(audit.text, new RegExp(ids[10]!), "no record id in the audit package");
    const report = await verifyAuditPackage(audit.json, { keys: f.keys, allowDev: true });
    assert.ok(report.valid, JSON.stringify(report.problems));
    const entries = audit.json.entries as { seq: number; kind: string; requestId?: string }[];
    // gdpr-0 needs two proofs (K = 2), the others one each, the subject's one: 1 commit + 7 request entries + 8 proofs.
    assert.equal(entries.length, 16);
    assert.equal(entries.filter((e) => e.kind === "request").length, 7, "one request entry per request");
    const perRequest = new Map<string, number>();
    for (const e of entries) if (e.requestId && e.kind !== "request") perRequest.set(e.requestId, (perRequest.get(e.requestId) ?? 0) + 1);
    assert.equal(perRequest.get("gdpr-0"), 2);
    for (let i = 1; i < 6; i++) assert.equal(perRequest.get(`gdpr-${i}`), 1, `gdpr-${i} appended exactly once`);
    const verified = await call("POST", "/v1/verify", { body: { package: audit.json } });
    assert.equal(verified.json.valid, true);
    const tampered = structuredClone(audit.json);
    tampered.entries.find((e: { bundle?: unknown }) => e.bundle !== undefined).bundle.publicSignals[0] = "1";
    assert.equal((await call("POST", "/v1/verify", { body: { package: tampered } })).json.valid, false);
    const metrics = await call("GET", "/metrics");
    for (const name of ["zkforget_http_requests_total", "zkforget_request_to_proof_seconds_bucket", "zkforget_queue_jobs", "zkforget_workers", "zkforget_deletion_requests{status=\"proved\"} 7"]) {
      assert.ok(metrics.text.includes(name), `metrics have ${name}`);
    }
    assert.match(metrics.text, /zkforget_workers 2/);
  });

  it("checks receipts, serves OpenAPI, health and readiness, and rate-limits data subjects", async function () {
    const receipt = JSON.parse(await readFile(join(workspacePaths(ws).receipts, `${ids[13]}.deletion.json`), "utf8"));
    const checked = await call("POST", "/v1/receipts/check", { body: { receipt } });
    assert.equal(checked.status, 200);
    assert.equal(checked.json.ok, true, checked.text);
    assert.equal(checked.json.finding, "deleted");
    // Against a package that is not this chain (the request's entry cut out), the deletion is not confirmed.
    const audit = (await call("GET", "/v1/audit", { token: token.auditor })).json;
    const forked = { ...audit, entries: audit.entries.filter((e: { kind: string; requestId?: string }) => !(e.kind === "request" && e.requestId === "gdpr-1")) };
    const refused = await call("POST", "/v1/receipts/check", { body: { receipt, audit: forked } });
    assert.equal(refused.json.ok, false, refused.text);
    assert.equal(refused.json.against, "given");
    const openapi = await call("GET", "/v1/openapi.json");
    for (const path of ["/v1/deletion-requests", "/v1/deletion-requests/{id}", "/v1/audit", "/v1/receipts/check", "/v1/verify", "/healthz", "/readyz", "/metrics"]) {
      assert.ok(openapi.json.paths[path], `OpenAPI documents ${path}`);
    }
    assert.ok(openapi.json.paths["/v1/deletion-requests"].post.requestBody, "with the body schema");
    assert.equal((await call("GET", "/healthz")).status, 200);
    assert.equal((await call("GET", "/readyz")).json.status, "ready");
    const page = await call("GET", "/verify/");
    assert.ok(page.status === 200 || (page.status === 503 && /build:web/.test(page.json.error)), page.text);
    let limited = 0;
    for (let i = 0; i < 25; i++) {
      const res = await call("POST", "/v1/deletion-requests", { body: { recordIds: ["x"], salt: `0x${"2".repeat(64)}` } });
      if (res.status === 429) limited++;
    }
    assert.ok(limited > 0, "a data subject's attempts are rate-limited");
    // A receipt check without a token verifies the served chain: it is limited like a filing.
    let checksLimited = 0;
    for (let i = 0; i < 25; i++) {
      if ((await call("POST", "/v1/receipts/check", { body: { receipt: {} } })).status === 429) checksLimited++;
    }
    assert.ok(checksLimited > 0, "anonymous receipt checks are rate-limited");
  });
});
