//! The terminal format: findings grouped by file, each with its severity, rule,
//! position, message, masked source line, identity, environments, related
//! locations and fix; then diagnostics and a one-line summary.
//!
//! Colour is applied only when [`TextOptions::color`] is set; otherwise the
//! output holds no escape sequence at all. Text from the scanned files (paths,
//! snippets, messages quoting values) is sanitised so that control characters
//! and bidirectional overrides cannot drive the terminal.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use intguard_model::{Diagnostic, DiagnosticLevel, Finding, Severity};

use crate::visible::{clean, needs_escape};
use crate::{group_by_path, plural, scope, severity_breakdown, Findings, Report, TextOptions};

/// Snippets longer than this are shown as a window around the column.
const SNIPPET_WIDTH: usize = 120;

pub fn render(report: &Report, options: &TextOptions) -> String {
    let mut out = Vec::new();
    write(report, options, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the text report is UTF-8")
}

/// [`render`] into `out`, findings read one at a time written as they
/// come: a large scan's report is not held in memory.
pub fn write(
    report: &Report,
    options: &TextOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let p = Painter {
        color: options.color,
    };
    let mut text = String::new();
    match report.findings {
        Findings::Held(held) => {
            for (path, findings) in group_by_path(held) {
                let _ = writeln!(text, "{}", p.paint(p.header(), &clean(path)));
                for finding in findings {
                    // Each finding ends with a blank line, which also
                    // separates files.
                    write_finding(&mut text, &p, finding);
                }
            }
        }
        // In the report's order, so each file's findings come together.
        Findings::Read(_) => {
            let mut path: Option<String> = None;
            for finding in report.findings.iter() {
                if path.as_deref() != Some(finding.location.path.as_str()) {
                    let here = finding.location.path.to_string();
                    let _ = writeln!(text, "{}", p.paint(p.header(), &clean(&here)));
                    path = Some(here);
                }
                write_finding(&mut text, &p, &finding);
                if text.len() >= WRITE_AT {
                    out.write_all(text.as_bytes())?;
                    text.clear();
                }
            }
        }
    }
    write_diagnostics(&mut text, &p, report.diagnostics);
    write_summary(&mut text, &p, report);
    out.write_all(text.as_bytes())
}

/// About how much text [`write`] gathers before writing it.
const WRITE_AT: usize = 64 * 1024;

/// The `diagnostics` block of a text report (nothing when there are none),
/// for another command's text output to list its inputs' problems as the
/// scan does.
pub fn render_diagnostics(diagnostics: &[Diagnostic], options: &TextOptions) -> String {
    let mut out = String::new();
    let p = Painter {
        color: options.color,
    };
    write_diagnostics(&mut out, &p, diagnostics);
    out
}

fn write_diagnostics(out: &mut String, p: &Painter, diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", p.paint(p.header(), "diagnostics"));
    for d in diagnostics {
        let _ = writeln!(out, "  {}", diagnostic_line(p, d));
    }
    out.push('\n');
}

fn write_finding(out: &mut String, p: &Painter, f: &Finding) {
    let sev = f.severity;
    let _ = writeln!(
        out,
        "  {} {} {}",
        p.paint(p.severity(sev), &sev.as_str().to_ascii_uppercase()),
        p.paint(Style::new().bold(), f.rule),
        f.name
    );
    let _ = writeln!(out, "  {}", clean(&f.location.to_string()));
    let _ = writeln!(out, "  {}", clean(&f.message));

    if let (Some(snippet), true) = (&f.snippet, f.location.line > 0) {
        let (shown, caret) = snippet_window(snippet, f.caret_column());
        let number = f.location.line.to_string();
        let width = number.len().max(5);
        let bar = p.paint(p.dim(), "|");
        let _ = writeln!(out, "  {number:>width$} {bar} {}", p.paint(p.dim(), &shown));
        if let Some(offset) = caret {
            let _ = writeln!(
                out,
                "  {:width$} {bar} {}{}",
                "",
                " ".repeat(offset),
                p.paint(p.severity(sev), "^")
            );
        }
    }

    if let Some(identity) = &f.identity {
        let _ = writeln!(
            out,
            "  {} {}",
            p.paint(p.label(), "identity:"),
            clean(identity)
        );
    }
    if !f.environments.is_empty() {
        let envs: Vec<String> = f.environments.iter().map(|e| clean(e)).collect();
        let _ = writeln!(
            out,
            "  {} {}",
            p.paint(p.label(), "environments:"),
            envs.join(", ")
        );
    }
    for r in &f.related {
        let at = if r.line == 0 {
            clean(&r.path)
        } else {
            format!("{}:{}", clean(&r.path), r.line)
        };
        let _ = writeln!(out, "  ↳ {at} {}", clean(&r.message));
    }
    if !f.fix.trim().is_empty() {
        let mut lines = f.fix.trim().lines();
        let first = lines.next().unwrap_or_default();
        let _ = writeln!(out, "  {} {}", p.paint(p.fix(), "fix:"), clean(first));
        for line in lines {
            let _ = writeln!(out, "       {}", clean(line));
        }
    }
    out.push('\n');
}

/// The snippet as shown (trimmed, tabs made spaces, cut to a window around the
/// column when long) and the caret's offset in it, when the column falls on it.
fn snippet_window(snippet: &str, column: u32) -> (String, Option<usize>) {
    let chars: Vec<char> = snippet
        .trim_end()
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let indent = chars.iter().take_while(|c| **c == ' ').count();
    let body = &chars[indent..];
    // 0-based position of the column in `body`, if it is on the line.
    let col = (column as usize)
        .checked_sub(1 + indent)
        .filter(|c| *c < body.len());

    let (start, end) = if body.len() <= SNIPPET_WIDTH {
        (0, body.len())
    } else {
        let start = col.map_or(0, |c| c.saturating_sub(SNIPPET_WIDTH / 3));
        let mut start = start.min(body.len() - SNIPPET_WIDTH);
        let mut end = start + SNIPPET_WIDTH;
        // A mask (`…(18)`) an edge would cut is left out whole, as the
        // engine cuts its window: `…(1…` would read as another length.
        for (a, b) in mask_spans(body) {
            if a < start && start < b && col.is_none_or(|c| b <= c) {
                start = b;
            }
            if a < end && end < b && col.is_none_or(|c| c < a) {
                end = a;
            }
        }
        (start, end.max(start))
    };
    let mut shown = String::new();
    let mut caret = col.map(|c| c - start);
    if start > 0 {
        shown.push('…');
        caret = caret.map(|c| c + 1);
    }
    shown.push_str(&clean(&body[start..end].iter().collect::<String>()));
    if end < body.len() {
        shown.push('…');
    }
    // `clean` may have widened control characters before the column.
    let caret = caret.filter(|_| {
        body[start..col.unwrap_or(start)]
            .iter()
            .all(|c| !needs_escape(*c))
    });
    (shown, caret)
}

/// Where each mask (`…(N)`, as `intguard_model::secret::mask` writes it
/// after a secret's first characters) stands in `chars`: `start..end`.
fn mask_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 3 < chars.len() {
        if chars[i] == '…' && chars[i + 1] == '(' {
            let digits = chars[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits > 0 && chars.get(i + 2 + digits) == Some(&')') {
                spans.push((i, i + 3 + digits));
                i += 3 + digits;
                continue;
            }
        }
        i += 1;
    }
    spans
}

fn diagnostic_line(p: &Painter, d: &Diagnostic) -> String {
    let (word, style) = match d.level {
        DiagnosticLevel::Error => ("error", p.severity(Severity::Critical)),
        DiagnosticLevel::Warning => ("warning", p.severity(Severity::Medium)),
    };
    let at = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", clean(&d.path)),
        (Some(l), None) => format!("{}:{l}", clean(&d.path)),
        _ => clean(&d.path),
    };
    format!(
        "{}{} {at} {}",
        p.paint(style, word),
        p.paint(Style::new().bold(), &format!("[{}]", d.code)),
        clean(&d.message)
    )
}

