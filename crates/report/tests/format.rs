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
    let suppressed = vec![sample[0].clone(), sample[2].clone()];
    let reasons = vec!["sandbox only".to_string(), "vendor's".to_string()];
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
                reasons: &reasons,
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
