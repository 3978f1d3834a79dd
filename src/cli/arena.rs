//! The command line's global allocator: a process's first allocations come, in order,
//! from one region of a few MiB (a bump pointer) on transparent huge pages, and the rest
//! from mimalloc.
//!
//! Why: a small compile allocates 1.6 MB in all (xdp_counter; 206 KB live at most), and
//! on this kind of VM the fresh memory costs more than the allocator. With 4 KiB pages
//! mimalloc's heap took about 180 page faults of some 1.8 µs each; with huge pages its
//! size classes, each in its own 64 KiB page of a segment, spread over three or more
//! 2 MiB regions that the kernel zeroes whole. In order, the whole compile fits in one.
//!
//! Freeing the most recent allocation gives its bytes back, and the most recent
//! allocation grows and shrinks in place (a growing `Vec` on top); anything else freed in
//! the region stays used until the process exits. So the region is small, and once it
//! is full, every further allocation goes to mimalloc, which reuses memory: a large
//! compile runs as it would with mimalloc alone, a few MiB later.
//!
//! The region is set up by an `.init_array` entry, before anything allocates; until
//! then (or if `mmap` fails, or for `ebpfc link`, see `process.rs`) the region is empty
//! and mimalloc serves everything.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The region's size: a multiple of the huge page. A compile of xdp_counter uses under
/// 2 MiB of it; big_stack's fills 8 MiB (4.83 -> 4.36 ms of CPU against mimalloc alone
/// on huge pages, p10 of 100 interleaved runs; 4 MiB gave 4.50).
const REGION_SIZE: usize = 8 << 20;
/// A transparent huge page on x86-64 (and the alignment that lets the kernel use one).
const HUGE_PAGE: usize = 2 << 20;

/// The process's region; empty until [`map_region`] runs.
static REGION: Region = Region::empty();

/// A range `[base, end)` handed out in order from `next`. An empty region (all three 0)
/// hands out nothing, so every allocation goes to mimalloc.
struct Region {
    base: AtomicUsize,
    end: AtomicUsize,
    next: AtomicUsize,
    /// The largest block the region hands out (or grows a block to).
    max_block: AtomicUsize,
}

impl Region {
    const fn empty() -> Self {
        Region {
            base: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
            max_block: AtomicUsize::new(0),
        }
    }

    fn set(&self, base: usize, len: usize, max_block: usize) {
        self.base.store(base, Relaxed);
        self.next.store(base, Relaxed);
        self.end.store(base + len, Relaxed);
        self.max_block.store(max_block, Relaxed);
    }

    fn holds(&self, ptr: *mut u8) -> bool {
        let at = ptr as usize;
        at >= self.base.load(Relaxed) && at < self.end.load(Relaxed)
    }

    /// A block for `layout` from the region, or None when it does not fit or is larger
    /// than `max_block`. A compare-and-swap on `next` claims it, so two threads never
    /// share bytes.
    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        if layout.size() > self.max_block.load(Relaxed) {
            return None;
        }
        let end = self.end.load(Relaxed);
        let mut cur = self.next.load(Relaxed);
        loop {
            // `align` is a power of two (Layout guarantees it).
            let start = cur.checked_add(layout.align() - 1)? & !(layout.align() - 1);
            let stop = start.checked_add(layout.size())?;
            if stop > end || start == 0 {
                return None;
            }
            match self.next.compare_exchange_weak(cur, stop, Relaxed, Relaxed) {
                Ok(_) => return Some(start as *mut u8),
                Err(now) => cur = now,
            }
        }
    }

    /// Gives back a block of the region: its bytes are free again only when it is the
    /// latest one.
    fn free(&self, ptr: *mut u8, size: usize) {
        let at = ptr as usize;
        let _ = self.next.compare_exchange(at + size, at, Relaxed, Relaxed);
    }

    /// Resizes a block of the region where it is: the latest block moves its end if the
    /// region has room, and any block may shrink (keeping its bytes). False when the
    /// block must move.
    fn resize_in_place(&self, ptr: *mut u8, size: usize, new_size: usize) -> bool {
        let at = ptr as usize;
        if let Some(stop) = at.checked_add(new_size)
            && stop <= self.end.load(Relaxed)
            && new_size <= self.max_block.load(Relaxed)
            && self
                .next
                .compare_exchange(at + size, stop, Relaxed, Relaxed)
                .is_ok()
        {
            return true;
        }
        new_size <= size
    }
}

/// The global allocator of the `ebpfc` binary. The library leaves the choice to its users.
pub struct StartArena;

