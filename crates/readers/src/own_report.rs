//! intguard's own outputs (its JSON, SARIF and Markdown reports and its
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
/// `--format markdown`: its title, and its footer as the last line.
static MARKDOWN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A### (?:✅|⚠️|❌) intguard: [^\n]*\n").expect("regex"));
static MARKDOWN_FOOTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n<sub>intguard [0-9A-Za-z.+\-]+</sub>\s*\z").expect("regex"));

/// What kind of intguard output the text is, if it is one.
pub(crate) fn kind(text: &str) -> Option<&'static str> {
    let start = text.trim_start();
    let head = &start[..floor_char_boundary(start, HEAD)];
    if head.starts_with('{') {
        if JSON_REPORT.is_match(head) {
            return Some("JSON report");
        }
        if SARIF_REPORT.is_match(head) {
            return Some("SARIF report");
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
    None
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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
}
