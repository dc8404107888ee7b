import type { Queue } from "bullmq";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { LedgerStore } from "../ledger/store.ts";
import { DELETION_REQUEST_STATUSES } from "../verifier/auditTypes.ts";
import type { AppendedStep } from "../jobs/writer.ts";

/**
 * The server's Prometheus metrics (prom-client), served at /metrics:
 *   zkforget_http_requests_total{method,route,status}   HTTP responses by status code
 *   zkforget_deletion_requests{status}                  deletion requests in the ledger by status
 *   zkforget_request_to_proof_seconds                   received → last proof appended, per request
 *   zkforget_proof_seconds                              proving time per proof, as the worker measured it
 *   zkforget_queue_jobs{state}                          proof jobs in Redis (waiting, active, delayed, completed, failed)
 *   zkforget_workers                                    workers connected to the queue now
 *   zkforget_workers_seen_total                         distinct workers whose proofs were appended since start
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly http: Counter<"method" | "route" | "status">;
  readonly requestToProof: Histogram;
  readonly proofSeconds: Histogram;
  readonly #workersSeen = new Set<string>();
  readonly #workersSeenTotal: Counter;

  constructor(store: LedgerStore, queue: Queue) {
    const registers = [this.registry];
    this.http = new Counter({ name: "zkforget_http_requests_total", help: "HTTP responses by method, route and status code", labelNames: ["method", "route", "status"], registers });
    this.requestToProof = new Histogram({
      name: "zkforget_request_to_proof_seconds", help: "Time from receiving a deletion request to appending its last proof",
      buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 86_400], registers,
    });
    this.proofSeconds = new Histogram({ name: "zkforget_proof_seconds", help: "Proving time of one proof (witness and Groth16), measured by the worker", buckets: [0.5, 1, 2, 4, 8, 16, 32, 64, 128], registers });
    this.#workersSeenTotal = new Counter({ name: "zkforget_workers_seen_total", help: "Distinct workers whose proofs were appended since the server started", registers });
    new Gauge({
      name: "zkforget_deletion_requests", help: "Deletion requests in the ledger by status", labelNames: ["status"], registers,
      async collect() {
        const counts = new Map<string, number>(DELETION_REQUEST_STATUSES.map((s) => [s, 0]));
        for (const r of await store.requests()) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
        for (const [status, n] of counts) this.set({ status }, n);
      },
    });
    new Gauge({
      name: "zkforget_queue_jobs", help: "Proof jobs in the Redis queue by state", labelNames: ["state"], registers,
      async collect() {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized");
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: "zkforget_workers", help: "Workers connected to the proof queue", registers,
      async collect() {
        this.set((await queue.getWorkers()).length);
      },
    });
  }

  /** Records an appended proof (called by the writer). */
  appended(step: AppendedStep): void {
    if (step.entry.proveSeconds !== undefined) this.proofSeconds.observe(step.entry.proveSeconds);
    if (step.completed) this.requestToProof.observe((Date.parse(step.entry.recordedAt) - Date.parse(step.completed.receivedAt)) / 1000);
    if (step.worker !== undefined && !this.#workersSeen.has(step.worker)) {
      this.#workersSeen.add(step.worker);
      this.#workersSeenTotal.inc();
    }
  }
}
