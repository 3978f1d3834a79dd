//! The `ebpfc` command line's global allocator, also used by the benchmarks: a process's
//! first allocations come, in order, from one region of 2 MiB (a bump pointer) on a
//! transparent huge page, and the rest from dlmalloc over huge pages it never gives back
//! ([`pages`]). The library itself leaves the choice of allocator to its users.
//!
//! Why the region: a small compile allocates 1.6 MB in all (xdp_counter; 206 KB live at
//! most), and on this kind of VM the fresh memory costs more than the allocator. With
//! 4 KiB pages, a heap took about 180 page faults of some 1.8 µs each; with huge pages,
//! a size-class allocator (mimalloc, before) spread its classes over three or more 2 MiB
//! ranges that the kernel zeroes whole. In order, the whole compile fits in one.
//!
//! Freeing the most recent allocation gives its bytes back, and the most recent
//! allocation grows and shrinks in place (a growing `Vec` on top); anything else freed in
//! the region stays used until the process exits. So the region is small, and once it
//! is full, every further allocation goes to dlmalloc, which reuses memory: a large
//! compile runs as it would with dlmalloc alone, 2 MiB later.
//!
//! Why dlmalloc, a Rust crate, behind it: it needs no C compiler for any target, the
//! static musl build included (see `.cargo/config.toml`), it reads no environment and no
//! `/proc` file at start, and on huge pages that it keeps it beats mimalloc v2, which it
//! replaced (fresh copies of both binaries, medians of 150 interleaved runs):
//! `ebpfc --version` 1.54 -> 1.33 ms, a compile of xdp_counter 3.26 -> 3.12 ms,
//! bench-link's 20-object `ebpfc link` 9.08 -> 8.15 ms of wall time and 13.0 -> 11.3 ms
//! of CPU.
//!
//! The region is set up by [`map_region`], which the command line calls from an
//! `.init_array` entry before anything allocates; until then, or if `mmap` fails, the
//! region is empty and dlmalloc serves everything. `ebpfc link` narrows it to small
//! blocks ([`narrow_for_link`]).

mod pages;

use dlmalloc::Dlmalloc;
use pages::Pages;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The region's size: one huge page. A compile of xdp_counter allocates under 2 MiB in
/// all. A larger compile goes on in dlmalloc, which reuses what is freed: an 8 MiB
/// region made struct_by_value (some 6 MB allocated in all) touch four huge pages, and
/// this one two, 6.02 -> 5.90 ms of wall time (median of 100 interleaved runs; big_stack
/// 4.74 -> 4.80, within the noise). Behind mimalloc, 8 MiB had been the better size.
const REGION_SIZE: usize = 2 << 20;
/// A transparent huge page on x86-64 (and the alignment that lets the kernel use one).
const HUGE_PAGE: usize = 2 << 20;

/// The process's region; empty until [`map_region`] runs.
static REGION: Region = Region::empty();

thread_local! {
    /// A byte per thread whose address tells the threads apart (see [`this_thread`]).
    static THREAD_MARK: u8 = const { 0 };
}

/// A number unique to the calling thread while it runs, never 0: the address of its
/// [`THREAD_MARK`]. A constant thread-local without a destructor is a plain offset from
/// the thread pointer, so this costs no call and no allocation.
fn this_thread() -> usize {
    THREAD_MARK.with(|mark| std::ptr::from_ref(mark) as usize)
}

/// A range `[base, end)` handed out in order from `next`, to the thread that set it up
/// (its owner) only. An empty region (all 0) hands out nothing, so every allocation goes
/// to dlmalloc.
///
/// One owner, because a compile runs on one thread, and a lock-free bump that any thread
/// may take from needs a compare-and-swap (a locked instruction, dearer than its one
/// instruction count shows) for every allocation and free; the region's code was about
/// 6% of a small compile's instructions then (callgrind, maps.bpf.c), most of it the
/// register saves that `heap_alloc` and its kin now spare. Other threads (a link's
/// helpers) allocate from dlmalloc; they may free and shrink region blocks that the owner
/// handed them, which leaves the bytes used.
struct Region {
    base: AtomicUsize,
    end: AtomicUsize,
    /// Written by the owner only, so loads and stores need no atomic read-modify-write.
    next: AtomicUsize,
    /// The largest block the region hands out (or grows a block to).
    max_block: AtomicUsize,
    /// [`this_thread`] of the owner, or 0.
    owner: AtomicUsize,
}

impl Region {
    const fn empty() -> Self {
        Region {
            base: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            next: AtomicUsize::new(0),
            max_block: AtomicUsize::new(0),
            owner: AtomicUsize::new(0),
        }
    }

    /// Makes `[base, base + len)` the region, owned by the calling thread.
    fn set(&self, base: usize, len: usize, max_block: usize) {
        self.base.store(base, Relaxed);
        self.next.store(base, Relaxed);
        self.end.store(base + len, Relaxed);
        self.max_block.store(max_block, Relaxed);
        self.owner.store(this_thread(), Relaxed);
    }

