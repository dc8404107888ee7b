import { EVALUATED_MODELS, EVALUATION_FORMAT, type EvaluatedModel } from "../evaluation/report.ts";
import { ATTACKS, type AttackName } from "../evaluation/scores.ts";
import { isObject } from "../verifier/statements.ts";

/**
 * The controller's evaluation document (docs/evaluation.md) as the report lays it out: tables
 * and chart data instead of a flat list of keys. The document comes inside an untrusted audit
 * package, so every field is read defensively: a missing or malformed figure is shown as
 * absent (null), never trusted into a chart coordinate.
 */

/** Accuracy of one model on each record set, as fractions in [0, 1] (null: absent). */
export interface UtilityRow {
  model: EvaluatedModel;
  retain: number | null;
  forget: number | null;
  test: number | null;
}

/** One attack against one model. */
export interface AttackRow {
  attack: AttackName;
  model: EvaluatedModel;
  auc: number | null;
  maxAdvantage: number | null;
  tunedAdvantage: number | null;
  calibrationAuc: number | null;
  /** The ROC curve as (FPR, TPR) pairs in [0, 1]; empty when the document has none. */
  roc: [number, number][];
}

/** Cost of one way to remove the forget set. */
export interface CostRow {
  what: "unlearning" | "full retrain";
  wallSeconds: number | null;
  cpuSeconds: number | null;
  shardsTrained: number | null;
  proofs: number | null;
}

/** Everything the report shows of an evaluation. */
export interface EvaluationView {
  provenance: string;
  profile: string;
  forgetSize: number | null;
  shardsTouched: number[];
  /** Whether unlearned = reference bit for bit (null: absent). */
  exact: boolean | null;
  records: { retain: number | null; forget: number | null; test: number | null; heldOut: number | null };
  utility: UtilityRow[];
  attacks: AttackRow[];
  costs: CostRow[];
  /** fullRetrain ÷ unlearning; null when the baseline was not proved or the figure is absent. */
  ratio: { wall: number; cpu: number } | null;
  trainingOnlyRatio: number | null;
  baselineProved: boolean | null;
  note?: string;
}

/** The view of an evaluation document, or undefined when `value` is not one (the report then lists its numbers). */
export function evaluationView(value: unknown): EvaluationView | undefined {
  if (!isObject(value) || value.format !== EVALUATION_FORMAT) return undefined;
  const at = (path: string): unknown => path.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), value);
  const num = (path: string) => finite(at(path));
  const rate = (path: string) => unit(at(path));
  const attacks = ATTACKS.flatMap((attack) => EVALUATED_MODELS.map((model): AttackRow => {
    const base = `membershipInference.attacks.${attack}.${model}`;
    return {
      attack, model,
      auc: rate(`${base}.auc`),
      maxAdvantage: num(`${base}.maxAdvantage`),
      tunedAdvantage: num(`${base}.tuned.advantage`),
      calibrationAuc: rate(`${base}.calibrationAuc`),
      roc: rocPoints(at(`${base}.roc`)),
    };
  }));
  const cost = (what: CostRow["what"], key: string): CostRow => ({
    what,
    wallSeconds: num(`efficiency.${key}.wallSeconds`),
    cpuSeconds: num(`efficiency.${key}.cpuSeconds`),
    shardsTrained: num(`efficiency.${key}.shardsTrained`),
    proofs: num(`efficiency.${key}.proofs`),
  });
  const wall = num("efficiency.ratio.wall"), cpu = num("efficiency.ratio.cpu");
  const touched = at("forget.shardsTouched");
  const exact = at("exact.identical");
  const proved = at("efficiency.fullRetrain.proved");
  const note = at("efficiency.note");
  return {
    provenance: typeof value.provenance === "string" ? value.provenance : "—",
    profile: typeof value.profile === "string" ? value.profile : "—",
    forgetSize: num("forget.size"),
    shardsTouched: Array.isArray(touched) ? touched.filter((k): k is number => Number.isInteger(k)) : [],
    exact: typeof exact === "boolean" ? exact : null,
    records: { retain: num("records.retain"), forget: num("records.forget"), test: num("records.test"), heldOut: num("records.heldOutNonMembers") },
    utility: EVALUATED_MODELS.map((model) => ({ model, retain: rate(`utility.${model}.retain`), forget: rate(`utility.${model}.forget`), test: rate(`utility.${model}.test`) })),
    attacks,
    costs: [cost("unlearning", "unlearning"), cost("full retrain", "fullRetrain")],
    ratio: wall !== null && cpu !== null ? { wall, cpu } : null,
    trainingOnlyRatio: num("efficiency.trainingOnly.ratio"),
    baselineProved: typeof proved === "boolean" ? proved : null,
    ...(typeof note === "string" ? { note } : {}),
  };
}

function finite(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function unit(v: unknown): number | null {
  const n = finite(v);
  return n !== null && n >= 0 && n <= 1 ? n : null;
}

/** The ROC pairs that are rates; a curve with any malformed point is dropped whole (a partial curve would mislead). */
function rocPoints(v: unknown): [number, number][] {
  if (!Array.isArray(v)) return [];
  const points = v.map((p) => (Array.isArray(p) && p.length === 2 ? [unit(p[0]), unit(p[1])] : [null, null]));
  return points.every(([x, y]) => x !== null && y !== null) ? (points as [number, number][]) : [];
}

/** A rate as "95.3 %" ("—" when absent); the same text in every renderer. */
export function showPercent(x: number | null): string {
  return x === null ? "—" : `${(100 * x).toFixed(1)} %`;
}

/** A number with fixed decimals ("—" when absent). */
export function showFixed(x: number | null, digits = 3): string {
  return x === null ? "—" : x.toFixed(digits);
}

/** The cost ratio sentence, or why there is none. */
export function ratioText(v: EvaluationView): string {
  const ratio = v.ratio
    ? `${v.ratio.wall.toFixed(1)}× wall, ${v.ratio.cpu.toFixed(1)}× CPU`
    : v.baselineProved === false ? "none: the full retrain was not proved, so the two are not like for like" : "—";
  return `${ratio}${v.trainingOnlyRatio === null ? "" : `; training alone ${v.trainingOnlyRatio.toFixed(1)}×`}`;
}

/** The exactness sentence. */
export function exactText(v: EvaluationView): string {
  return v.exact === null ? "—" : v.exact ? "yes: the unlearned weights are the reference retrain's, bit for bit" : "NO: the unlearned weights differ from the reference retrain's";
}
