/**
 * Escaping for the human reports. Resource names, zones and messages come
 * from the stack under review — a pull request chooses them — so the PR
 * comment must show them as text: never as HTML, Markdown, a mention or a
 * way out of a code span, a table cell or the Mermaid block.
 */

/**
 * ASCII punctuation GitHub Markdown acts on in running text: code, emphasis,
 * links and images (`!` and `(` act only after `[`/`]`, escaped here), GFM
 * table pipes and strikethrough, math, headings inside list items.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]|~$#]/g;

/**
 * Text for a Markdown table cell or list item. HTML metacharacters become
 * entities; Markdown punctuation is backslash-escaped; `@` and `#` get a
 * zero-width space after them, because GitHub finds mentions and issue
 * references in the rendered text, after entities and escapes are undone
 * (URLs likewise get one after `://`);
 * line breaks become spaces so a cell stays one row.
 */
export function mdText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/([@#])/g, "$1\u200b")
    // GFM links bare URLs found in the rendered text; a zero-width space keeps a name's URL plain text.
    .replace(/:\/\//g, ":\u200b//")
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u200b.`)
    .replace(/\r?\n|\r/g, " ");
}

/**
 * A code span holding `text` verbatim: the fence is one backtick longer than
 * the longest run inside (CommonMark 6.1); in a table cell `|` is escaped, as
 * GFM tables require even inside code (elsewhere the backslash would show);
 * line breaks become spaces.
 */
export function mdCode(text: string, inTable = true): string {
  const oneLine = text.replace(/\r?\n|\r/g, " ");
  const flat = inTable ? oneLine.replace(/\|/g, "\\|") : oneLine;
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || (longest > 0 && /^ .* $/.test(flat)) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A Mermaid label: Mermaid's entity codes (`#quot;`, `#<decimal>;`, as in
 * mermaid's test/examples/leadingComments.html: `A["A double quote:#quot;"]`,
 * `#60;`) for the characters that would end the quoted label, open HTML, or
 * (backticks) close the Markdown fence the diagram sits in. `#` goes first so
 * the codes themselves stay intact.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#60;")
    .replace(/>/g, "#62;")
    .replace(/`/g, "#96;")
    .replace(/\r?\n|\r/g, " ");
}

/** Control characters (terminal escape sequences among them) shown as `\u00XX` in the text report. */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
