mod common;

use std::collections::{BTreeSet, HashSet};

use common::Fixture;
use intguard_model::{Diagnostic, Finding, Location, Related, Severity};
use intguard_report::html;
use quick_xml::events::Event;
use quick_xml::Reader;
use quick_xml::XmlVersion;

/// What a parsed report holds: its elements (name, attributes) in order,
/// and its text with the entities resolved.
struct Parsed {
    elements: Vec<(String, Vec<(String, String)>)>,
    text: String,
}

impl Parsed {
    fn named(&self, name: &str) -> Vec<&Vec<(String, String)>> {
        self.elements
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, a)| a)
            .collect()
    }

    fn attr_values(&self, attr: &str) -> Vec<&str> {
        self.elements
            .iter()
            .flat_map(|(_, attrs)| attrs.iter())
            .filter(|(k, _)| k == attr)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Parses the report as XML: it fails on any markup that is not well formed,
/// so a fragment of input that escaped escaping shows up here or as an
/// element the reporter never writes.
fn parse(doc: &str) -> Parsed {
    let mut reader = Reader::from_str(doc);
    let mut elements = Vec::new();
    let mut text = String::new();
    let mut open = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("well-formed attribute");
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .expect("attribute value")
                                .into_owned(),
                        )
                    })
                    .collect();
                if !doc[..reader.buffer_position() as usize].ends_with("/>") {
                    open.push(name.clone());
                }
                elements.push((name, attrs));
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert_eq!(
                    open.pop().as_deref(),
                    Some(name.as_str()),
                    "mismatched </{name}>"
                );
            }
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap()),
            Ok(Event::GeneralRef(r)) => {
                let name = String::from_utf8(r.to_vec()).unwrap();
                let resolved = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    n if n.starts_with('#') => {
                        char::from_u32(n[1..].parse().expect("decimal reference"))
                            .unwrap()
                            .to_string()
                    }
                    other => panic!("entity &{other}; is not XML's"),
                };
                text.push_str(&resolved);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well formed at {}: {e}\n{}",
                reader.buffer_position(),
                &doc[reader.buffer_position().saturating_sub(200) as usize..]
            ),
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    Parsed { elements, text }
}

/// Every element the reporter writes; anything else came from the input.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "input",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "label",
    "span",
    "main",
    "section",
    "div",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "code",
    "article",
    "pre",
    "mark",
    "dl",
    "dt",
    "dd",
    "ul",
    "ol",
    "li",
    "details",
    "summary",
    "footer",
    "em",
    "strong",
    "blockquote",
    "hr",
    "br",
];

fn hostile() -> Fixture {
    let nasty = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'&amp;\u{202e}\u{1b}[31m";
    let path = format!("apps/x/{nasty}.xml");
    let finding = {
        let mut f = Finding::new(
            &common::IG102,
            Location::new(path.as_str(), 3, 7),
            format!("`{nasty}` holds a password in clear: {nasty}"),
        )
        .identity(nasty)
        .environments([nasty])
        .related(Related::new(&Location::new(path.as_str(), 9, 1), nasty))
        .fix(format!(
            "Encrypt it:\n<secure-properties:config key=\"{nasty}\"/>"
        ));
        f.fingerprint = "0123456789abcdef".into();
        f.snippet = Some(format!("  password: {nasty}").into());
        f
    };
    let diagnostic = Diagnostic::warning("xml-syntax", path.as_str(), nasty).at(1, 2);
    Fixture::new(vec![finding], vec![diagnostic])
}

#[test]
fn sample_report() {
    let fx = Fixture::sample();
    insta::assert_snapshot!(html::render(&fx.report()));
}

#[test]
fn empty_report_is_a_short_page() {
    let fx = Fixture::empty();
    let out = html::render(&fx.report());
    let doc = parse(&out);
    assert!(doc
        .text
        .contains("No integration-credential problems found"));
    assert!(doc.text.contains("Nothing found in 3 apps, 57 files."));
    assert!(doc.named("article").is_empty());
    assert!(doc.named("label").is_empty(), "no severity to switch");
    assert!(!out.contains("id=\"overview\"") && !out.contains("id=\"rules\""));
    assert!(out.starts_with(html::HEAD_START) && out.ends_with(html::END));
}

