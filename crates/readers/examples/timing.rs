//! Times `read_paths` against a floor that only walks, reads and
//! XML-tokenizes every file (a self-check for the readers' overhead).
//!
//! `cargo run --release -p intguard-readers --example timing -- PATH`

use std::path::PathBuf;
use std::time::Instant;

fn floor(path: &PathBuf) -> (u64, u64) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let files = AtomicU64::new(0);
    let events = AtomicU64::new(0);
    ignore::WalkBuilder::new(path)
        .hidden(false)
        .require_git(false)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                if let Ok(e) = entry {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        if let Ok(bytes) = std::fs::read(e.path()) {
                            files.fetch_add(1, Ordering::Relaxed);
                            if e.path().extension().is_some_and(|x| x == "xml") {
                                let mut r = quick_xml::Reader::from_reader(bytes.as_slice());
                                let mut buf = Vec::new();
                                let mut n = 0;
                                while let Ok(ev) = r.read_event_into(&mut buf) {
                                    if matches!(ev, quick_xml::events::Event::Eof) {
                                        break;
                                    }
                                    n += 1;
                                    buf.clear();
                                }
                                events.fetch_add(n, Ordering::Relaxed);
                            }
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    (files.into_inner(), events.into_inner())
}

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: timing PATH");
        return;
    };
    // `TIMING_ONLY=floor|read` runs one side only (for `time`/`perf stat`).
    let only = std::env::var("TIMING_ONLY").unwrap_or_default();
    if only == "floor" {
        let t = Instant::now();
        let (files, events) = floor(&path);
        println!("floor {:?} ({files} files, {events} events)", t.elapsed());
        return;
    }
    if only == "read" {
        let t = Instant::now();
        let inv = intguard_readers::read_paths(std::slice::from_ref(&path), &Default::default());
        println!("read_paths {:?} ({} files)", t.elapsed(), inv.stats.files);
        return;
    }
    for round in 0..2 {
        let t = Instant::now();
        let (files, events) = floor(&path);
        let floor_time = t.elapsed();
        let t = Instant::now();
        let inv = intguard_readers::read_paths(std::slice::from_ref(&path), &Default::default());
        let read_time = t.elapsed();
        println!(
            "round {round}: floor {floor_time:?} ({files} files, {events} events); read_paths {read_time:?} ({} files, {} MB, {} apps, {} diagnostics); ratio {:.2}",
            inv.stats.files,
            inv.stats.bytes / 1_000_000,
            inv.apps.len(),
            inv.diagnostics.len(),
            read_time.as_secs_f64() / floor_time.as_secs_f64()
        );
    }
}
