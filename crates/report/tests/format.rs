mod common;

use common::Fixture;
use intguard_report::{html, json, markdown, render, sarif, text, write, Format, TextOptions};

#[test]
fn names_round_trip() {
    for f in Format::ALL {
        assert_eq!(f.name().parse::<Format>(), Ok(f));
        assert_eq!(f.to_string(), f.name());
    }
    assert_eq!("MarkDown".parse::<Format>(), Ok(Format::Markdown));
    assert_eq!(" md ".parse::<Format>(), Ok(Format::Markdown));
    assert_eq!("HTM".parse::<Format>(), Ok(Format::Html));
    let err = "pdf".parse::<Format>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown format `pdf` (expected text, json, sarif, markdown or html)"
    );
    assert_eq!(Format::default(), Format::Text);
}

#[test]
fn render_dispatches_and_ends_with_a_newline() {
    for fx in [Fixture::sample(), Fixture::empty()] {
        let r = fx.report();
        let plain = TextOptions::default();
        assert_eq!(render(Format::Text, &r, &plain), text::render(&r, &plain));
        assert_eq!(render(Format::Json, &r, &plain), json::render(&r));
        assert_eq!(render(Format::Sarif, &r, &plain), sarif::render(&r));
        assert_eq!(render(Format::Markdown, &r, &plain), markdown::render(&r));
        assert_eq!(render(Format::Html, &r, &plain), html::render(&r));
        for f in Format::ALL {
            assert!(render(f, &r, &plain).ends_with('\n'), "{f}");
        }
    }
}

/// `write` gives `render`'s bytes (JSON and SARIF stream them; the snapshot
/// tests hold those formats to the output of the former one-string
/// serializer) and hands a failing writer's error back instead of panicking.
#[test]
fn write_streams_the_same_bytes_and_reports_write_errors() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for fx in [Fixture::sample(), Fixture::empty()] {
        let r = fx.report();
        let plain = TextOptions::default();
        for f in Format::ALL {
            let mut out = Vec::new();
            write(f, &r, &plain, &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                render(f, &r, &plain),
                "{f}"
            );
            let err = write(f, &r, &plain, &mut Full).unwrap_err();
            assert_eq!(err.to_string(), "disk full", "{f}");
        }
    }
}

#[test]
fn machine_formats_ignore_the_color_option() {
    let fx = Fixture::sample();
    let r = fx.report();
    for f in [Format::Json, Format::Sarif, Format::Markdown, Format::Html] {
        let out = render(f, &r, &TextOptions { color: true });
        assert!(!out.contains('\u{1b}'), "{f}");
    }
}

#[test]
fn summary_counts() {
    let fx = Fixture::sample();
    assert_eq!(fx.summary.failing_count(), 3);
    let mut none = fx.summary.clone();
    none.fail_on = None;
    assert_eq!(none.failing_count(), 0);
}

/// Findings read one at a time (a scan's), each handed over owned, as the
/// engine's store hands them.
struct ReadOneByOne(Vec<intguard_model::Finding>);

impl intguard_report::FindingSource for ReadOneByOne {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> Box<dyn Iterator<Item = std::borrow::Cow<'_, intguard_model::Finding>> + '_> {
        Box::new(self.0.iter().cloned().map(std::borrow::Cow::Owned))
    }

