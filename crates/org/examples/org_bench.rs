//! Benchmark: API calls and wall time of `read_org` (and of the audit of what
//! was read) against the simulated org of the tests, for orgs of 1,000,
//! 10,000 and 50,000 users, with a simulated latency per API call.
//!
//! ```sh
//! cargo run --release -p intguard-org --example org_bench            # 50 ms per call
//! cargo run --release -p intguard-org --example org_bench -- 100     # 100 ms per call
//! ORG_BENCH_SNAPSHOT=org.json cargo run ... -- 0   # also save the 1,000-user snapshot
//! ```
//!
//! The target: calls = a small constant plus paging, wall time dominated by
//! calls x latency. The simulator runs in this process (its own threads), so
//! "read" also holds the simulator's time to build its answers; "client CPU"
//! is the reading thread's own CPU time (intguard's share: TLS, JSON
//! parsing, rows), from `/proc/thread-self/stat`.

#[path = "../tests/sim/mod.rs"]
mod sim;

use std::time::{Duration, Instant};

// The allocator of the `intguard` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use intguard_engine::{run_rules, ScanOptions};
use intguard_model::Inventory;
use intguard_org::{read_org, OrgClient, ReadOptions, RetryPolicy};
use salesforce_auth::{HttpsClient, RestClient, TlsOptions, TokenResponse};

const IDENTITY_URL: &str = "https://login.salesforce.com/id/00DSIM000000001AAA/005SIM000000001AAA";

fn main() {
    let latency_ms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    println!("simulated latency: {latency_ms} ms per API call");
    println!(
        "{:>8} {:>10} {:>6} {:>10} {:>12} {:>15} {:>10} {:>9}",
        "users",
        "perm sets",
        "calls",
        "read (s)",
        "calls x lat",
        "client CPU (s)",
        "audit (s)",
        "findings"
    );
    for (users, sets) in [(1_000, 100), (10_000, 1_000), (50_000, 5_000)] {
        let mut org = sim::FakeOrg::new(sim::seed(users, sets));
        org.latency = Duration::from_millis(latency_ms);
        let sim = org.start();
        let tls = TlsOptions {
            ca_file: Some(sim.pki.ca_file()),
            client_identity: None,
        };
        let http = HttpsClient::new(&tls).expect("TLS client");
        let url = sim.url();
        let token = TokenResponse::new(sim.org.issue_token(), url.clone(), IDENTITY_URL);
        let o = sim.org.clone();
        let provider = move || {
            Ok(TokenResponse::new(
                o.issue_token(),
                url.clone(),
                IDENTITY_URL,
            ))
        };
        let client =
            OrgClient::new(RestClient::new(http, token, provider)).with_retry(RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_millis(10),
            });
        let options = ReadOptions {
            now_unix: sim::NOW,
            since_unix: sim::NOW - 30 * sim::DAY,
            extra_usernames: Vec::new(),
        };
        let started = Instant::now();
        let cpu_before = thread_cpu_seconds();
        let snapshot = read_org(&client, &options, &mut |_: &str, _: u64| {}).expect("read");
        let read = started.elapsed();
        let client_cpu = thread_cpu_seconds() - cpu_before;
        // `ORG_BENCH_SNAPSHOT=FILE` keeps the smallest org's snapshot (for
        // trying `intguard scan --org-snapshot FILE`).
        if let (Ok(path), 1_000) = (std::env::var("ORG_BENCH_SNAPSHOT"), users) {
            std::fs::write(&path, snapshot.to_json()).expect("write the snapshot");
        }
        let started = Instant::now();
        let mut inventory = Inventory::default();
        intguard_org::apply(&snapshot, &mut inventory);
        inventory.build_identities();
        let outcome = run_rules(inventory, &ScanOptions::default());
        let audit = started.elapsed();
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
        println!(
            "{users:>8} {sets:>10} {:>6} {:>10.2} {:>12.2} {:>15.2} {:>10.2} {:>9}",
            sim.calls(),
            read.as_secs_f64(),
            sim.calls() as f64 * latency_ms as f64 / 1000.0,
            client_cpu,
            audit.as_secs_f64(),
            outcome.findings.len()
        );
    }
}

/// CPU time (user + system) of the calling thread, in seconds (Linux; 0
/// elsewhere). Clock ticks are 1/100 s on Linux.
fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) end with ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line; after the name the
    // state (field 3) is index 0, so they are indices 11 and 12.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