    /// Whether the calling thread owns the region (never, for an empty one).
    fn owned(&self) -> bool {
        self.owner.load(Relaxed) == this_thread()
    }

    /// Ends the region `len` bytes after its start, or where its blocks end if that is
    /// later, and hands out no block over `max_block` from now on. Only the owner may;
    /// for another thread, and for an empty region, nothing changes.
    fn narrow(&self, len: usize, max_block: usize) {
        if !self.owned() {
            return;
        }
        let base = self.base.load(Relaxed);
        let end = (base + len).max(self.next.load(Relaxed));
        self.end.store(end.min(self.end.load(Relaxed)), Relaxed);
        self.max_block.store(max_block, Relaxed);
    }

    fn holds(&self, ptr: *mut u8) -> bool {
        let at = ptr as usize;
        at >= self.base.load(Relaxed) && at < self.end.load(Relaxed)
    }

    /// A block for `layout` from the region, or None when the caller is not the owner,
    /// or the block does not fit or is larger than `max_block`.
    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        if layout.size() > self.max_block.load(Relaxed) || !self.owned() {
            return None;
        }
        let cur = self.next.load(Relaxed);
        // `align` is a power of two (Layout guarantees it).
        let start = cur.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let stop = start.checked_add(layout.size())?;
        if stop > self.end.load(Relaxed) {
            return None;
        }
        self.next.store(stop, Relaxed);
        Some(start as *mut u8)
    }

    /// Gives back a block of the region: its bytes are free again only when it is the
    /// latest one and the owner frees it.
    fn free(&self, ptr: *mut u8, size: usize) {
        let at = ptr as usize;
        if self.next.load(Relaxed) == at + size && self.owned() {
            self.next.store(at, Relaxed);
        }
    }

    /// Resizes a block of the region where it is: the owner's latest block moves its end
    /// if the region has room, and any block may shrink (keeping its bytes). False when
    /// the block must move.
    fn resize_in_place(&self, ptr: *mut u8, size: usize, new_size: usize) -> bool {
        let at = ptr as usize;
        if let Some(stop) = at.checked_add(new_size)
            && stop <= self.end.load(Relaxed)
            && new_size <= self.max_block.load(Relaxed)
            && self.next.load(Relaxed) == at + size
            && self.owned()
        {
            self.next.store(stop, Relaxed);
            return true;
        }
        new_size <= size
    }
}

/// The allocator behind the region: dlmalloc over huge pages that it keeps (see
/// [`pages`]), under one lock. Two or three threads allocate at once at most (a link's).
static HEAP: Mutex<Dlmalloc<Pages>> = Mutex::new(Dlmalloc::new_with_allocator(Pages));

fn heap() -> MutexGuard<'static, Dlmalloc<Pages>> {
    // A panic never unwinds (the release profile aborts), so the lock is never poisoned
    // with the heap half-updated.
    HEAP.lock().unwrap_or_else(PoisonError::into_inner)
}

// The heap's calls stay out of line and cold: inlined, the lock and dlmalloc made every
// allocation and free save and restore registers for them, and those pushes and pops
// were about a third of the allocator's instructions in a compile, where nearly every
// block comes from the region.

/// dlmalloc's `malloc`; see [`GlobalAlloc::alloc`] for the contract.
#[cold]
#[inline(never)]
#[allow(unsafe_code)]
unsafe fn heap_alloc(layout: Layout) -> *mut u8 {
    // SAFETY: the caller's contract for `layout` is passed on unchanged.
    unsafe { heap().malloc(layout.size(), layout.align()) }
}

/// dlmalloc's `realloc` of a block it allocated with `layout`.
#[cold]
#[inline(never)]
#[allow(unsafe_code)]
unsafe fn heap_realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
    // SAFETY: the caller passes a block of dlmalloc's, with its layout and a valid size.
    unsafe { heap().realloc(ptr, layout.size(), layout.align(), new_size) }
}

/// dlmalloc's `free` of a block it allocated with `layout`.
#[cold]
#[inline(never)]
#[allow(unsafe_code)]
unsafe fn heap_free(ptr: *mut u8, layout: Layout) {
    // SAFETY: the caller passes a block of dlmalloc's, with its layout.
    unsafe { heap().free(ptr, layout.size(), layout.align()) }
}

/// The global allocator of the `ebpfc` binary and the benchmarks (see the module).
#[derive(Debug)]
pub struct StartArena;