    fn heads(&self) -> Box<dyn Iterator<Item = (&'static str, intguard_model::Severity)> + '_> {
        Box::new(self.0.iter().map(|f| (f.rule, f.severity)))
    }
}

/// Every format writes findings read as it writes them (JSON and SARIF
/// one at a time) as it writes the same findings held: byte for byte, with
/// severities other than a rule's default (SARIF's descriptor variants), a
/// rule no descriptor was passed for, and hidden findings listed.
#[test]
fn findings_read_one_at_a_time_give_the_same_report() {
    use intguard_model::Severity;
    let sample = common::findings();
    let mut overridden = sample.clone();
    overridden[0].severity = Severity::Low;
    overridden[3].severity = Severity::Critical;
    let mut unknown = sample.clone();
    unknown[1].rule = "IG999";
    unknown[1].name = "from-the-future";
    let mut suppressed = vec![sample[0].clone(), sample[2].clone()];
    suppressed[0].suppression_reason = Some("sandbox only".into());
    suppressed[1].suppression_reason = Some("vendor's".into());
    let baselined = vec![sample[3].clone()];
    let mut checked = 0;
    for (findings, hidden) in [
        (sample.clone(), false),
        (sample.clone(), true),
        (overridden, true),
        (unknown, false),
        (Vec::new(), true),
    ] {
        let fx = Fixture::new(findings.clone(), common::diagnostics());
        let read = ReadOneByOne(findings);
        let mut held = fx.report();
        if hidden {
            held.hidden = Some(intguard_report::Hidden {
                suppressed: &suppressed,
                baselined: &baselined,
                baseline: Some("intguard-baseline.json"),
            });
        }
        let read_report = intguard_report::Report {
            findings: intguard_report::Findings::Read(&read),
            ..held
        };
        assert!(matches!(held.findings, intguard_report::Findings::Held(_)));
        let plain = TextOptions::default();
        for f in Format::ALL {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            write(f, &held, &plain, &mut a).unwrap();
            write(f, &read_report, &plain, &mut b).unwrap();
            assert_eq!(
                String::from_utf8(b).unwrap(),
                String::from_utf8(a).unwrap(),
                "{f}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 25);
}

/// A [`ReadOneByOne`] that counts how often its findings are read.
struct Counted(ReadOneByOne, std::cell::Cell<usize>);

impl intguard_report::FindingSource for Counted {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> Box<dyn Iterator<Item = std::borrow::Cow<'_, intguard_model::Finding>> + '_> {
        self.1.set(self.1.get() + 1);
        self.0.iter()
    }

    fn heads(&self) -> Box<dyn Iterator<Item = (&'static str, intguard_model::Severity)> + '_> {
        self.0.heads()
    }
}

/// A report too large for one pull-request comment and for one piece of
/// the HTML page (600 findings in 60 files): read one at a time, every
/// format gives what it gives them held, Markdown cut as it was (the same
/// rows, the same note naming every rule left out), HTML written in pieces.
/// Markdown reads the findings once and HTML twice (its overview, then the
/// listing): neither holds them all.
#[test]
fn a_large_report_read_one_at_a_time_is_the_held_one() {
    use intguard_model::{Location, Severity};
    let sample = common::findings();
    let mut many = Vec::new();
    for file in 0..60 {
        for (i, f) in sample.iter().cycle().take(10).enumerate() {
            let mut f = f.clone();
            f.location = Location::new(
                format!("apps/app-{file:02}/src/main/mule/flows.xml"),
                10 + i as u32,
                3,
            );
            // Each severity in turn, so a cut comment lists some of several.
            f.severity = Severity::ALL[(file + i) % Severity::ALL.len()];
            many.push(f);
        }
    }
    let fx = Fixture::new(many.clone(), common::diagnostics());
    let held = fx.report();
    let source = Counted(ReadOneByOne(many), std::cell::Cell::new(0));
    let read = intguard_report::Report {
        findings: intguard_report::Findings::Read(&source),
        ..held
    };
    let plain = TextOptions::default();
    for f in Format::ALL {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write(f, &held, &plain, &mut a).unwrap();
        source.1.set(0);
        write(f, &read, &plain, &mut b).unwrap();
        let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
        assert_eq!(b, a, "{f}");
        match f {
            Format::Markdown => {
                assert_eq!(source.1.get(), 1);
                assert!(a.len() < markdown::COMMENT_LIMIT, "{}", a.len());
                let note = a.lines().find(|l| l.starts_with("> **Note**")).unwrap();
                let listed = a
                    .lines()
                    .filter(|l| l.starts_with("| ") && l.contains("`IG"))
                    .count();
                assert!(listed > 0 && listed < 600, "{listed}");
                assert!(
                    note.contains(&format!("{} more findings are not shown", 600 - listed)),
                    "{note}"
                );
            }
            Format::Html => {
                assert_eq!(source.1.get(), 2);
                assert!(a.len() > 3 * 64 * 1024, "{}", a.len());
                assert_eq!(a.matches("<section class=\"file\"").count(), 60);
                assert_eq!(a.matches("<article class=\"finding").count(), 600);
            }
            _ => {}
        }
    }
}

/// Past GitHub's result limit SARIF keeps the most severe findings, the
/// earlier first among equals, and reads them one at a time as it does
/// below it: the same log as held, with a severity cut in the middle (the
/// last high findings left out with the low ones) and a rule no descriptor
/// was passed for among the kept findings (its descriptor made from its
/// first kept finding) and among those left out (no descriptor).
#[test]
fn a_sarif_log_past_the_result_limit_is_the_same_read_one_at_a_time() {
    use intguard_model::Severity;
    use intguard_report::sarif::MAX_RESULTS;
    let sample = common::findings();
    let (high, low) = common::high_and_low(&sample);
    let mut findings = Vec::new();
    for i in 0..5 {
        let mut f = low.clone();
        f.location.line = i + 1;
        if i == 0 {
            f.rule = "IG998";
        }
        findings.push(f);
    }
    for i in 0..MAX_RESULTS {
        let mut f = high.clone();
        f.location.line = i as u32 + 10;
        if i == 7 || i == MAX_RESULTS - 1 {
            f.rule = if i == 7 { "IG999" } else { "IG998" };
        }
        findings.push(f);
    }
    for i in 0..10 {
        let mut f = high.clone();
        f.severity = Severity::Critical;
        f.location.line = 100_000 + i;
        findings.push(f);
    }
    let fx = Fixture::new(findings.clone(), Vec::new());
    let held = fx.report();
    let source = ReadOneByOne(findings);
    let read = intguard_report::Report {
        findings: intguard_report::Findings::Read(&source),
        ..held
    };
    let (a, b) = (
        intguard_report::sarif::render(&held),
        intguard_report::sarif::render(&read),
    );
    assert_eq!(b, a);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), MAX_RESULTS);
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.iter().filter(|id| **id == "IG999").count(), 1);
    assert!(!ids.contains(&"IG998"), "both IG998 findings are left out");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "IG999"));
    assert!(!rules.iter().any(|r| r["id"] == "IG998"));
    // The 10 critical findings (last in the report), the first 24,990 high
    // ones; not the low ones nor the last 10 high ones.
    let lines = common::start_lines(results);
    let quota = (MAX_RESULTS - 10) as u64;
    let expected: Vec<u64> = (10..10 + quota).chain(100_000..100_010).collect();
    assert_eq!(lines, expected);
    let note = v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        note.starts_with(&format!(
            "15 of {} findings are left out of this log (10 high, 5 low)",
            MAX_RESULTS + 15
        )),
        "{note}"
    );
}
