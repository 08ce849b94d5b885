//! The Markdown format: a pull-request comment.
//!
//! A title with the verdict, a severity table, the scan's counts, then the
//! findings grouped by severity: severities that fail the build (at or above
//! `--fail-on`, or high when there is none) are open, the rest folded in
//! `<details>`, then the diagnostics about the input (capped, folded). Table
//! cells are escaped so that text from the scanned files
//! cannot break the table or inject HTML, and the whole comment stays under
//! GitHub's 65,536-character limit: rows that do not fit are left out with a
//! note.

use std::fmt::Write as _;

use intguard_model::{Diagnostic, DiagnosticLevel, Finding, Severity};

use crate::{plural, scope, severity_breakdown, Report, Summary};

/// GitHub's limit on a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;
/// What findings may fill (counted in bytes, which is never less than
/// characters), leaving room for closing tags, the note and the footer.
const BUDGET: usize = COMMENT_LIMIT - 2_048;

const MESSAGE_MAX: usize = 400;
const FIX_MAX: usize = 400;
const IDENTITY_MAX: usize = 120;
const PATH_MAX: usize = 200;

/// Diagnostics listed (each with its path and position), and the bytes
/// their block may take: the rest is left to the text and JSON reports.
const DIAGNOSTICS_MAX: usize = 20;
const DIAGNOSTICS_BUDGET: usize = 8_192;
const DIAGNOSTIC_MESSAGE_MAX: usize = 300;

const DIAGNOSTICS_HEAD: &str = "| Level | Code | Location | Message |\n|---|---|---|---|\n";

const TABLE_HEAD: &str =
    "| Severity | Rule | Location | Identity | Message | Fix |\n|---|---|---|---|---|---|\n";

pub fn render(report: &Report) -> String {
    let s = report.summary;
    let mut out = String::new();
    write_head(&mut out, s, crate::partial(report.diagnostics));
    // The diagnostics' block is made first, so the findings leave room for it.
    let diagnostics = diagnostics_block(report.diagnostics);
    let budget = BUDGET - diagnostics.len();

    // Each severity's rows, in the report's order, made in one reading of
    // the findings and kept only while they could still fit: a row that
    // does not fit with nothing before it never will, and the listing
    // stops at the first row that does not fit. So a comment holds up to
    // a comment's worth of rows per severity, never every finding.
    let mut totals = [0usize; Severity::ALL.len()];
    for (_, severity) in report.findings.heads() {
        totals[rank(severity)] += 1;
    }
    let mut sections: Vec<Section> = Severity::ALL
        .into_iter()
        .map(|severity| {
            let open = severity.at_least(s.fail_on.unwrap_or(Severity::High));
            Section::new(severity, totals[rank(severity)], open)
        })
        .collect();
    for f in report.findings.iter() {
        sections[rank(f.severity)].offer(&f, budget);
    }

    let mut shown = [0usize; Severity::ALL.len()];
    let mut truncated = false;
    for (i, section) in sections.iter().enumerate() {
        if section.total == 0 || truncated {
            continue;
        }
        let mut listed = section.head.clone();
        for row in section.rows() {
            if out.len() + listed.len() + row.len() + section.foot.len() > budget {
                truncated = true;
                break;
            }
            listed.push_str(row);
            shown[i] += 1;
        }
        // The rows not kept did not fit even alone.
        truncated |= shown[i] < section.total;
        if shown[i] > 0 {
            out.push_str(&listed);
            out.push_str(section.foot);
        }
    }

    if truncated {
        let hidden = report.findings.len() - shown.iter().sum::<usize>();
        let _ = writeln!(
            out,
            "> **Note**: {} not shown ({}): this comment would exceed GitHub's {COMMENT_LIMIT}-character limit. The JSON and SARIF reports list every finding.\n",
            plural(hidden as u64, "more finding is", "more findings are"),
            hidden_rules(report, &shown),
        );
    }
    out.push_str(&diagnostics);
    let _ = writeln!(
        out,
        "<sub>{} {}</sub>",
        text(report.tool_name),
        text(report.tool_version)
    );
    out
}

/// The place of `severity` in [`Severity::ALL`].
fn rank(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .expect("every severity is in Severity::ALL")
}

/// One severity's part of the comment: its title and table head, and the
/// rows kept for it (see [`render`]).
struct Section {
    head: String,
    foot: &'static str,
    /// Its findings.
    total: usize,
    /// The rows kept, one after another, and where each ends.
    rows: String,
    ends: Vec<usize>,
    /// A row did not fit alone: no later row is kept.
    full: bool,
}

impl Section {
    fn new(severity: Severity, total: usize, open: bool) -> Self {
        let title = format!("{} ({total})", capitalized(severity));
        let (head, foot) = if open {
            (format!("#### {title}\n\n{TABLE_HEAD}"), "\n")
        } else {
            (
                format!("<details><summary>{title}</summary>\n\n{TABLE_HEAD}"),
                "\n</details>\n\n",
            )
        };
        Section {
            head,
            foot,
            total,
            rows: String::new(),
            ends: Vec::new(),
            full: false,
        }
    }

