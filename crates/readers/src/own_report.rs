//! intguard's own outputs (its text, JSON, SARIF and Markdown reports and its
//! baseline files) are not audited: they quote masked secrets, rule help
//! and file paths, and a scan of a folder that holds one (the README's CI
//! recipe writes `intguard.sarif` into the scanned checkout) would report
//! intguard's report. They are recognised by content, from the first and
//! last bytes only, whatever their file name.

use std::sync::LazyLock;

use regex::Regex;

/// How much of the start of a file is looked at.
const HEAD: usize = 1024;

/// `--format json`: `{ "version": "1.1", "tool": { "name": "intguard", ...`
static JSON_REPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\A\s*\{\s*"version"\s*:\s*"[0-9]+\.[0-9]+"\s*,\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"intguard"\s*,"#,
    )
    .expect("regex")
});
/// `--format sarif`: a SARIF log whose first run's `tool.driver.name` is
/// intguard.
static SARIF_REPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\A\s*\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*"\s*,\s*"version"\s*:\s*"2\.1\.0"\s*,\s*"runs"\s*:\s*\[\s*\{\s*"tool"\s*:\s*\{\s*"driver"\s*:\s*\{\s*"name"\s*:\s*"intguard"\s*,"#,
    )
    .expect("regex")
});
/// `--write-baseline`: `{ "version": 1, "findings": [ { "fingerprint":
/// "<16 hex>", "rule": "IG...", ...` (or no findings).
static BASELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\A\s*\{\s*"version"\s*:\s*[0-9]+\s*,\s*"findings"\s*:\s*\[\s*(?:\]\s*\}\s*\z|\{\s*"fingerprint"\s*:\s*"[0-9a-f]{16}"\s*,\s*"rule"\s*:\s*"IG[0-9]{3}"\s*,\s*"path"\s*:)"#,
    )
    .expect("regex")
});
/// `intguard identities --format json`: `{ "tool": { "name": "intguard",
/// ... }, "summary": { "identities": ...`.
static IDENTITIES_JSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\A\s*\{\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"intguard"\s*,\s*"version"\s*:\s*"[^"]*"\s*\}\s*,\s*"summary"\s*:\s*\{\s*"identities"\s*:"#,
    )
    .expect("regex")
});
/// `intguard identities`: `intguard identities: 3 integration identities
/// (2 Mule apps, ...)`, or none found.
static IDENTITIES_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\Aintguard identities: (?:[0-9]+ integration identit(?:y|ies) \(|no )")
        .expect("regex")
});
/// `--format markdown`: its title, and its footer as the last line.
static MARKDOWN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A### (?:✅|⚠️|❌) intguard: [^\n]*\n").expect("regex"));
static MARKDOWN_FOOTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n<sub>intguard [0-9A-Za-z.+\-]+</sub>\s*\z").expect("regex"));

/// `--format text` (without colour): a file's path, then its first finding's
/// `  SEVERITY IGnnn name` line; or a report with diagnostics only, or none.
static TEXT_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\A(?:[^\n]+\n  (?:CRITICAL|HIGH|MEDIUM|LOW|INFO) IG[0-9]{3} [a-z][a-z-]*\n  [^\n]+\n|diagnostics\n  |No integration-credential problems found )",
    )
    .expect("regex")
});
/// The text report's summary line: `76 findings (40 critical, 12 high) in 4
/// apps, 88 files; 1 suppressed`.
static TEXT_SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\A[0-9]+ findings? \([0-9]+ (?:critical|high|medium|low|info)(?:, [0-9]+ (?:critical|high|medium|low|info))*\) in [^\n]+\z",
    )
    .expect("regex")
});
const TEXT_NONE: &str = "No integration-credential problems found ";
const TEXT_FAILING: &str = "failing: findings at or above ";

/// Whether the text ends as a text report does (its summary line, then the
/// `failing:` line when the threshold was reached) and starts as one.
fn is_text_report(text: &str, head: &str) -> bool {
    let mut lines = text.trim_end_matches('\n').rsplit('\n');
    let Some(mut last) = lines.next() else {
        return false;
    };
    if last.starts_with(TEXT_FAILING) {
        let Some(before) = lines.next() else {
            return false;
        };
        last = before;
    }
    let summary = last.starts_with(TEXT_NONE)
        || (last.starts_with(|c: char| c.is_ascii_digit()) && TEXT_SUMMARY.is_match(last));
    summary && TEXT_HEAD.is_match(head)
}