// SAFETY: every block handed out is either a disjoint, aligned range of the mapped
// region (see `Region::bump`) or a block from mimalloc; blocks go back to whichever of
// the two they came from, told apart by address.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for StartArena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match REGION.bump(layout) {
            Some(ptr) => ptr,
            // SAFETY: the caller's contract for `layout` is passed on unchanged.
            None => unsafe { mimalloc::MiMalloc.alloc(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if REGION.holds(ptr) {
            REGION.free(ptr, layout.size());
        } else {
            // SAFETY: not in the region, so mimalloc allocated it, with this layout.
            unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !REGION.holds(ptr) {
            // SAFETY: mimalloc's block, with the caller's contract passed on.
            return unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        }
        if REGION.resize_in_place(ptr, layout.size(), new_size) {
            return ptr;
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's
        // contract); the new block is longer than the old one, whose bytes it takes.
        unsafe {
            let grown = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(grown);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size());
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

/// What the region is for: how large it is and the largest block it hands out.
#[derive(Clone, Copy, Debug)]
pub enum RegionUse {
    /// A compile: every block while the region lasts.
    Compile,
    /// A link: only small blocks, in one huge page. A link allocates a few big buffers
    /// per input (sections, parsed BTF) that mimalloc reuses from input to input, and
    /// many small ones (names, maps, per-input lists) that its size classes spread over
    /// pages of their own; the huge pages the kernel zeroes for those were a fifth of the
    /// merging thread's time (bench-link, perf). Blocks under 16 KiB total 0.8 MB.
    Link,
}

/// Maps the region for `purpose`: aligned to a huge page, with huge pages asked for.
/// Runs once, from the `.init_array` entry in `process.rs`, before any thread.
#[allow(unsafe_code)]
pub fn map_region(purpose: RegionUse) {
    let (size, max_block) = match purpose {
        RegionUse::Compile => (REGION_SIZE, usize::MAX),
        RegionUse::Link => (HUGE_PAGE, 16 << 10),
    };
    #[cfg(target_os = "linux")]
    // SAFETY: an anonymous private mapping that nothing else refers to; madvise only
    // takes a range inside it. On any error the region stays empty.
    unsafe {
        let len = size + HUGE_PAGE;
        let map = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if map == libc::MAP_FAILED {
            return;
        }
        let base = (map as usize + HUGE_PAGE - 1) & !(HUGE_PAGE - 1);
        libc::madvise(base as *mut libc::c_void, size, libc::MADV_HUGEPAGE);
        REGION.set(base, size, max_block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A region over a test buffer (64-byte aligned), so that the tests do not depend
    /// on what the process's own region holds.
    fn region_over(buf: &mut [u64]) -> Region {
        let r = Region::empty();
        r.set(
            buf.as_mut_ptr() as usize,
            std::mem::size_of_val(buf),
            usize::MAX,
        );
        r
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_and_in_order_until_the_region_is_full() {
        let mut buf = vec![0u64; 16];
        let r = region_over(&mut buf);
        let base = r.base.load(Relaxed);
        let a = r.bump(layout(3, 1)).unwrap() as usize;
        let b = r.bump(layout(8, 8)).unwrap() as usize;
        assert_eq!((a, b), (base, base + 8));
        assert!(
            r.bump(layout(200, 8)).is_none(),
            "128 bytes hold no 200-byte block"
        );
        assert!(r.holds(b as *mut u8) && !r.holds((base + 128) as *mut u8));
    }

    #[test]
    fn only_the_latest_block_gives_its_bytes_back() {
        let mut buf = vec![0u64; 16];
        let r = region_over(&mut buf);
        let a = r.bump(layout(16, 8)).unwrap();
        let b = r.bump(layout(16, 8)).unwrap();
        r.free(a, 16);
        assert_eq!(r.bump(layout(8, 8)).unwrap() as usize, b as usize + 16);
        let c = r.bump(layout(8, 8)).unwrap();
        r.free(c, 8);
        assert_eq!(
            r.bump(layout(8, 8)).unwrap(),
            c,
            "the latest block's bytes return"
        );
    }

    #[test]
    fn the_latest_block_grows_in_place_and_others_move() {
        let mut buf = vec![0u64; 16];
        let r = region_over(&mut buf);
        let a = r.bump(layout(16, 8)).unwrap();
        assert!(r.resize_in_place(a, 16, 64));
        assert_eq!(r.next.load(Relaxed), a as usize + 64);
        let b = r.bump(layout(8, 8)).unwrap();
        assert!(!r.resize_in_place(a, 64, 72), "no longer the latest");
        assert!(r.resize_in_place(a, 64, 32), "shrinking keeps the block");
        assert!(!r.resize_in_place(b, 8, 200), "past the end of the region");
    }

    #[test]
    fn threads_never_get_the_same_bytes() {
        let mut buf = vec![0u64; 4096];
        let r = region_over(&mut buf);
        let mut got: Vec<usize> = std::thread::scope(|s| {
            let hands: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..256)
                            .filter_map(|_| r.bump(layout(8, 8)).map(|p| p as usize))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            hands.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        got.sort_unstable();
        got.dedup();
        assert_eq!(got.len(), 1024, "32 KiB hold 1,024 distinct 8-byte blocks");
    }

    #[test]
    fn the_process_allocator_serves_big_and_small_blocks() {
        // Whatever the region holds now, a block larger than it comes from mimalloc.
        let big = vec![7u8; REGION_SIZE + 1];
        let mut small: Vec<u32> = Vec::new();
        small.extend(0..100_000);
        assert_eq!(
            big.iter().map(|&b| usize::from(b)).sum::<usize>(),
            7 * (REGION_SIZE + 1)
        );
        assert_eq!(
            small.iter().map(|&v| u64::from(v)).sum::<u64>(),
            4_999_950_000
        );
    }

    #[test]
    fn blocks_over_the_limit_go_elsewhere() {
        let mut buf = vec![0u64; 64];
        let r = Region::empty();
        r.set(buf.as_mut_ptr() as usize, 512, 64);
        assert!(r.bump(layout(65, 8)).is_none(), "over the limit");
        let a = r.bump(layout(64, 8)).unwrap();
        assert!(
            !r.resize_in_place(a, 64, 128),
            "may not grow past the limit"
        );
        assert!(r.resize_in_place(a, 64, 48), "may shrink");
    }
}
