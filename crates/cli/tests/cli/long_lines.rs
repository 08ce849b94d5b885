//! A finding on a long line (a minified file's one line) is shown in a
//! window of the line around its column, every secret of the line masked,
//! in every format.

use crate::support;

use std::path::Path;

use support::*;

const MIDDLE_SECRET: &str = "Middle#Secret-1234";
const TOKEN: &str = "MidTok3nValue12345";
const END_SECRET: &str = "EndOf#Line-Secret99";

/// A Mule app whose one XML file is one line of about 1 MB: a connection
/// with a clear password in the middle, another near the end.
fn minified_app(root: &Path) -> (std::path::PathBuf, String) {
    let app = mule4_app(root, "min-app", &[]);
    let fill = format!("<!-- {} -->", "x".repeat(500_000));
    let line = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">{fill}<salesforce:sfdc-config name="SF1"><salesforce:basic-connection username="mid@acme.example" password="{MIDDLE_SECRET}" securityToken="{TOKEN}"/></salesforce:sfdc-config>{fill}<salesforce:sfdc-config name="SF2"><salesforce:basic-connection username="end@acme.example" password="{END_SECRET}"/></salesforce:sfdc-config></mule>"#
    );
    write(&app, "src/main/mule/min.xml", &line);
    (app, line)
}

/// Found by testing as a user would: the snippet was the line's first 200
/// characters, so neither the flagged element nor the caret was shown.
#[test]
fn a_minified_file_s_snippets_show_the_flagged_place_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let (app, line) = minified_app(tmp.path());
    let mid_shown = r#"<salesforce:basic-connection username="mid@acme.example" password="Mi…(18)" securityToken="Mi…(18)"/>"#;
    let end_shown = r#"<salesforce:basic-connection username="end@acme.example" password="En…(19)"/></salesforce:sfdc-config></mule>"#;
    let html = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    for (format, run) in scan_every_format(&app, &[]) {
        run.expect_code(1);
        for s in [
            MIDDLE_SECRET,
            TOKEN,
            END_SECRET,
            "Middle#",
            "EndOf#",
            "MidTok3n",
        ] {
            assert!(!run.stdout.contains(s), "{format} prints {s}");
            assert!(!run.stderr.contains(s), "{format} prints {s} on stderr");
        }
        let out = &run.stdout;
        match format {
            "json" => {
                let report = run.json();
                let snippets: Vec<&str> = findings(&report)
                    .iter()
                    .map(|f| f["snippet"].as_str().expect("a snippet"))
                    .collect();
                assert!(
                    snippets.iter().any(|s| s.contains(mid_shown)),
                    "{snippets:?}"
                );
                assert!(
                    snippets.iter().any(|s| s.contains(end_shown)),
                    "{snippets:?}"
                );
                for s in snippets {
                    assert!(s.starts_with('…') && s.chars().count() <= 202, "{s}");
                }
            }
            "sarif" => {
                let report = run.json();
                let texts: Vec<&str> = report["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|r| {
                        r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"].as_str()
                    })
                    .collect();
                assert!(texts.iter().any(|s| s.contains(mid_shown)), "{texts:?}");
                assert!(texts.iter().any(|s| s.contains(end_shown)), "{texts:?}");
            }
            "html" => {
                assert!(
                    out.contains(&html(mid_shown).replacen("&lt;", "<mark>&lt;</mark>", 1)),
                    "{format}"
                );
                assert!(
                    out.contains(&html(end_shown).replacen("&lt;", "<mark>&lt;</mark>", 1)),
                    "{format}"
                );
            }
            "text" => {
                assert!(out.contains(&mid_shown[..80]), "{out}");
                assert!(
                    out.contains(r#"password="En…(19)"/></salesforce:sfdc-config></mule>"#),
                    "{out}"
                );
                assert_carets_on_the_place(out, &line);
            }
            // The Markdown report has no snippets: no secret is all it must show.
            _ => {}
        }
    }
}

/// In the text report, each finding's caret is under the character its
/// column names: the text from the caret on is the line's from the column
/// on (up to a mask).
fn assert_carets_on_the_place(out: &str, line: &str) {
    let chars: Vec<char> = line.chars().collect();
    let lines: Vec<&str> = out.lines().collect();
    let mut checked = 0;
    for (i, l) in lines.iter().enumerate() {
        let Some((_, at)) = l.trim().split_once("min-app/src/main/mule/min.xml:1:") else {
            continue;
        };
        let column: usize = at.parse().unwrap();
        let (snippet, caret) = (lines[i + 2], lines[i + 3]);
        let shown = snippet.split_once(" | ").expect("a snippet line").1;
        let offset = caret
            .split_once(" | ")
            .expect("a caret line")
            .1
            .find('^')
            .unwrap();
        let from_caret: String = shown.chars().skip(offset).take(10).collect();
        let from_column: String = chars[column - 1..].iter().take(10).collect();
        assert_eq!(
            from_caret, from_column,
            "caret of column {column}:\n{snippet}\n{caret}"
        );
        checked += 1;
    }
    assert!(checked >= 4, "{out}");
}
