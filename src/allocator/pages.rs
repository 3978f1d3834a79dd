//! Where the allocator behind the region ([`super`]) gets its memory: dlmalloc asks for
//! segments, and these come as fresh anonymous mappings of whole 2 MiB huge pages, aligned
//! so that the kernel can back them with transparent huge pages. They are never given
//! back: a link frees and reallocates buffers of the same sizes input after input, and
//! memory kept is memory the kernel does not fault in and zero again. The process ends
//! soon after (`ebpfc` exits without a teardown), and the kernel frees everything then.

use super::HUGE_PAGE;

/// The page source of [`super::StartArena`]'s dlmalloc heap.
#[derive(Debug)]
pub struct Pages;

/// `size` rounded up to whole huge pages; None on overflow.
fn whole_huge_pages(size: usize) -> Option<usize> {
    Some(size.checked_add(HUGE_PAGE - 1)? & !(HUGE_PAGE - 1))
}

/// Maps `size` bytes (a multiple of the huge page) at a huge-page boundary, with huge
/// pages asked for; None if the kernel refuses. The unaligned head and tail of the
/// mapping stay mapped and unused: address space, never touched, so never backed.
#[allow(unsafe_code)]
pub(super) fn map_huge(size: usize) -> Option<usize> {
    let len = size.checked_add(HUGE_PAGE)?;
    // SAFETY: an anonymous private mapping that nothing else refers to; madvise only
    // takes a range inside it.
    unsafe {
        let map = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if map == libc::MAP_FAILED {
            return None;
        }
        let base = (map as usize + HUGE_PAGE - 1) & !(HUGE_PAGE - 1);
        libc::madvise(base as *mut libc::c_void, size, libc::MADV_HUGEPAGE);
        Some(base)
    }
}

// SAFETY: `alloc` returns either a null pointer with size 0 or a fresh mapping of the
// size it reports, readable, writable and zeroed (anonymous memory), that nothing else
// uses; nothing is ever unmapped, so every segment stays valid.
#[allow(unsafe_code)]
unsafe impl dlmalloc::Allocator for Pages {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        match whole_huge_pages(size).and_then(|s| Some((map_huge(s)?, s))) {
            Some((base, size)) => (base as *mut u8, size, 0),
            None => (std::ptr::null_mut(), 0, 0),
        }
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        std::ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        4096
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dlmalloc::Allocator;

    #[test]
    fn segments_are_whole_aligned_huge_pages() {
        let (ptr, size, _) = Pages.alloc(HUGE_PAGE + 1);
        assert!(!ptr.is_null());
        assert_eq!(size, 2 * HUGE_PAGE);
        assert!((ptr as usize).is_multiple_of(HUGE_PAGE));
        // SAFETY: the segment is `size` bytes of fresh, writable memory.
        #[allow(unsafe_code)]
        let bytes = unsafe { std::slice::from_raw_parts_mut(ptr, size) };
        assert!(bytes.iter().all(|&b| b == 0), "fresh memory is zeroed");
        bytes[size - 1] = 1;
        assert_eq!(Pages.alloc(usize::MAX).0, std::ptr::null_mut(), "too large");
    }
}