/// What kind of intguard output the text is, if it is one.
pub(crate) fn kind(text: &str) -> Option<&'static str> {
    let start = text.trim_start();
    let head = crate::cut::head(start, HEAD);
    if head.starts_with('{') {
        if JSON_REPORT.is_match(head) {
            return Some("JSON report");
        }
        if SARIF_REPORT.is_match(head) {
            return Some("SARIF report");
        }
        if IDENTITIES_JSON.is_match(head) {
            return Some("identities report");
        }
        // An empty baseline is short: the whole of it is in the head.
        if BASELINE.is_match(if start.len() <= HEAD { start } else { head }) {
            return Some("baseline");
        }
        return None;
    }
    if head.starts_with("### ") && MARKDOWN_TITLE.is_match(head) {
        let tail = &text[ceil_char_boundary(text, text.len().saturating_sub(256))..];
        if MARKDOWN_FOOTER.is_match(tail) {
            return Some("Markdown report");
        }
    }
    if is_text_report(text, head) {
        return Some("text report");
    }
    if head.starts_with("intguard identities: ") && IDENTITIES_TEXT.is_match(head) {
        return Some("identities report");
    }
    // `--color always` (a CI log saved with its colours): the same report
    // with escape sequences around its words.
    if head.starts_with('\x1b') {
        let tail = &text[ceil_char_boundary(text, text.len().saturating_sub(1024))..];
        let plain = |s: &str| anstream::adapter::strip_str(s).to_string();
        if is_text_report(&plain(tail), &plain(head)) {
            return Some("text report");
        }
    }
    None
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_output_and_nothing_else() {
        let json = "{\n  \"version\": \"1.1\",\n  \"tool\": {\n    \"name\": \"intguard\",\n    \"version\": \"0.1.0\"\n  },\n  \"findings\": []\n}\n";
        assert_eq!(kind(json), Some("JSON report"));
        let sarif = "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n          \"name\": \"intguard\",\n";
        assert_eq!(kind(sarif), Some("SARIF report"));
        let baseline = "{\n  \"version\": 1,\n  \"findings\": [\n    {\n      \"fingerprint\": \"03705dcafa833be7\",\n      \"rule\": \"IG209\",\n      \"path\": \"a.xml\"\n    }\n  ]\n}\n";
        assert_eq!(kind(baseline), Some("baseline"));
        assert_eq!(
            kind("{\n  \"version\": 1,\n  \"findings\": []\n}\n"),
            Some("baseline")
        );
        let md = "### ❌ intguard: 1 critical\n\n| a | b |\n\n<sub>intguard 0.1.0</sub>\n";
        assert_eq!(kind(md), Some("Markdown report"));
        assert_eq!(
            kind("### ✅ intguard: no findings\n\nNo problems.\n\n<sub>intguard 0.1.0</sub>\n"),
            Some("Markdown report")
        );

        // Other tools' SARIF, other JSON, a Markdown file quoting the title,
        // a baseline-like file with more after its findings.
        assert_eq!(kind(&sarif.replace("intguard", "gitleaks")), None);
        assert_eq!(kind(&json.replace("intguard", "other")), None);
        assert_eq!(kind("{\"password\": \"x\"}"), None);
        assert_eq!(kind("### ❌ intguard: 1 critical\n\npassword: x\n"), None);
        assert_eq!(
            kind("{\n  \"version\": 1,\n  \"findings\": [],\n  \"password\": \"x\"\n}\n"),
            None
        );
        assert_eq!(kind(""), None);
    }

    #[test]
    fn recognises_identities_reports() {
        let text = "intguard identities: 2 integration identities (1 Mule app, 0 metadata projects, 9 files read)\n\nint.orders@acme.com\n";
        assert_eq!(kind(text), Some("identities report"));
        assert_eq!(
            kind("intguard identities: 0 integration identities (0 Mule apps, 0 metadata projects, 2 files read)\n\nNo integration identity found: ...\n"),
            Some("identities report")
        );
        let json = "{\n  \"tool\": {\n    \"name\": \"intguard\",\n    \"version\": \"0.1.0\"\n  },\n  \"summary\": {\n    \"identities\": 10,\n";
        assert_eq!(kind(json), Some("identities report"));
        // Quoted in a document, or another tool's.
        assert_eq!(kind("Run `intguard identities: ...` to list them\n"), None);
        assert_eq!(kind(&json.replace("intguard", "other")), None);
    }

    #[test]
    fn recognises_text_reports() {
        let finding = "a/global.xml\n  HIGH IG101 password-auth\n  a/global.xml:48:3\n  orders `Salesforce_Config` authenticates with a password\n     48 | <salesforce:basic-connection password=\"${secure::p}\"/>\n        | ^\n\n";
        let failing = format!("{finding}1 finding (1 high) in 1 app, 3 files; 1 suppressed\nfailing: findings at or above high\n");
        assert_eq!(kind(&failing), Some("text report"));
        let passing = format!("{finding}2 findings (1 high, 1 low) in 1 app, 3 files\n");
        assert_eq!(kind(&passing), Some("text report"));
        assert_eq!(
            kind("diagnostics\n  warning a.yaml:3: not-utf8: ...\n\nNo integration-credential problems found in 1 app, 2 files; 1 diagnostic.\n"),
            Some("text report")
        );
        assert_eq!(
            kind("No integration-credential problems found in 1 app, 2 files.\n"),
            Some("text report")
        );

        // A file quoting a report's summary, or a finding without the
        // summary, or with more after it, is not one.
        assert_eq!(
            kind("Last run:\n76 findings (40 critical) in 4 apps, 88 files\n"),
            None
        );
        assert_eq!(kind(finding), None);
        assert_eq!(kind(&format!("{passing}password=hunter22\n")), None);
        assert_eq!(
            kind("notes\n  HIGH IG101 password-auth\n  see\n12 findings (anything) in x\n"),
            None
        );

        // The same, coloured (`--color always`), as the text reporter
        // writes it.
        let coloured = "\x1b[1m\x1b[4ma/global.xml\x1b[0m\n  \x1b[1m\x1b[93mHIGH\x1b[0m \x1b[1mIG101\x1b[0m password-auth\n  a/global.xml:48:3\n  orders `Salesforce_Config` authenticates with a password\n     48 \x1b[2m|\x1b[0m <salesforce:basic-connection password=\"${secure::p}\"/>\n\n\x1b[1m1 finding (1 high) in 1 app, 3 files\x1b[0m\n\x1b[1m\x1b[91mfailing: findings at or above high\x1b[0m\n";
        assert_eq!(kind(coloured), Some("text report"));
        assert_eq!(kind(&format!("{coloured}password=hunter22\n")), None);
    }
}