#[test]
fn text_from_the_input_is_text_everywhere() {
    let fx = hostile();
    let out = html::render(&fx.report());
    let doc = parse(&out);
    for (name, attrs) in &doc.elements {
        assert!(ELEMENTS.contains(&name.as_str()), "element <{name}>");
        for (key, _) in attrs {
            assert!(!key.starts_with("on"), "<{name} {key}>");
            assert_ne!(key, "src", "<{name}> loads something");
        }
    }
    // Nothing was dropped either: the hostile text is all there, as text,
    // its control characters and bidi override made visible.
    let shown =
        "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'&amp;\\u{202e}\\u{1b}[31m";
    assert!(doc.text.matches(shown).count() >= 8, "{}", doc.text);
    assert!(!out.contains('\u{202e}') && !out.contains('\u{1b}'));
    // Hrefs are the reporter's own anchors.
    for href in doc.attr_values("href") {
        assert!(href.starts_with('#'), "{href}");
    }
}

#[test]
fn the_page_loads_nothing_and_runs_nothing() {
    let fx = Fixture::sample();
    let out = html::render(&fx.report());
    let doc = parse(&out);
    let csp = doc
        .named("meta")
        .into_iter()
        .find(|a| {
            a.iter()
                .any(|(k, v)| k == "http-equiv" && v == "Content-Security-Policy")
        })
        .expect("a Content-Security-Policy");
    let content = &csp.iter().find(|(k, _)| k == "content").unwrap().1;
    assert!(content.starts_with("default-src 'none';"), "{content}");
    assert!(doc.named("script").is_empty() && doc.named("link").is_empty());
    assert!(doc.attr_values("src").is_empty());
}

#[test]
fn every_finding_is_shown_once_with_its_place_and_fix() {
    let fx = Fixture::sample();
    let out = html::render(&fx.report());
    let doc = parse(&out);
    let articles = doc.named("article");
    assert_eq!(articles.len(), fx.findings.len());
    for (article, f) in articles.iter().zip(&fx.findings) {
        let class = &article.iter().find(|(k, _)| k == "class").unwrap().1;
        assert_eq!(class, &format!("finding {}", f.severity));
        assert!(doc.text.contains(&f.location.to_string()), "{}", f.location);
        assert!(doc.text.contains(&f.fingerprint));
        assert!(doc.text.contains(f.fix.trim()), "{}", f.fix);
    }
    // The IG101 snippet marks its column: `<salesforce:basic-connection` at 9.
    assert!(
        out.contains("<span class=\"ln\">12</span><mark>&lt;</mark>salesforce:basic-connection")
    );
    // A whole-file finding has no snippet.
    let snippets = doc
        .named("pre")
        .into_iter()
        .filter(|a| a.iter().any(|(k, v)| k == "class" && v == "snippet"))
        .count();
    assert_eq!(snippets, 4);
}

#[test]
fn severity_switches_name_the_non_zero_counts() {
    let fx = Fixture::sample();
    let doc = parse(&html::render(&fx.report()));
    let labels: Vec<&str> = doc
        .named("label")
        .iter()
        .map(|a| a.iter().find(|(k, _)| k == "for").unwrap().1.as_str())
        .collect();
    assert_eq!(
        labels,
        ["show-critical", "show-high", "show-medium", "show-low"]
    );
    for s in Severity::ALL {
        let n = fx.summary.count(s);
        assert_eq!(doc.text.contains(&format!("{n} {s}")), n > 0, "{s}");
    }
    assert!(doc
        .text
        .contains("Failing: 3 findings at or above high (--fail-on high)"));
    assert!(doc
        .text
        .contains("Not shown: 2 suppressed by intguard-ignore, 1 in the baseline."));
}

#[test]
fn ids_are_unique_and_every_anchor_has_its_target() {
    let fx = Fixture::sample();
    let doc = parse(&html::render(&fx.report()));
    let ids: Vec<&str> = doc.attr_values("id");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    for href in doc.attr_values("href") {
        if let Some(target) = href.strip_prefix('#') {
            assert!(unique.contains(target), "#{target}");
        }
    }
    // Every `for` names a switch.
    for target in doc.attr_values("for") {
        assert!(unique.contains(target), "{target}");
    }
}

#[test]
fn rule_documentation_only_for_rules_that_found_something() {
    let fx = Fixture::sample();
    let doc = parse(&html::render(&fx.report()));
    let documented: BTreeSet<&str> = doc
        .attr_values("id")
        .into_iter()
        .filter_map(|id| id.strip_prefix("rule-"))
        .collect();
    let found: BTreeSet<&str> = fx.findings.iter().map(|f| f.rule).collect();
    assert_eq!(documented, found);
    assert!(!documented.contains("IG201"));
    // The documentation is rendered, its headings under the rule's.
    assert!(doc.text.contains("Why is this bad?"));
    assert!(!doc.named("h4").is_empty());
}

