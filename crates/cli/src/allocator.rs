//! The process's allocator: mimalloc, called the way Rust's own `System`
//! allocator calls malloc, and tuned for a scan's short life.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

/// Every mimalloc block is aligned to a machine word.
const WORD_ALIGNED: usize = std::mem::size_of::<usize>();

/// mimalloc, asked for an alignment only when a type needs more than a
/// word. The `mimalloc` crate's allocator passes every request through
/// `mi_malloc_aligned`, whose extra checks cost 4.6% of a scan's
/// instructions (1.3 million allocations on a 200-app corpus); nearly every
/// allocation of a scan (strings, vectors of pointers) needs only a word.
pub struct Mimalloc;

// SAFETY: every pointer comes from mimalloc with at least the layout's
// alignment (a word from the plain calls, which are used only when that is
// enough), and is freed or resized by mimalloc.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p: *mut u8 = if layout.align() <= WORD_ALIGNED {
            mi_malloc(layout.size()).cast()
        } else {
            mi_malloc_aligned(layout.size(), layout.align()).cast()
        };
        #[cfg(feature = "heap-accounting")]
        if !p.is_null() {
            accounting::grew(layout.size(), 0);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p: *mut u8 = if layout.align() <= WORD_ALIGNED {
            mi_zalloc(layout.size()).cast()
        } else {
            mi_zalloc_aligned(layout.size(), layout.align()).cast()
        };
        #[cfg(feature = "heap-accounting")]
        if !p.is_null() {
            accounting::grew(layout.size(), 0);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        mi_free(ptr.cast::<c_void>());
        #[cfg(feature = "heap-accounting")]
        accounting::grew(0, layout.size());
        #[cfg(not(feature = "heap-accounting"))]
        let _ = layout;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p: *mut u8 = if layout.align() <= WORD_ALIGNED {
            mi_realloc(ptr.cast::<c_void>(), new_size).cast()
        } else {
            mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
        };
        // A failed resize leaves the block as it was.
        #[cfg(feature = "heap-accounting")]
        if !p.is_null() {
            accounting::grew(new_size, layout.size());
        }
        p
    }
}

/// The heap's live bytes and their peak, counted by [`Mimalloc`] when the
/// `heap-accounting` feature is on: bytes asked for, not the pages that
/// hold them (resident memory adds mimalloc's free space and the rest of
/// the process).
#[cfg(feature = "heap-accounting")]
pub mod accounting {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    /// `added` bytes allocated and `removed` freed.
    #[inline]
    pub(super) fn grew(added: usize, removed: usize) {
        if added >= removed {
            let now = LIVE.fetch_add(added - removed, Relaxed) + (added - removed);
            PEAK.fetch_max(now, Relaxed);
        } else {
            LIVE.fetch_sub(removed - added, Relaxed);
        }
    }

    /// The live bytes now, and their peak since the previous call (or the
    /// start): one phase's peak when called at each phase's end.
    pub fn live_and_peak() -> (usize, usize) {
        let live = LIVE.load(Relaxed);
        (live, PEAK.swap(live, Relaxed).max(live))
    }
}

/// Makes mimalloc give freed memory back to the system after 10 ms instead
/// of its default 1 s. A scan frees its parsers' temporaries window after
/// window while it holds every app's facts; held for a second, those freed
/// pages were a quarter of the peak. Measured on the bench corpus (same
/// run, 6 rounds each): peak memory 156 -> 117 MB (2,000 apps) and 84 -> 66
/// MB (1,000 apps), wall and CPU time unchanged within the noise.
pub fn return_freed_memory_soon() {
    // SAFETY: mi_option_set stores an integer in mimalloc's option table; it
    // is meant to be called at any time from any thread.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
    }
}

