mod common;

use common::Fixture;
use intguard_model::{Diagnostic, Finding, Location, Severity};
use intguard_report::markdown;

/// Cells of a GFM table row: splits on `|` not escaped with a backslash.
fn cells(row: &str) -> Vec<String> {
    let inner = row
        .trim()
        .strip_prefix('|')
        .unwrap()
        .strip_suffix('|')
        .unwrap();
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cells.last_mut().unwrap().push(c);
                if let Some(n) = chars.next() {
                    cells.last_mut().unwrap().push(n);
                }
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

fn finding_rows(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| {
            Severity::ALL
                .iter()
                .any(|s| l.starts_with(&format!("| {s} | `")))
        })
        .collect()
}

#[test]
fn sample_comment() {
    let fx = Fixture::sample();
    insta::assert_snapshot!(markdown::render(&fx.report()));
}

#[test]
fn empty_comment() {
    let fx = Fixture::empty();
    let out = markdown::render(&fx.report());
    insta::assert_snapshot!(out);
    assert!(out.starts_with("### ✅ intguard: no findings"));
    assert!(!out.contains('|'));
}

#[test]
fn title_carries_the_verdict() {
    let fx = Fixture::sample();
    let out = markdown::render(&fx.report());
    assert!(
        out.starts_with("### ❌ intguard: 1 critical, 2 high, 1 medium, 1 low\n"),
        "{out}"
    );
    assert!(out.contains("**Failing**: 3 findings at or above **high**"));

    let mut passing = Fixture::sample();
    passing.summary.fail_on = Some(Severity::Critical);
    passing.summary.failed = false;
    let out = markdown::render(&passing.report());
    assert!(out.starts_with("### ⚠️ intguard:"), "{out}");
    assert!(out.contains("**Passing**: nothing at or above **critical**"));
}

#[test]
fn lower_severities_fold_into_details() {
    let fx = Fixture::sample();
    let out = markdown::render(&fx.report());
    assert!(out.contains("#### Critical (1)"));
    assert!(out.contains("#### High (2)"));
    assert!(out.contains("<details><summary>Medium (1)</summary>"));
    assert!(out.contains("<details><summary>Low (1)</summary>"));
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
}

#[test]
fn rows_have_six_cells_and_hostile_text_is_escaped() {
    let mut f = common::findings().remove(1);
    f.message = "pipe | here, `code|span`, odd ` tick, <img src=x onerror=alert(1)>, *bold* _it_ [l](http://x) &amp; $x$ \\".into();
    f.fix = "line one\nline two | `<tls:context>`".into();
    f.identity = Some("we|ird`name".into());
    f.location = Location::new("apps/a|b/`x`.xml", 7, 1);
    let fx = Fixture::new(vec![f], Vec::new());
    let out = markdown::render(&fx.report());
    let rows = finding_rows(&out);
    assert_eq!(rows.len(), 1, "{out}");
    let row = cells(rows[0]);
    assert_eq!(row.len(), 6, "{row:?}");
    let [severity, rule, location, identity, message, fix] = &row[..] else {
        unreachable!()
    };
    assert_eq!(severity, "high");
    assert_eq!(rule, "`IG101` password-auth");
    // The environments follow the place; the identity cell holds the user alone.
    assert_eq!(location, "``apps/a\\|b/`x`.xml:7`` (dev, prod)");
    assert_eq!(identity, "``we\\|ird`name``");
    assert_eq!(
        message,
        "pipe \\| here, \\`code\\|span\\`, odd \\` tick, \\<img src=x onerror=alert(1)\\>, \\*bold\\* \\_it\\_ \\[l\\](http\\://x) \\&amp; \\$x\\$ \\\\"
    );
    // An odd number of backticks: all escaped. Balanced ones: code spans.
    assert_eq!(fix, "line one line two \\| `<tls:context>`");
    // No raw HTML from the finding reaches the comment.
    assert!(out
        .match_indices("<img")
        .all(|(i, _)| out[..i].ends_with('\\')));
    assert!(!out.contains("\nline two"));

    // Without an identity, the cell is empty (not the environments alone).
    let mut f = common::findings().remove(1);
    f.identity = None;
    let fx = Fixture::new(vec![f], Vec::new());
    let out = markdown::render(&fx.report());
    let row = cells(finding_rows(&out)[0]);
    assert_eq!(
        row[2],
        "`apps/orders/src/main/mule/global.xml:12` (dev, prod)"
    );
    assert_eq!(row[3], "");
}

/// GitHub renders comments with cmark-gfm, whose autolink extension links a
/// bare `http://` or `www.` URL as it reads the text, running on over
/// backticks: a URL from the scanned files right before a code span took the
/// span's opening backtick, so its closing one opened a span of its own and
/// the text after it, a `<img>` tag from a username, was raw HTML. URLs in
/// text cells are written so that no autolink starts (`http\://`, `www\.`).
#[test]
fn urls_from_the_scanned_files_cannot_swallow_a_code_span() {
    let mut f = common::findings().remove(1);
    // A connection named `SF|x`](http://evil.example)` and a hostile user,
    // quoted in backticks by the rule as rules do.
    f.message = "`SF|x`](http://evil.example)` (salesforce:basic-connection) logs in as int.<img src=x onerror=alert(1)>|`*[a](HTTPS://WWW.evil.example)@acme.com, see www.evil.example`x`".into();
    let fx = Fixture::new(vec![f], Vec::new());
    let out = markdown::render(&fx.report());
    let rows = finding_rows(&out);
    assert_eq!(rows.len(), 1, "{out}");
    let row = cells(rows[0]);
    assert_eq!(row.len(), 6, "{row:?}");
    assert_eq!(
        row[4],
        "`SF\\|x`\\](http\\://evil.example)` (salesforce:basic-connection) logs in as int.<img src=x onerror=alert(1)>\\|`\\*\\[a\\](HTTPS\\://WWW\\.evil.example)@acme.com, see www\\.evil.example`x`"
    );
    // No autolink can start outside a code span: the characters before a
    // URL's `://` or after `www` are escaped wherever they appear.
    for at in [
        rows[0]
            .match_indices("://")
            .map(|(i, _)| i)
            .collect::<Vec<_>>(),
        rows[0]
            .to_ascii_lowercase()
            .match_indices("www.")
            .map(|(i, _)| i + 3)
            .collect(),
    ]
    .concat()
    {
        assert!(rows[0][..at].ends_with('\\'), "{}", &rows[0][..at]);
    }
    // Rendered as GFM tables (pulldown-cmark has no autolink extension,
    // so this checks the code spans pair as intended): the tag stays text.
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&out, pulldown_cmark::Options::ENABLE_TABLES),
    );
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
}

