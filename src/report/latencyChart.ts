import { html, Markup } from "./markup.ts";
import { formatDuration, type LatencyPoint } from "./model.ts";

/**
 * The proving-latency chart: one point per proved request, x = when it was received, y = how
 * long until its last proof was appended. Inline SVG with no script or external style, so the
 * report stays one self-contained file.
 */

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 40 };
/** At most this many steps up the y axis. */
const MAX_Y_STEPS = 5;
/** Axis steps in seconds that read well as durations (1 s … 12 h); beyond, whole days. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200];

/** The chart as SVG markup (a short text note when no request was proved). */
export function latencyChart(points: readonly LatencyPoint[]): Markup {
  if (points.length === 0) return html`<p class="note">No proved request yet: nothing to chart.</p>`;
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const first = sorted[0]!.at, last = sorted[sorted.length - 1]!.at;
  // One request (or all at once) still needs a time axis: an hour either side, labelled with the
  // requests' own time in the middle rather than with two invented end times.
  const instant = first === last;
  const [t0, t1] = instant ? [first - 3_600_000, last + 3_600_000] : [first, last];
  const longest = Math.max(...sorted.map((p) => p.seconds));
  const step = axisStep(longest);
  // One step of headroom above the longest, so no point sits on the chart's top edge.
  const steps = Math.floor(longest / step) + 1;
  const top = step * steps;
  const plotW = WIDTH - MARGIN.left - MARGIN.right, plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (at: number) => MARGIN.left + ((at - t0) / (t1 - t0)) * plotW;
  const y = (seconds: number) => MARGIN.top + plotH - (seconds / top) * plotH;
  const fixed = (n: number) => n.toFixed(1);

  const yTicks = Array.from({ length: steps + 1 }, (_, i) => step * i).map((value) => html`
    <line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${fixed(y(value))}" y2="${fixed(y(value))}" stroke="#ddd"/>
    <text x="${MARGIN.left - 6}" y="${fixed(y(value) + 4)}" text-anchor="end" font-size="11">${formatDuration(value)}</text>`);
  const xLabels = instant ? [[first, "middle"]] as const : [[t0, "start"], [t1, "end"]] as const;
  const line = sorted.map((p) => `${fixed(x(p.at))},${fixed(y(p.seconds))}`).join(" ");
  const dots = sorted.map((p) => html`
    <circle class="point" data-request="${p.id}" cx="${fixed(x(p.at))}" cy="${fixed(y(p.seconds))}" r="4" fill="${p.verified ? "#1f5fbf" : "#b00020"}"><title>${p.id}: ${formatDuration(p.seconds)} from receipt to proof${p.verified ? "" : " (NOT verified)"}</title></circle>`);
  // A lone point has no line to read it by: it gets its value written beside it.
  const value = sorted.length === 1 ? html`
  <text class="value" x="${fixed(x(sorted[0]!.at) + 8)}" y="${fixed(y(sorted[0]!.seconds) + 4)}" font-size="11">${formatDuration(sorted[0]!.seconds)}</text>` : "";
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart latency-chart" role="img" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">
  <title>Proving latency per request: time from receipt to the last proof, by time received</title>${yTicks}
  <line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>
  <line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>${xLabels.map(([at, anchor]) => html`
  <text x="${fixed(x(at))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="${anchor}" font-size="11">${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC</text>`)}
  <text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">request received</text>
  <polyline points="${line}" fill="none" stroke="#1f5fbf" stroke-opacity="0.4"/>${dots}${value}
</svg>`;
}

/** The smallest readable step that covers `max` seconds in at most MAX_Y_STEPS steps. */
function axisStep(max: number): number {
  const found = STEPS.find((step) => step * MAX_Y_STEPS >= max);
  if (found !== undefined) return found;
  const days = Math.ceil(max / 86_400 / MAX_Y_STEPS);
  return days * 86_400;
}
