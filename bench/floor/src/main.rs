//! The floor of `bench/run.sh`: the least any scanner of a Mule monorepo has
//! to do. Walks the given paths in parallel with `ignore` (same settings as
//! intguard's discovery: hidden files included, `.gitignore` honoured outside
//! git), reads every file and runs quick-xml's tokenizer over every `.xml`
//! file. No parsing beyond tokens, no rules, no output but a count.
//!
//! `intguard-bench-floor PATH...` prints `files=N bytes=N xml_events=N`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_xml::events::Event;

#[derive(Default)]
struct Counts {
    files: AtomicU64,
    bytes: AtomicU64,
    events: AtomicU64,
}

fn tokenize(bytes: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut n = 0;
    // A syntax error ends the file, as it would for a real reader.
    while let Ok(ev) = reader.read_event_into(&mut buf) {
        if matches!(ev, Event::Eof) {
            break;
        }
        n += 1;
        buf.clear();
    }
    n
}

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let Some((first, rest)) = paths.split_first() else {
        eprintln!("usage: intguard-bench-floor PATH...");
        std::process::exit(2);
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder.hidden(false).require_git(false);
    let counts = Counts::default();
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            if let Ok(bytes) = std::fs::read(entry.path()) {
                counts.files.fetch_add(1, Ordering::Relaxed);
                counts
                    .bytes
                    .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                if entry.path().extension().is_some_and(|x| x == "xml") {
                    counts.events.fetch_add(tokenize(&bytes), Ordering::Relaxed);
                }
            }
            ignore::WalkState::Continue
        })
    });
    println!(
        "files={} bytes={} xml_events={}",
        counts.files.into_inner(),
        counts.bytes.into_inner(),
        counts.events.into_inner()
    );
}
