mod common;

use common::Fixture;
use intguard_model::{Finding, Location};
use intguard_report::{text, TextOptions};

const PLAIN: TextOptions = TextOptions { color: false };
const COLOR: TextOptions = TextOptions { color: true };

/// Removes `ESC [ ... m` sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn sample_report() {
    let fx = Fixture::sample();
    insta::assert_snapshot!(text::render(&fx.report(), &PLAIN));
}

#[test]
fn empty_report_is_a_friendly_line() {
    let fx = Fixture::empty();
    let out = text::render(&fx.report(), &PLAIN);
    insta::assert_snapshot!(out);
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn no_escape_codes_without_color() {
    let fx = Fixture::sample();
    let out = text::render(&fx.report(), &PLAIN);
    assert!(!out.contains('\u{1b}'), "{out}");
}

#[test]
fn color_adds_only_escape_codes() {
    let fx = Fixture::sample();
    let colored = text::render(&fx.report(), &COLOR);
    assert!(colored.contains("\u{1b}["), "{colored}");
    // Severity colour on the label, bold rule ids.
    assert!(colored.contains("\u{1b}[1m\u{1b}[91mCRITICAL"), "{colored}");
    assert!(colored.contains("\u{1b}[1mIG101"), "{colored}");
    assert_eq!(strip_ansi(&colored), text::render(&fx.report(), &PLAIN));
}

#[test]
fn groups_by_file_with_one_header_each() {
    let fx = Fixture::sample();
    let out = text::render(&fx.report(), &PLAIN);
    let headers: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .collect();
    assert_eq!(
        headers[..4],
        [
            "apps/billing/src/main/mule/global.xml",
            "apps/orders/src/main/mule/global.xml",
            "apps/orders/src/main/resources/config-dev.yaml",
            "keys/sfdc.jks",
        ]
    );
}

#[test]
fn caret_points_at_the_column() {
    let fx = Fixture::sample();
    let out = text::render(&fx.report(), &PLAIN);
    let lines: Vec<&str> = out.lines().collect();
    // IG101 at 12:9 on a line indented by 8: the caret is under the `<`.
    let i = lines
        .iter()
        .position(|l| l.contains("   12 | <salesforce:basic-connection"))
        .expect("snippet line");
    let caret = lines[i + 1].find('^').expect("caret line");
    assert_eq!(lines[i].as_bytes()[caret], b'<');
}

#[test]
fn hostile_text_cannot_drive_the_terminal() {
    let mut f = common::findings().remove(1);
    f.message = "evil \u{1b}]0;pwned\u{7} \u{1b}[2J\r done \u{202e}txt".into();
    f.snippet = Some("<a x=\"\u{1b}[31m\"/>".into());
    f.location = Location::new("apps/\u{1b}[1mx.xml", 1, 1);
    let fx = Fixture::new(vec![f], Vec::new());
    for opts in [PLAIN, COLOR] {
        let out = strip_ansi(&text::render(&fx.report(), &opts));
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert!(!out.contains('\r'));
        assert!(!out.contains('\u{202e}'));
        assert!(out.contains("\\u{1b}[2J"));
    }
}

#[test]
fn whole_file_findings_have_no_line() {
    let fx = Fixture::sample();
    let out = text::render(&fx.report(), &PLAIN);
    assert!(out.contains("\n  keys/sfdc.jks\n"), "{out}");
    assert!(!out.contains("keys/sfdc.jks:0"));
}

#[test]
fn passing_scan_has_no_failing_line() {
    let findings: Vec<Finding> = common::findings()
        .into_iter()
        .filter(|f| !f.severity.at_least(intguard_model::Severity::High))
        .collect();
    let fx = Fixture::new(findings, Vec::new());
    let out = text::render(&fx.report(), &PLAIN);
    assert!(!out.contains("failing"), "{out}");
    assert!(
        out.ends_with(
            "2 findings (1 medium, 1 low) in 3 apps, 57 files; 2 suppressed, 1 baselined\n"
        ),
        "{out}"
    );
}