fn write_summary(out: &mut String, p: &Painter, report: &Report) {
    let s = report.summary;
    let mut line = if s.total == 0 {
        format!("No integration-credential problems found {}", scope(s))
    } else {
        format!(
            "{} ({}) {}",
            plural(s.total as u64, "finding", "findings"),
            severity_breakdown(s),
            scope(s)
        )
    };
    let mut hidden = Vec::new();
    if s.suppressed > 0 {
        hidden.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        hidden.push(format!("{} baselined", s.baselined));
    }
    if !hidden.is_empty() {
        line.push_str("; ");
        line.push_str(&hidden.join(", "));
    }
    if s.diagnostics > 0 {
        line.push_str("; ");
        line.push_str(&plural(s.diagnostics as u64, "diagnostic", "diagnostics"));
    }
    if s.total == 0 {
        line.push('.');
    }
    let _ = writeln!(out, "{}", p.paint(Style::new().bold(), &line));
    if crate::partial(report.diagnostics) {
        let _ = writeln!(
            out,
            "{}",
            p.paint(
                p.severity(Severity::Critical),
                &format!("partial: {}", crate::PARTIAL_NOTE)
            )
        );
    }
    if s.failed {
        if let Some(threshold) = s.fail_on {
            let _ = writeln!(
                out,
                "{}",
                p.paint(
                    p.severity(Severity::Critical),
                    &format!("failing: findings at or above {threshold}")
                )
            );
        }
    }
}

