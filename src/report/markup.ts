/**
 * Escaping for the report renderers. HTML is built with the {@link html} tag, which escapes
 * every interpolated value unless it is already {@link Markup}: a string from the audit package
 * (a request id, a reason) can never become markup by accident.
 */

/** A piece of finished HTML/SVG, safe to insert as is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Tagged template for HTML/SVG: interpolated Markup is inserted as is, arrays are joined,
 * null/undefined/false become nothing, everything else is escaped text.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += piece(value) + strings[i + 1]!;
  });
  return new Markup(out);
}

function piece(value: unknown): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(piece).join("");
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * Escapes text for a Markdown paragraph or table cell: backslash-escapes the characters that
 * would start markup (emphasis, code, links, inline HTML, entities, cell separators) and folds
 * line breaks, so an id like `<b>x|y</b>` shows literally.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|&]/g, "\\$&").replace(/\r?\n/g, " ");
}

/** A fenced Markdown code block whose fence no backtick run inside `body` can close. */
export function markdownCodeBlock(body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
}
