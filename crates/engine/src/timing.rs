//! Timing diagnostics: with `INTGUARD_TIMING` set, how long each phase took
//! (wall and CPU time) and the peak memory so far, printed to stderr.

use std::sync::OnceLock;

/// The live heap bytes now and their peak since the previous call: what a
/// counting allocator knows (the CLI's `heap-accounting` feature) and the
/// engine does not.
pub type HeapProbe = fn() -> (usize, usize);

static HEAP_PROBE: OnceLock<HeapProbe> = OnceLock::new();

/// Makes [`PhaseTimer`] show each phase's live heap at its end and its peak
/// during it, from `probe`. Set once; later calls change nothing.
pub fn set_heap_probe(probe: HeapProbe) {
    let _ = HEAP_PROBE.set(probe);
}

/// Prints how long each phase took, and the peak memory so far, to stderr
/// when `INTGUARD_TIMING` is set (for the benchmark's questions; silent
/// otherwise).
pub struct PhaseTimer(Option<(std::time::Instant, Option<u64>)>);

impl PhaseTimer {
    pub fn start() -> Self {
        PhaseTimer(
            std::env::var_os("INTGUARD_TIMING").map(|_| (std::time::Instant::now(), cpu_ms())),
        )
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some((t, cpu)) = &mut self.0 {
            let now = std::time::Instant::now();
            let cpu_now = cpu_ms();
            let used = match (*cpu, cpu_now) {
                (Some(a), Some(b)) => format!(" (CPU {} ms)", b.saturating_sub(a)),
                _ => String::new(),
            };
            let heap = HEAP_PROBE.get().map_or(String::new(), |probe| {
                let (live, peak) = probe();
                format!(
                    ", live heap {} kB (peak in this phase {} kB)",
                    live / 1024,
                    peak / 1024
                )
            });
            eprintln!(
                "intguard timing: {phase} {:?}{used}{}{heap}",
                now - *t,
                peak_memory().map_or(String::new(), |m| format!(", peak memory so far {m}"))
            );
            *t = now;
            *cpu = cpu_now;
        }
    }
}

/// The process's CPU time so far (user and system, all threads; Linux), in
/// milliseconds at the kernel's 10 ms tick: with the wall time of a phase,
/// how many cores it kept busy.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split(' ');
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// The process's peak resident memory so far (`VmHWM`, Linux), for
/// [`PhaseTimer`]: which phase sets the peak.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line["VmHWM:".len()..].trim().to_string())
}