// SAFETY: every block handed out is either a disjoint, aligned range of the mapped
// region (see `Region::bump`) or a block from dlmalloc; blocks go back to whichever of
// the two they came from, told apart by address.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for StartArena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match REGION.bump(layout) {
            Some(ptr) => ptr,
            // SAFETY: the caller's contract for `layout` is passed on unchanged.
            None => unsafe { heap_alloc(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if REGION.holds(ptr) {
            REGION.free(ptr, layout.size());
        } else {
            // SAFETY: not in the region, so dlmalloc allocated it, with this layout.
            unsafe { heap_free(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !REGION.holds(ptr) {
            // SAFETY: dlmalloc's block, with the caller's contract passed on.
            return unsafe { heap_realloc(ptr, layout, new_size) };
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

/// Maps the region: aligned to a huge page, with huge pages asked for. Call it once,
/// before any thread starts and before anything allocates (the command line does so
/// from an `.init_array` entry); a second call, or a failed `mmap`, changes nothing.
pub fn map_region() {
    if REGION.base.load(Relaxed) == 0
        && let Some(base) = pages::map_huge(REGION_SIZE)
    {
        REGION.set(base, REGION_SIZE, usize::MAX);
    }
}

/// The largest block the region hands out once [`narrow_for_link`] has run.
const LINK_MAX_BLOCK: usize = 16 << 10;

/// Keeps the region for a link's small blocks only; call it before the link allocates,
/// from the thread that mapped the region. A link allocates a few big buffers per input
/// (sections, parsed BTF) that the allocator behind the region reuses from input to
/// input, and a region's memory is not reused (bench-link, p10 of 60 interleaved runs:
/// 7.04 ms of wall time without the region, 9.18 with all blocks in it). Its many small
/// blocks (names, maps, per-input lists; 0.8 MB under 16 KiB) are another matter:
/// mimalloc spread them over pages of their own size classes, and the huge pages the
/// kernel zeroed for those were a fifth of the merging thread's time (bench-link, perf);
/// in the region they share one. Blocks already handed out stay where they are. (With
/// the region one huge page, the end it is narrowed to is the end it has.)
pub fn narrow_for_link() {
    REGION.narrow(HUGE_PAGE, LINK_MAX_BLOCK);
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
    fn only_the_owner_takes_from_the_region() {
        let mut buf = vec![0u64; 64];
        let r = region_over(&mut buf);
        let a = r.bump(layout(16, 8)).unwrap();
        let at = a as usize;
        std::thread::scope(|s| {
            s.spawn(|| {
                let a = at as *mut u8;
                assert!(r.bump(layout(8, 8)).is_none(), "not the owner");
                assert!(!r.resize_in_place(a, 16, 32), "nor grows its blocks");
                assert!(r.resize_in_place(a, 16, 8), "but may shrink one");
                r.free(a, 16);
                r.narrow(8, 8);
            });
        });
        assert_eq!(
            r.bump(layout(8, 8)).unwrap() as usize,
            a as usize + 16,
            "another thread's free and narrow changed nothing"
        );
        assert_ne!(
            std::thread::scope(|s| s.spawn(this_thread).join().unwrap()),
            this_thread()
        );
    }

    #[test]
    fn blocks_beyond_the_region_come_from_the_heap_which_reuses_them() {
        // This test binary's region is never mapped, so every block comes from dlmalloc.
        let big = layout(REGION_SIZE + 1, 8);
        // SAFETY: layouts of non-zero size; each block is written within its size and
        // freed once, with the layout it was allocated with.
        #[allow(unsafe_code)]
        unsafe {
            let a = StartArena.alloc(big);
            assert!(!a.is_null() && (a as usize).is_multiple_of(8));
            let page = StartArena.alloc(layout(100, 4096));
            assert!(!page.is_null() && (page as usize).is_multiple_of(4096));
            a.write_bytes(7, big.size());
            let small = StartArena.alloc(layout(24, 8));
            small.write_bytes(1, 24);
            let grown = StartArena.realloc(small, layout(24, 8), 100_000);
            assert_eq!(std::slice::from_raw_parts(grown, 24), &[1; 24]);
            assert_eq!(*a.add(big.size() - 1), 7);
            StartArena.dealloc(a, big);
            let again = StartArena.alloc(big);
            assert_eq!(again, a, "a freed block's memory is handed out again");
            StartArena.dealloc(again, big);
            StartArena.dealloc(grown, layout(100_000, 8));
            StartArena.dealloc(page, layout(100, 4096));
        }
    }

    #[test]
    fn a_narrowed_region_keeps_its_blocks_and_hands_out_only_small_ones() {
        let mut buf = vec![0u64; 64];
        let r = region_over(&mut buf);
        let base = r.base.load(Relaxed);
        let a = r.bump(layout(100, 8)).unwrap();
        r.narrow(64, 16);
        assert!(r.holds(a) && r.holds((base + 99) as *mut u8), "blocks stay");
        assert!(!r.holds((base + 100) as *mut u8), "past the blocks ends");
        assert!(r.bump(layout(8, 8)).is_none(), "full up to its new end");
        let r = region_over(&mut buf);
        r.narrow(64, 16);
        assert!(r.bump(layout(24, 8)).is_none(), "over the new limit");
        for _ in 0..4 {
            assert!(r.bump(layout(16, 8)).is_some());
        }
        assert!(r.bump(layout(8, 8)).is_none(), "64 bytes in all");
        let empty = Region::empty();
        empty.narrow(64, 16);
        assert!(
            empty.bump(layout(8, 8)).is_none(),
            "an empty region stays empty"
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