#[test]
fn fixes_with_markup_are_shown_literally() {
    let fx = Fixture::sample();
    let out = markdown::render(&fx.report());
    assert!(
        out.contains("Replace \\<salesforce:basic-connection\\> with"),
        "{out}"
    );
    assert!(
        out.contains("reference it as \\${secure::sfdc.password}"),
        "{out}"
    );
    assert!(out.contains("`Salesforce_Config`"));
}

#[test]
fn stays_under_the_comment_limit() {
    let template = common::findings().remove(1);
    let findings: Vec<Finding> = (0..3_000)
        .map(|i| {
            let mut f = template.clone();
            f.location = Location::new(format!("apps/app{i:04}/src/main/mule/global.xml"), 12, 9);
            f.message = format!("{} {}", f.message, "x".repeat(i % 700));
            if i >= 2_990 {
                // A rule whose every finding is cut: the note still names it.
                f.rule = "IG210";
                f.severity = Severity::Low;
            }
            f
        })
        .collect();
    let template_rule = template.rule;
    let fx = Fixture::new(findings, Vec::new());
    let out = markdown::render(&fx.report());
    assert!(
        out.chars().count() < markdown::COMMENT_LIMIT,
        "{} chars",
        out.chars().count()
    );
    let shown = finding_rows(&out).len();
    assert!(shown > 50 && shown < 3_000, "{shown}");
    assert!(
        out.contains(&format!(
            "> **Note**: {} more findings are not shown (`{template_rule}` x{}, `IG210` x10)",
            3_000 - shown,
            2_990 - shown
        )),
        "{}",
        &out[out.len() - 500..]
    );
    assert!(!finding_rows(&out).iter().any(|r| r.contains("IG210")));
    // Long cells are cut.
    assert!(finding_rows(&out).iter().all(|r| r.chars().count() < 1_500));
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
}

/// Diagnostics are listed with their path and position (review D6), in a
/// folded block, escaped like the findings.
#[test]
fn diagnostics_are_listed_with_path_and_position() {
    let out = markdown::render(&Fixture::sample().report());
    assert!(
        out.contains("2 diagnostics about the input (listed below)."),
        "{out}"
    );
    assert!(
        out.contains("<details><summary>2 diagnostics about the input</summary>"),
        "{out}"
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("| warning |") || l.starts_with("| error |"))
        .collect();
    assert_eq!(
        rows,
        [
            "| warning | `xml-syntax` | `apps/broken/src/main/mule/bad.xml:3:14` | unexpected end of file inside \\<flow\\> |",
            "| error | `not-utf8` | `apps/broken/src/main/resources/legacy.properties` | not valid UTF-8; skipped |",
        ],
        "{out}"
    );
    // After the findings, before the footer.
    let at = out.find("<summary>2 diagnostics").unwrap();
    assert!(at > out.find("`IG105`").unwrap() && at < out.find("<sub>").unwrap());
}

#[test]
fn many_or_hostile_diagnostics_stay_capped_and_escaped() {
    let diagnostics: Vec<Diagnostic> = (0..500u32)
        .map(|i| {
            Diagnostic::warning(
                "xml-syntax",
                format!("apps/a{i}/x|y`<b>.xml"),
                format!(
                    "<script>alert(1)</script> | {} \n# h",
                    "é".repeat(i as usize)
                ),
            )
            .at(i + 1, 2)
        })
        .collect();
    let template = common::findings().remove(1);
    let findings: Vec<Finding> = (0..3_000)
        .map(|i| {
            let mut f = template.clone();
            f.location = Location::new(format!("apps/app{i:04}/src/main/mule/global.xml"), 12, 9);
            f.message = format!("{} {}", f.message, "x".repeat(i % 700));
            f
        })
        .collect();
    let fx = Fixture::new(findings, diagnostics);
    let out = markdown::render(&fx.report());
    assert!(
        out.chars().count() < markdown::COMMENT_LIMIT,
        "{} chars",
        out.chars().count()
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("| warning |"))
        .collect();
    assert!(!rows.is_empty() && rows.len() <= 20, "{}", rows.len());
    for r in &rows {
        assert_eq!(cells(r).len(), 4, "{r}");
        // Markup in the message is escaped; the path is a code span.
        assert!(!r.contains("<script>"), "{r}");
        assert!(
            cells(r)[2].starts_with("``") && cells(r)[2].ends_with("``"),
            "{r}"
        );
    }
    assert!(rows[0].contains("x\\|y"), "{}", rows[0]);
    assert!(rows[0].contains(":1:2`"), "{}", rows[0]);
    assert!(
        out.contains(&format!(
            "{} more diagnostics are not shown",
            500 - rows.len()
        )),
        "{out}"
    );
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
    assert!(out.ends_with("</sub>\n"));
}
