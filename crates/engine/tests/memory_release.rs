//! The scan gives freed memory back on every thread of its pool where a
//! phase freed much (`set_memory_release`). In a process of its own: the
//! hook is global.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::thread::ThreadId;

static CALLS: Mutex<Vec<ThreadId>> = Mutex::new(Vec::new());

fn record() {
    CALLS.lock().unwrap().push(std::thread::current().id());
}

#[test]
fn freed_memory_is_released_on_every_thread_after_reading_and_after_the_inventory() {
    intguard_engine::set_memory_release(record);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-integrations");
    let outcome = intguard_engine::scan(&intguard_engine::ScanOptions {
        paths: vec![example],
        threads: 2,
        ..intguard_engine::ScanOptions::default()
    });
    assert!(!outcome.findings.is_empty());
    let calls = CALLS.lock().unwrap();
    // Two points (the end of the reading, the Inventory freed), each on
    // the pool's two threads and on the thread running the scan.
    assert_eq!(calls.len(), 6, "{calls:?}");
    let threads: HashSet<_> = calls.iter().collect();
    assert!(threads.len() >= 2, "{calls:?}");
}