    /// Keeps `f`'s row while it could still fit within `budget`.
    fn offer(&mut self, f: &Finding, budget: usize) {
        if self.full {
            return;
        }
        let row = row(f);
        if self.head.len() + self.rows.len() + row.len() + self.foot.len() > budget {
            self.full = true;
            return;
        }
        self.rows.push_str(&row);
        self.ends.push(self.rows.len());
    }

    fn rows(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.rows[a..b])
    }
}

/// The rules of the findings not shown (each severity's after the first
/// `shown` of it), each with its count, in the report's order (`` `IG210`
/// x2, `IG113` ``): a cut comment still names every rule that found
/// something. Read from the findings' heads.
fn hidden_rules(report: &Report, shown: &[usize; Severity::ALL.len()]) -> String {
    let mut seen = [0usize; Severity::ALL.len()];
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (rule, severity) in report.findings.heads() {
        let i = rank(severity);
        seen[i] += 1;
        if seen[i] <= shown[i] {
            continue;
        }
        match counts.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, n)) => *n += 1,
            None => counts.push((rule, 1)),
        }
    }
    counts
        .iter()
        .map(|(rule, n)| match n {
            1 => format!("`{rule}`"),
            n => format!("`{rule}` x{n}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_head(out: &mut String, s: &Summary, partial: bool) {
    if partial && s.total == 0 {
        let _ = writeln!(out, "### ⚠️ intguard: partial org audit\n");
        let _ = writeln!(out, "**Partial:** {}.\n", crate::PARTIAL_NOTE);
        let _ = writeln!(
            out,
            "No integration-credential problems found in what was read {}.{}\n",
            scope(s),
            counts(s)
        );
        return;
    }
    if s.total == 0 {
        let _ = writeln!(out, "### ✅ intguard: no findings\n");
        let _ = writeln!(
            out,
            "No integration-credential problems found {}.{}\n",
            scope(s),
            counts(s)
        );
        return;
    }
    let icon = if s.failed { "❌" } else { "⚠️" };
    let _ = writeln!(out, "### {icon} intguard: {}\n", severity_breakdown(s));
    if partial {
        let _ = writeln!(out, "**Partial:** {}.\n", crate::PARTIAL_NOTE);
    }
    match s.fail_on {
        Some(threshold) if s.failed => {
            let _ = writeln!(
                out,
                "**Failing**: {} at or above **{threshold}** (`--fail-on {threshold}`).\n",
                plural(s.failing_count() as u64, "finding", "findings")
            );
        }
        Some(threshold) => {
            let _ = writeln!(
                out,
                "**Passing**: nothing at or above **{threshold}** (`--fail-on {threshold}`).\n"
            );
        }
        None => {
            let _ = writeln!(out, "No failure threshold (`--fail-on none`).\n");
        }
    }
    out.push_str("| Severity | Findings |\n|:--|--:|\n");
    for severity in Severity::ALL {
        let _ = writeln!(out, "| {severity} | {} |", s.count(severity));
    }
    let _ = writeln!(
        out,
        "\n{} {}.{}\n",
        plural(s.total as u64, "finding", "findings"),
        scope(s),
        counts(s)
    );
}

/// ` 2 suppressed, 1 baselined. 1 diagnostic (...)`, or nothing.
fn counts(s: &Summary) -> String {
    let mut out = String::new();
    let mut hidden = Vec::new();
    if s.suppressed > 0 {
        hidden.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        hidden.push(format!("{} baselined", s.baselined));
    }
    if !hidden.is_empty() {
        let _ = write!(out, " {}.", hidden.join(", "));
    }
    if s.diagnostics > 0 {
        let _ = write!(
            out,
            " {} about the input (listed below).",
            plural(s.diagnostics as u64, "diagnostic", "diagnostics")
        );
    }
    out
}

/// The diagnostics, folded: level, code, `path:line:column` and message of
/// up to [`DIAGNOSTICS_MAX`] of them within [`DIAGNOSTICS_BUDGET`] bytes, and
/// how many more there are. Empty when there are none.
fn diagnostics_block(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<details><summary>{} about the input</summary>\n\n{DIAGNOSTICS_HEAD}",
        plural(diagnostics.len() as u64, "diagnostic", "diagnostics")
    );
    let foot = "\n</details>\n\n";
    // Room for the note on those left out.
    let room = DIAGNOSTICS_BUDGET - foot.len() - 200;
    let mut shown = 0;
    for d in diagnostics.iter().take(DIAGNOSTICS_MAX) {
        let row = diagnostic_row(d);
        if out.len() + row.len() > room {
            break;
        }
        out.push_str(&row);
        shown += 1;
    }
    if shown < diagnostics.len() {
        let _ = write!(
            out,
            "\n{} not shown: the text and JSON reports list every diagnostic.\n",
            plural(
                (diagnostics.len() - shown) as u64,
                "more diagnostic is",
                "more diagnostics are"
            )
        );
    }
    out.push_str(foot);
    out
}

fn diagnostic_row(d: &Diagnostic) -> String {
    let mut location = d.path.to_string();
    if let Some(line) = d.line {
        let _ = write!(location, ":{line}");
        if let Some(column) = d.column {
            let _ = write!(location, ":{column}");
        }
    }
    let level = match d.level {
        DiagnosticLevel::Error => "error",
        DiagnosticLevel::Warning => "warning",
    };
    format!(
        "| {level} | {} | {} | {} |\n",
        code(d.code),
        code(&shorten(&location, PATH_MAX)),
        text(&shorten(&d.message, DIAGNOSTIC_MESSAGE_MAX)),
    )
}

fn row(f: &Finding) -> String {
    let location = if f.location.line == 0 {
        f.location.path.to_string()
    } else {
        format!("{}:{}", f.location.path, f.location.line)
    };
    let identity = f
        .identity
        .as_deref()
        .map(|i| code(&shorten(i, IDENTITY_MAX)))
        .unwrap_or_default();
    // The environments belong to the place (the property files of those
    // environments), with or without an identity.
    let mut location = code(&shorten(&location, PATH_MAX));
    if !f.environments.is_empty() {
        let envs = shorten(&f.environments.join(", "), IDENTITY_MAX);
        location = format!("{location} ({})", text(&envs));
    }
    format!(
        "| {} | {} {} | {} | {} | {} | {} |\n",
        f.severity,
        code(f.rule),
        text(f.name),
        location,
        identity,
        inline(&shorten(&f.message, MESSAGE_MAX)),
        inline(&shorten(f.fix.trim(), FIX_MAX)),
    )
}

fn capitalized(severity: Severity) -> String {
    let name = severity.as_str();
    name[..1].to_ascii_uppercase() + &name[1..]
}

/// Cuts text to `max` characters, ending with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// One line: line breaks become spaces, other control characters go, and
/// bidirectional overrides and zero-width characters become visible
/// `\u{..}` escapes (they would make the comment read other than it is).
fn one_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if crate::visible::needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Plain text for a table cell: every character Markdown or HTML could read
/// as markup is backslash-escaped: `|` (GFM splits cells on it), HTML, emphasis,
/// links and `$` (GitHub reads `$...$` as math). No bare URL is linked
/// either (`http\://`, `www\.`): GitHub's autolink extension (cmark-gfm)
/// runs a link on over backticks, so a URL from the scanned files right
/// before a code span took the span's opening backtick, and the closing one
/// then opened a span that left the rest of the cell unescaped.
pub fn text(raw: &str) -> String {
    let line = one_line(raw);
    let mut out = String::with_capacity(line.len() + 8);
    for (i, c) in line.char_indices() {
        let markup = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '$'
        );
        let autolink = (c == ':' && line[i + 1..].starts_with("//"))
            || (c == '.'
                && out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www"));
        if markup || autolink {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span for a table cell: the fence is longer than any backtick run
/// inside, and `|` is escaped (GFM unescapes it even inside code spans).
pub fn code(raw: &str) -> String {
    let content = one_line(raw);
    if content.trim().is_empty() {
        return text(&content);
    }
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", content.replace('|', "\\|"))
}

/// Message text, where rules write `code` in backticks: balanced single
/// backticks become code spans, everything else is escaped text. With an odd
/// number of backticks the whole text is escaped.
pub fn inline(raw: &str) -> String {
    let raw = one_line(raw);
    let parts: Vec<&str> = raw.split('`').collect();
    if parts.len() % 2 == 0 {
        return text(&raw);
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(&text(part));
        } else if part.trim().is_empty() {
            out.push_str(&text(&format!("`{part}`")));
        } else {
            out.push_str(&code(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_fence_backticks() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn inline_keeps_balanced_code() {
        assert_eq!(inline("use `a|b` now"), "use `a\\|b` now");
        assert_eq!(inline("odd ` tick"), "odd \\` tick");
        assert_eq!(inline("<b>x</b>"), "\\<b\\>x\\</b\\>");
    }

    #[test]
    fn bidi_and_zero_width_characters_are_visible() {
        assert_eq!(
            one_line("a\u{202e}b\u{200b}c\u{1b}d"),
            "a\\u{202e}b\\u{200b}cd"
        );
        assert_eq!(text("x\u{202e}"), "x\\\\u{202e}");
    }

    #[test]
    fn shorten_counts_characters() {
        assert_eq!(shorten("ééééé", 3), "éé…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
