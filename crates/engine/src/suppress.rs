//! Inline suppressions: `<!-- intguard-ignore IG102: reason -->` or
//! `# intguard-ignore IG102: reason` on the finding's line or the line above.

use intguard_model::{Diagnostic, Finding, InlineSuppression};

/// Whether an inline suppression covers a finding. A suppression without a
/// reason does not count: intguard says so in a diagnostic instead.
pub fn covers(s: &InlineSuppression, f: &Finding) -> bool {
    if s.location.path != f.location.path || !has_reason(s) {
        return false;
    }
    let line = f.location.line;
    let at = s.location.line;
    let near = at == line || at + 1 == line;
    near && (s.rules.is_empty()
        || s.rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case(f.rule) || r.eq_ignore_ascii_case(f.name)))
}

fn has_reason(s: &InlineSuppression) -> bool {
    s.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
}

/// Diagnostics for suppressions that are ignored (no reason) or unknown rules.
pub fn diagnostics(
    suppressions: &[InlineSuppression],
    known: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in suppressions {
        let (line, col) = (s.location.line, s.location.column);
        if !has_reason(s) {
            out.push(
                Diagnostic::warning(
                    "suppression-without-reason",
                    s.location.path.clone(),
                    "intguard-ignore needs a reason (`intguard-ignore IG102: why this is acceptable`); this one is not applied",
                )
                .at(line, col),
            );
        }
        for r in s.rules.iter().filter(|r| !known(r)) {
            out.push(
                Diagnostic::warning(
                    "suppression-unknown-rule",
                    s.location.path.clone(),
                    format!("intguard-ignore names unknown rule {r:?}"),
                )
                .at(line, col),
            );
        }
    }
    out
}