/// The one place that knows about ANSI styles.
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> Style {
        let (color, bold) = match severity {
            Severity::Critical => (AnsiColor::BrightRed, true),
            Severity::High => (AnsiColor::Red, true),
            Severity::Medium => (AnsiColor::Yellow, true),
            Severity::Low => (AnsiColor::Cyan, false),
            Severity::Info => (AnsiColor::Blue, false),
        };
        let style = Style::new().fg_color(Some(color.into()));
        if bold {
            style.bold()
        } else {
            style
        }
    }

    fn header(&self) -> Style {
        Style::new().bold().underline()
    }

    fn dim(&self) -> Style {
        Style::new().dimmed()
    }

    fn label(&self) -> Style {
        Style::new().dimmed()
    }

    fn fix(&self) -> Style {
        Style::new().bold().fg_color(Some(AnsiColor::Green.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_follows_trimmed_indent() {
        let (shown, caret) = snippet_window("    <a b=\"c\"/>", 8);
        assert_eq!(shown, "<a b=\"c\"/>");
        assert_eq!(caret, Some(3));
    }

    #[test]
    fn no_caret_off_the_line() {
        assert_eq!(snippet_window("abc", 0).1, None);
        assert_eq!(snippet_window("abc", 9).1, None);
    }

    #[test]
    fn long_lines_are_windowed_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (shown, caret) = snippet_window(&line, 501);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() <= SNIPPET_WIDTH + 2);
        assert_eq!(shown.chars().nth(caret.unwrap()), Some('X'));
    }

    /// A mask across either edge of the window is left out whole: a cut
    /// one (`Mi…(1…`) would read as a secret of another length.
    #[test]
    fn a_mask_across_the_window_edge_is_not_cut() {
        let head = SNIPPET_WIDTH / 3;
        for shift in 0..8 {
            // Across the end.
            let before_end = SNIPPET_WIDTH - head - 1 - 4 + shift;
            let line = format!(
                "{}X{}Mi…(18){}",
                "a".repeat(head + 10),
                "b".repeat(before_end),
                "c".repeat(300)
            );
            let (shown, caret) = snippet_window(&line, head as u32 + 11);
            assert_eq!(shown.chars().nth(caret.unwrap()), Some('X'), "{shown}");
            let masks = shown.matches("…(").count();
            assert_eq!(masks, shown.matches("…(18)").count(), "{shown}");
            assert!(!shown.contains("…(1…") && !shown.contains("(…"), "{shown}");
            // Across the start.
            let line = format!(
                "{}Mi…(18){}X{}",
                "a".repeat(10 + shift),
                "b".repeat(head - 4 + shift % 4),
                "c".repeat(300)
            );
            let x = line.chars().position(|c| c == 'X').unwrap() as u32 + 1;
            let (shown, caret) = snippet_window(&line, x);
            assert_eq!(shown.chars().nth(caret.unwrap()), Some('X'), "{shown}");
            assert_eq!(
                shown.matches("…(").count(),
                shown.matches("…(18)").count(),
                "{shown}"
            );
            let after = shown.strip_prefix('…').unwrap_or(&shown);
            assert!(
                !after.starts_with(|c: char| c.is_ascii_digit() || c == '(' || c == ')'),
                "{shown}"
            );
        }
    }
}