/// Gives the calling thread's freed memory back to the system now
/// (`mi_collect`): the blocks other threads freed into its pages, and its
/// pages left empty. The scan calls it on each of its threads after a
/// phase that freed much ([`intguard_engine::set_memory_release`]): those
/// threads then sit idle, and mimalloc collects a thread's pages only when
/// it allocates. Measured on the bench corpus (4 paired runs, medians):
/// peak memory 43.2 -> 37.6 MB (2,000 apps) and 34.2 -> 30.5 MB (1,000
/// apps), time unchanged.
pub fn release_freed_memory() {
    // SAFETY: mi_collect works on the calling thread's heap and takes no
    // pointer of ours.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (the Rust bindings
/// name only some options; a test checks the index against the option's
/// documented default).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Asks Linux not to back this process with transparent huge pages. mimalloc
/// requests them for its arenas, and a scan that lives a second or two pays
/// for them without gaining: each first touch zeroes 2 MiB, and freed memory
/// returned to the system is faulted and zeroed again. Measured on the bench
/// corpus: peak memory 193 -> 160 MB (2,000 apps) and 123 -> 87 MB (1,000
/// apps), system time on the smaller corpus 0.62 -> 0.36 s. A kernel without
/// the setting keeps its default.
///
/// Run before anything else ([`NO_HUGE_PAGES_FROM_THE_START`]): asked for in
/// `main`, it came after the allocator's first pages, two huge pages of
/// which stayed resident (one to the scan's end). mimalloc is told too
/// (`allow_thp` 0, which it reads as it starts): it then does not mark its
/// arena for huge pages (`MADV_HUGEPAGE`). Measured on the bench
/// corpus (9 runs each, interleaved, medians): peak memory 30.7 -> 29.0 MB
/// (2,000 apps) and 27.7 -> 26.2 MB (1,000 apps), time unchanged.
#[cfg(target_os = "linux")]
extern "C" fn no_transparent_huge_pages() {
    // SAFETY: mi_option_set stores an integer in mimalloc's option table
    // (static data, there before any code runs); PR_SET_THP_DISABLE takes
    // plain integers and touches no memory of ours, and its result is not
    // needed (failure leaves the default).
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// `mi_option_allow_thp` in mimalloc 3's `mi_option_e` (a test checks that
/// setting it keeps mimalloc from asking for huge pages).
#[cfg(target_os = "linux")]
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// [`no_transparent_huge_pages`] as the process starts, before mimalloc's
/// own start (a constructor of no priority: those with one run first) and
/// before the first allocation: huge pages already faulted in stay.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00101"]
static NO_HUGE_PAGES_FROM_THE_START: extern "C" fn() = no_transparent_huge_pages;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every alignment a type can ask for is honoured, by fresh, zeroed and
    /// resized blocks, and a resize keeps the bytes.
    #[test]
    fn blocks_have_the_alignment_asked_for() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 13, 24, 40, 100, 1000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero sizes; every block is freed with the
                // allocator that made it, resized at most once, and only
                // its own bytes are touched.
                unsafe {
                    let p = Mimalloc.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc {size} aligned {align}");
                    for i in 0..size {
                        p.add(i).write((i % 251) as u8);
                    }
                    let grown = Mimalloc.realloc(p, layout, size * 3);
                    assert_eq!(grown as usize % align, 0, "realloc {size} aligned {align}");
                    for i in 0..size {
                        assert_eq!(grown.add(i).read(), (i % 251) as u8);
                    }
                    let grown_layout = Layout::from_size_align(size * 3, align).unwrap();
                    Mimalloc.dealloc(grown, grown_layout);

                    let z = Mimalloc.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0, "zeroed {size} aligned {align}");
                    assert!((0..size).all(|i| z.add(i).read() == 0));
                    Mimalloc.dealloc(z, layout);
                }
            }
        }
    }

    /// With the feature on, a block's bytes count while it lives, at its
    /// new size once resized, and in the peak after it is freed.
    #[cfg(feature = "heap-accounting")]
    #[test]
    fn live_bytes_follow_blocks() {
        const SIZE: usize = 64 << 20;
        let layout = Layout::from_size_align(SIZE, 8).unwrap();
        // Other tests allocate at the same time: a block far larger than
        // anything they hold shows through their noise.
        let (before, _) = accounting::live_and_peak();
        // SAFETY: one block, freed once with the layout it was resized to.
        unsafe {
            let p = Mimalloc.alloc(layout);
            assert!(!p.is_null());
            let (live, _) = accounting::live_and_peak();
            assert!(live >= before + SIZE / 2, "{before} -> {live}");
            let p = Mimalloc.realloc(p, layout, 2 * SIZE);
            let (live, _) = accounting::live_and_peak();
            assert!(live >= before + SIZE * 3 / 2, "{before} -> {live}");
            Mimalloc.dealloc(p, Layout::from_size_align(2 * SIZE, 8).unwrap());
        }
        let (live, peak) = accounting::live_and_peak();
        assert!(live < before + SIZE / 2, "{before} -> {live}");
        assert!(peak >= before + SIZE * 3 / 2, "peak {peak}");
    }

    /// The process starts without transparent huge pages, and mimalloc
    /// never asks for them (option 43 is `allow_thp`): no mapping is marked
    /// for them (madvise's `hg`) or holds one.
    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off_from_the_start() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        // A kernel that does not say (before 6.4) is not asked.
        if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
            assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
        }
        // SAFETY: reading mimalloc's option table.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_ALLOW_THP) },
            0
        );
        // Memory held while the mappings are read is in mimalloc's arenas.
        let _held: Vec<Vec<u8>> = (0..64).map(|i| vec![i as u8; 64 * 1024]).collect();
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let marked: Vec<&str> = smaps
            .lines()
            .filter(|l| l.starts_with("VmFlags:") && l.split_whitespace().any(|f| f == "hg"))
            .collect();
        assert!(marked.is_empty(), "{marked:?}");
        let huge: u64 = smaps
            .lines()
            .filter_map(|l| l.strip_prefix("AnonHugePages:"))
            .filter_map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .sum();
        assert_eq!(huge, 0, "kB in huge pages");
    }

    #[test]
    fn purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading and writing mimalloc's option table.
        let (before, after) = unsafe {
            let before = libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY);
            return_freed_memory_soon();
            (
                before,
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
            )
        };
        // 1000 ms is mimalloc 3's default purge delay; no other option
        // defaults to it.
        assert_eq!(
            before, 1000,
            "option {MI_OPTION_PURGE_DELAY} is not purge_delay"
        );
        assert_eq!(after, 10);
    }
}
