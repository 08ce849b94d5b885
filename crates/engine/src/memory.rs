//! Freed memory given back to the system between a scan's phases.
//!
//! The apps are read on every thread of the pool, and what they leave
//! behind is freed at the end of a phase by another thread (the Inventory's
//! facts dropped on threads of their own, the parsers' temporaries when a
//! phase ends). An allocator that keeps free memory per thread (mimalloc,
//! the CLI's) hands a block freed by another thread back to its owner only
//! when the owner next allocates; the pool's threads sit idle through the
//! phases that follow, so that memory stayed resident while the next phase
//! took new pages beside it. On the 2,000-app bench corpus the report's
//! phase thus raised the peak resident memory by 6 MB over the rules'
//! with the live heap no higher.

use std::sync::OnceLock;

/// Gives the calling thread's freed memory back to the system: what the
/// process's allocator knows how to do and the engine does not.
pub type MemoryRelease = fn();

static RELEASE: OnceLock<MemoryRelease> = OnceLock::new();

/// Makes the scan call `release` on each of its threads where a phase has
/// freed much (after the reading, once the Inventory is freed). Set once;
/// later calls change nothing. Unset, nothing is called.
pub fn set_memory_release(release: MemoryRelease) {
    let _ = RELEASE.set(release);
}

/// Calls the [`set_memory_release`] function on every thread of the
/// current pool and on the calling thread.
pub(crate) fn release_freed_memory() {
    if let Some(&release) = RELEASE.get() {
        rayon::broadcast(|_| release());
        release();
    }
}
