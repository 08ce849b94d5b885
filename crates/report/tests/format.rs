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