#[test]
fn identities_are_tallied_worst_first() {
    let fx = Fixture::sample();
    let out = html::render(&fx.report());
    let by_identity = out
        .split("<caption>By identity</caption>")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    // orders@acme.example: IG102 critical, IG101 high, IG303 high.
    assert!(
        by_identity.contains("<code>orders@acme.example</code></td><td><span class=\"count\">3</span> <span class=\"sev critical\">1 critical</span> <span class=\"sev high\">2 high</span>"),
        "{by_identity}"
    );
}

/// Found by testing an estate: a connection whose user differs per
/// environment has the identity `a.dev (dev), a (prod)`, which the overview
/// listed as a Salesforce user of its own, so each real user's row missed
/// those findings. Each user named gets the finding in its row.
#[test]
fn a_finding_on_a_per_environment_identity_counts_for_each_user() {
    let mut fx = Fixture::sample();
    fx.findings[0].identity = Some(
        "orders@acme.example.dev (dev), orders@acme.example (prod), orders@acme.example (uat)"
            .into(),
    );
    let out = html::render(&fx.report());
    let by_identity = out
        .split("<caption>By identity</caption>")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(!by_identity.contains("(dev)"), "{by_identity}");
    assert!(
        by_identity
            .contains("<code>orders@acme.example</code></td><td><span class=\"count\">3</span>"),
        "{by_identity}"
    );
    assert!(
        by_identity.contains(
            "<code>orders@acme.example.dev</code></td><td><span class=\"count\">1</span>"
        ),
        "{by_identity}"
    );
}

#[test]
fn long_related_lists_are_folded() {
    let mut fx = Fixture::sample();
    let f = &mut fx.findings[0];
    for i in 0..20 {
        f.related.push(Related::new(
            &Location::new(format!("apps/a{i}/g.xml"), 3, 1),
            "also",
        ));
    }
    let out = html::render(&fx.report());
    parse(&out);
    assert!(
        out.contains("<details><summary>13 more</summary>"),
        "21 places, 8 open"
    );
    assert!(out.contains("apps/a19/g.xml:3"));
}

#[test]
fn noncharacters_are_shown_escaped() {
    // A file name may hold U+FFFE and U+FFFF, which no XML document may.
    let path = "apps/x\u{fffe}\u{ffff}\u{fdd0}\u{10ffff}/global.xml";
    let mut f = Finding::new(&common::IG102, Location::new(path, 3, 7), "in clear");
    f.fingerprint = "0123456789abcdef".into();
    let fx = Fixture::new(vec![f], vec![]);
    let out = html::render(&fx.report());
    assert!(
        !out.contains(['\u{fffe}', '\u{ffff}', '\u{fdd0}', '\u{10ffff}']),
        "{out}"
    );
    let doc = parse(&out);
    assert!(doc
        .text
        .contains("apps/x\\u{fffe}\\u{ffff}\\u{fdd0}\\u{10ffff}/global.xml:3:7"));
}

#[test]
fn a_line_break_from_the_input_does_not_start_a_line() {
    // A Mule config name written with `&#10;`, quoted where it is named.
    let name = "SF\n\nAll clear: this connection uses JWT.";
    let mut f = Finding::new(
        &common::IG101,
        Location::new("apps/x/global.xml", 8, 3),
        format!("app0 `{name}` authenticates with a password"),
    )
    .related(Related::new(
        &Location::new("apps/x/dev.yaml", 2, 1),
        format!("`{name}` reads it"),
    ))
    .fix("Replace it.\nThen reset the password.");
    f.fingerprint = "0123456789abcdef".into();
    let diagnostic =
        Diagnostic::warning("xml-syntax", "apps/x/global.xml", format!("bad {name}")).at(1, 2);
    let fx = Fixture::new(vec![f], vec![diagnostic]);
    let out = html::render(&fx.report());
    parse(&out);
    assert!(!out.contains(name), "{out}");
    assert_eq!(
        out.matches("SF\\u{a}\\u{a}All clear: this connection uses JWT.")
            .count(),
        3,
        "{out}"
    );
    // A fix's lines stay lines, as in the text report.
    assert!(out.contains("Replace it.\nThen reset the password."));
}

