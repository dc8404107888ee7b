import type { EvaluatedModel } from "../evaluation/report.ts";
import type { AttackRow, CostRow, UtilityRow } from "./evaluationView.ts";
import { html, type Markup } from "./markup.ts";
import { formatDuration } from "./model.ts";

/**
 * The evaluation's charts as inline SVG (no script, no external style), like the latency chart:
 * ROC curves per attack, accuracy bars per record set, and the cost of unlearning against a full
 * retrain. Every coordinate comes from a number the view already checked.
 */

/** One colour and stroke per model. Curves often coincide (unlearned = reference for exact SISA
 * unlearning; all three when the forget set leaked nothing), so they are nested: the reference
 * wide and dashed at the bottom, the original narrower above it, the unlearned thin on top. */
const STYLE: Record<EvaluatedModel, { color: string; width: number; dash?: string }> = {
  original: { color: "#d95f02", width: 4 },
  reference: { color: "#1b9e77", width: 7, dash: "8 4" },
  unlearned: { color: "#1f5fbf", width: 1.5 },
};
const DRAW_ORDER: readonly EvaluatedModel[] = ["reference", "original", "unlearned"];
const LEGEND_ORDER: readonly EvaluatedModel[] = ["original", "unlearned", "reference"];
const fixed = (n: number) => n.toFixed(1);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function legend(x: number, y: number, models: readonly EvaluatedModel[], swatch: "line" | "box"): Markup[] {
  return models.map((m, i) => {
    const s = STYLE[m];
    const yy = y + i * 16;
    const mark = swatch === "line"
      ? html`<line x1="${x}" x2="${x + 22}" y1="${yy - 4}" y2="${yy - 4}" stroke="${s.color}" stroke-width="${Math.min(s.width, 4)}"${s.dash ? html` stroke-dasharray="${s.dash}"` : ""}/>`
      : html`<rect x="${x + 6}" y="${yy - 10}" width="10" height="10" fill="${s.color}"/>`;
    return html`
  <g class="legend" data-model="${m}">${mark}<text x="${x + 28}" y="${yy}" font-size="11">${m}</text></g>`;
  });
}

