//! Runs one scan with the system allocator and prints how many findings it
//! made and how long reading and the rules took, for heap profilers
//! (`heaptrack`, `valgrind --tool=massif`) that see only malloc:
//! `cargo run --release -p intguard-engine --example scan_memory -- PATH`.

use std::time::Instant;

fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    // As `intguard scan` without an org snapshot.
    let options = intguard_engine::ScanOptions {
        paths,
        paths_only: true,
        ..Default::default()
    };
    let t0 = Instant::now();
    let inventory = intguard_engine::read_inventory(&options);
    let t_read = t0.elapsed();
    let outcome = intguard_engine::run_rules(inventory, &options);
    println!(
        "{} findings, {} apps, {} files; read {:?}, rules {:?}",
        outcome.findings.len(),
        outcome.apps,
        outcome.files,
        t_read,
        t0.elapsed() - t_read
    );
}