#[test]
fn diagnostics_level_and_code_do_not_wrap_beside_a_long_path() {
    let long = format!("apps/{}/global.xml", "a".repeat(400));
    let diagnostic = Diagnostic::warning("xml-syntax", long.as_str(), "syntax error").at(1, 2);
    let fx = Fixture::new(Vec::new(), vec![diagnostic]);
    let out = html::render(&fx.report());
    parse(&out);
    assert!(
        out.contains("#diagnostics th, #diagnostics td:nth-child(-n+2) { overflow-wrap: normal; }"),
        "the Level and Code columns keep their words whole"
    );
}

#[test]
fn a_short_diagnostic_location_keeps_its_room_beside_a_long_message() {
    // Every cell may break anywhere and the table shares its width in
    // proportion to the cells' lengths: `x.xml:1:16` read `x.xml:1:1`, `6`.
    let long = "ill-formed document: expected `</a>`, but `</mule>` was found; ".repeat(3);
    let diagnostic = Diagnostic::error("xml-syntax", "./app/src/main/mule/x.xml", long).at(1, 16);
    let fx = Fixture::new(Vec::new(), vec![diagnostic]);
    let out = html::render(&fx.report());
    parse(&out);
    assert!(
        out.contains("#diagnostics td:last-child { width: 50%; }"),
        "the message takes half the width, the location the rest"
    );
}

static TIERED: intguard_model::RuleMeta = intguard_model::RuleMeta {
    id: "IG302",
    name: "dangerous-permission",
    practice: intguard_model::Practice::MinimizeDamage,
    default_severity: Severity::Critical,
    summary: "An integration user holds admin-grade permissions",
    doc: "## What it does\nFlags, by tier:\n\n| tier | severity |\n|---|:---|\n| super powers | critical |\n| data exfiltration | high |\n",
};

#[test]
fn rule_documentation_tables_are_tables() {
    let mut f = Finding::new(
        &TIERED,
        Location::new("force-app/x.profile-meta.xml", 3, 5),
        "holds ModifyAllData",
    );
    f.fingerprint = "0123456789abcdef".into();
    let mut fx = Fixture::new(vec![f], Vec::new());
    fx.rules = vec![&TIERED];
    let out = html::render(&fx.report());
    parse(&out);
    let rules = out.split("<section id=\"rules\">").nth(1).unwrap();
    assert!(!rules.contains('|'), "{rules}");
    assert!(rules.contains("<th>tier</th>"), "{rules}");
    assert!(rules.contains("<td>super powers</td>"), "{rules}");
}

#[test]
fn rule_documentation_table_cells_keep_their_words_whole() {
    // Cells elsewhere break anywhere (a long path must not widen the page),
    // which beside IG302's list of permissions cut `critical` in two.
    let out = html::render(&Fixture::sample().report());
    assert!(
        out.contains(".rule th, .rule td:not(:last-child) { overflow-wrap: normal; }"),
        "the rules' tables keep their words whole"
    );
}

#[test]
fn the_arabic_letter_mark_is_shown_escaped() {
    // U+061C reorders what follows it: `line\u{61c} 12` reads `line12 `.
    let path = "apps/x\u{61c} 12/global.xml";
    let mut f = Finding::new(&common::IG102, Location::new(path, 3, 7), "in clear");
    f.fingerprint = "0123456789abcdef".into();
    let fx = Fixture::new(vec![f], vec![]);
    let out = html::render(&fx.report());
    assert!(!out.contains('\u{61c}'), "{out}");
    assert!(parse(&out)
        .text
        .contains("apps/x\\u{61c} 12/global.xml:3:7"));
}

/// Held findings out of the report's order (a caller's, not a scan's) are
/// still grouped by file, each file once, numbered as the overview lists it.
#[test]
fn held_findings_out_of_order_are_grouped_by_file() {
    let mut findings = common::findings();
    // The first file's findings again at the end.
    let again = findings[0].clone();
    findings.push(again);
    let first_path = findings[0].location.path.to_string();
    // Some file's findings are apart.
    let runs = findings
        .windows(2)
        .filter(|w| w[0].location.path != w[1].location.path)
        .count()
        + 1;
    let fx = Fixture::new(findings.clone(), common::diagnostics());
    let out = html::render(&fx.report());
    let mut paths: Vec<&str> = findings.iter().map(|f| f.location.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert!(runs > paths.len(), "{runs} runs, {} paths", paths.len());
    assert_eq!(out.matches("<section class=\"file\"").count(), paths.len());
    assert!(out.contains(&format!(
        "<section class=\"file\" id=\"file-1\">\n<h3><code>{first_path}</code>"
    )));
    assert_eq!(
        out.matches("<article class=\"finding").count(),
        findings.len()
    );
}