/** ROC curves of one attack for the three models, with the chance diagonal. */
export function rocChart(attack: string, rows: readonly AttackRow[]): Markup {
  const size = 300, m = { left: 44, right: 12, top: 24, bottom: 40 };
  const plot = size - m.left - m.right;
  const height = m.top + plot + m.bottom;
  const x = (fpr: number) => m.left + fpr * plot;
  const y = (tpr: number) => m.top + plot - tpr * plot;
  const drawn = DRAW_ORDER.map((model) => rows.find((r) => r.model === model)).filter((r): r is AttackRow => r !== undefined && r.roc.length > 0);
  if (drawn.length === 0) return html`<p class="note">No ROC points for the ${attack} attack in this evaluation document.</p>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => html`
  <line x1="${fixed(x(t))}" x2="${fixed(x(t))}" y1="${m.top}" y2="${m.top + plot}" stroke="#eee"/>
  <line x1="${m.left}" x2="${m.left + plot}" y1="${fixed(y(t))}" y2="${fixed(y(t))}" stroke="#eee"/>
  <text x="${fixed(x(t))}" y="${m.top + plot + 14}" text-anchor="middle" font-size="10">${t}</text>
  <text x="${m.left - 4}" y="${fixed(y(t) + 3)}" text-anchor="end" font-size="10">${t}</text>`);
  const curves = drawn.map((r) => {
    const s = STYLE[r.model];
    return html`
  <polyline class="roc" data-model="${r.model}" points="${r.roc.map(([f, t]) => `${fixed(x(f))},${fixed(y(t))}`).join(" ")}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${s.dash ? html` stroke-dasharray="${s.dash}"` : ""} stroke-linejoin="round"><title>${r.model}: AUC ${r.auc === null ? "—" : r.auc.toFixed(3)}</title></polyline>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart roc-chart" data-attack="${attack}" role="img" width="${size}" height="${height}" viewBox="0 0 ${size} ${height}" font-family="sans-serif">
  <title>Membership inference, ${attack} attack: ROC curves of the forget set against held-out non-members</title>
  <text x="${m.left}" y="14" font-size="12" font-weight="bold">${attack} attack</text>${ticks}
  <rect x="${m.left}" y="${m.top}" width="${plot}" height="${plot}" fill="none" stroke="#333"/>
  <line class="chance" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="3 3"/>${curves}${legend(m.left + plot - 96, m.top + plot - 44, LEGEND_ORDER.filter((mm) => drawn.some((r) => r.model === mm)), "line")}
  <text x="${m.left + plot / 2}" y="${height - 8}" text-anchor="middle" font-size="11">false-positive rate</text>
  <text transform="translate(11 ${m.top + plot / 2}) rotate(-90)" text-anchor="middle" font-size="11">true-positive rate</text>
</svg>`;
}

/** Grouped bars: accuracy of each model on the retain, forget and test sets. */
export function accuracyBars(rows: readonly UtilityRow[]): Markup {
  const width = 640, height = 260, m = { left: 48, right: 120, top: 16, bottom: 36 };
  const plotW = width - m.left - m.right, plotH = height - m.top - m.bottom;
  const sets = ["retain", "forget", "test"] as const;
  const groupW = plotW / sets.length, barW = (groupW * 0.7) / rows.length;
  const y = (v: number) => m.top + plotH - v * plotH;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((v) => html`
  <line x1="${m.left}" x2="${m.left + plotW}" y1="${fixed(y(v))}" y2="${fixed(y(v))}" stroke="#ddd"/>
  <text x="${m.left - 6}" y="${fixed(y(v) + 4)}" text-anchor="end" font-size="11">${100 * v} %</text>`);
  const bars = sets.map((set, g) => {
    const x0 = m.left + g * groupW + groupW * 0.15;
    const group = rows.map((r, i) => {
      const v = r[set];
      const x = x0 + i * barW;
      if (v === null) return html`<text x="${fixed(x + barW / 2)}" y="${fixed(y(0) - 4)}" text-anchor="middle" font-size="10">—</text>`;
      return html`
  <rect class="bar" data-model="${r.model}" data-set="${set}" x="${fixed(x + 1)}" y="${fixed(y(v))}" width="${fixed(barW - 2)}" height="${fixed(y(0) - y(v))}" fill="${STYLE[r.model].color}"><title>${r.model}, ${set} set: ${pct(v)}</title></rect>
  <text x="${fixed(x + barW / 2)}" y="${fixed(y(v) - 3)}" text-anchor="middle" font-size="9">${(100 * v).toFixed(1)}</text>`;
    });
    return html`${group}
  <text x="${fixed(m.left + g * groupW + groupW / 2)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="12">${set} set</text>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart accuracy-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
  <title>Accuracy before (original) and after (unlearned) unlearning, and of the reference retrain, per record set</title>${grid}
  <line x1="${m.left}" x2="${m.left + plotW}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>${bars}${legend(m.left + plotW + 16, m.top + 14, rows.map((r) => r.model), "box")}
</svg>`;
}

/** Horizontal bars: wall and CPU time of the unlearning against the full retrain. */
export function costBars(rows: readonly CostRow[], ratio: { wall: number; cpu: number } | null): Markup {
  const measured = rows.filter((r) => r.wallSeconds !== null || r.cpuSeconds !== null);
  if (measured.length === 0) return html`<p class="note">No cost figures in this evaluation document.</p>`;
  const width = 640, labelW = 110, right = 90, barH = 14, rowH = 44, top = 30;
  const height = top + rows.length * rowH + 8;
  const longest = Math.max(...rows.flatMap((r) => [r.wallSeconds ?? 0, r.cpuSeconds ?? 0]), 1e-9);
  const plotW = width - labelW - right;
  const w = (s: number) => (s / longest) * plotW;
  const body = rows.map((r, i) => {
    const y0 = top + i * rowH;
    const bar = (seconds: number | null, dy: number, kind: string, color: string) => seconds === null ? html`` : html`
  <rect class="bar" data-cost="${r.what}" data-kind="${kind}" x="${labelW}" y="${y0 + dy}" width="${fixed(Math.max(w(seconds), 1))}" height="${barH}" fill="${color}"><title>${r.what}, ${kind}: ${formatDuration(seconds)}</title></rect>
  <text x="${fixed(labelW + Math.max(w(seconds), 1) + 4)}" y="${y0 + dy + 11}" font-size="10">${kind} ${formatDuration(seconds)}</text>`;
    return html`
  <text x="${labelW - 6}" y="${y0 + 19}" text-anchor="end" font-size="12">${r.what}</text>${bar(r.wallSeconds, 0, "wall", "#1f5fbf")}${bar(r.cpuSeconds, barH + 2, "CPU", "#8fb3e8")}`;
  });
  const headline = ratio === null ? "no ratio: the full retrain was not proved" : `unlearning was ${ratio.wall.toFixed(1)}× cheaper in wall time, ${ratio.cpu.toFixed(1)}× in CPU time`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart cost-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
  <title>Cost of proved unlearning against a full proved retrain</title>
  <text x="${labelW}" y="14" font-size="12" font-weight="bold">${headline}</text>${body}
</svg>`;
}
