//! Process-level choices for the command line: a compile is a run of a few milliseconds
//! of which the process around the compiler (exec, allocator setup and teardown, page
//! faults) used to take more than half, and a link frees tens of megabytes just before
//! exiting. Both are Linux calls; elsewhere they do nothing.

use std::io::Write;
use std::process::ExitCode;

/// Sets up the allocator's first region ([`ebpfc::allocator`]) before anything else runs,
/// the runtime's own first allocations included: an `.init_array` entry whose priority
/// (99) sorts it before the default constructors. It takes no arguments: glibc passes
/// `argc` and `argv` to these entries, musl does not, so a link narrows the region
/// later, from `link::run` (see `narrow_for_link`).
#[cfg(target_os = "linux")]
#[used]
#[allow(unsafe_code)] // link_section: the entry must be a plain fn pointer, as it is
#[unsafe(link_section = ".init_array.00099")]
static ARENA_AT_START: extern "C" fn() = {
    extern "C" fn at_start() {
        ebpfc::allocator::map_region();
    }
    at_start
};

/// Opens `/dev/null` on each of standard input, output and error that is closed, as the
/// Rust runtime does before `main` (which `#![no_main]` skips): otherwise the first files
/// the command opens take those numbers, `/dev/stdin` names no file, and text meant for
/// the terminal could land in an output file. One `poll` tells which are closed.
#[allow(unsafe_code)]
pub fn ensure_standard_fds() {
    #[cfg(target_os = "linux")]
    // SAFETY: poll reads and writes only the three entries of `fds`; open gets a
    // NUL-terminated path. A closed descriptor is the lowest free one when its turn
    // comes (0, 1, 2 in order), so open reuses exactly it.
    unsafe {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        if libc::poll(fds.as_mut_ptr(), 3, 0) == -1 {
            return;
        }
        for p in fds {
            if p.revents & libc::POLLNVAL != 0 {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
}

/// The CPU the calling thread runs on now, if the system says.
#[allow(unsafe_code)]
pub fn current_cpu() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sched_getcpu takes no arguments; it returns -1 on error.
        let cpu = unsafe { libc::sched_getcpu() };
        usize::try_from(cpu).ok()
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Keeps the calling thread off `cpu` when it may run on others: `ebpfc link`'s reading
/// thread, away from the merging thread's CPU. Left to itself, the kernel woke each
/// thread where the other had just run, so the two took turns on one CPU while the
/// other idled (`perf sched timehist`); apart, bench-link went from 10.6 to 8.2 ms of
/// wall time (p10 of 100 interleaved runs on 2 CPUs). With only `cpu` allowed, or on
/// error, nothing changes.
#[allow(unsafe_code)]
pub fn keep_off_cpu(cpu: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: the set is a plain bit array, zeroed then filled by sched_getaffinity, and
    // both calls get its true size; pid 0 is the calling thread.
    unsafe {
        let size = std::mem::size_of::<libc::cpu_set_t>();
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, size, &mut set) != 0
            || cpu >= libc::CPU_SETSIZE as usize
            || !libc::CPU_ISSET(cpu, &set)
            || libc::CPU_COUNT(&set) < 2
        {
            return;
        }
        libc::CPU_CLR(cpu, &mut set);
        libc::sched_setaffinity(0, size, &set);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cpu;
}

/// Keeps the C library's `malloc` to one heap for all threads. The command line's own
/// allocator serves Rust's blocks, but each thread that Rust's standard library starts
/// registers a thread-local destructor through glibc's `malloc` on its first steps, and
/// glibc gives every new thread a heap of its own for that: a 128 MB reservation, two
/// `munmap`s and an `mprotect`, where each `munmap` of a process whose other thread runs
/// on another CPU interrupts that CPU to flush its TLB (`ebpfc link`: one reading thread
/// beside the merging one). With one heap, the helper's few bytes come from the main
/// thread's. Call before starting threads; elsewhere than glibc, nothing happens.
#[allow(unsafe_code)]
pub fn one_malloc_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc parameter; M_ARENA_MAX takes a count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Ends the process with `code` (success or 1, what every subcommand returns) right
/// after flushing standard output, without the exit-time teardown (exit handlers, the
/// runtime's cleanup, and with the allocator of the time, mimalloc, a purge of the freed
/// memory: some 35 `madvise` calls for a compile), work for memory the kernel frees
/// anyway. Every output file is written and closed by now. Measured then: 0.3 ms of CPU
/// saved per compile of xdp_counter (4.71 -> 4.37 ms, p10 of 500 runs) and 2.8 ms per
/// bench-link run of `ebpfc link` (19.5 -> 16.7 ms, mean of 50).
#[allow(unsafe_code)]
pub fn exit_now(code: ExitCode) -> ! {
    let status = if code == ExitCode::SUCCESS { 0 } else { 1 };
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(ebpfc_pgo_generate)]
    write_pgo_profile();
    // SAFETY: _exit ends the process at once; nothing is left to drop or flush (the
    // buffered standard output was flushed above, files are closed).
    unsafe { libc::_exit(status) }
}

/// In a build instrumented for profile-guided optimization (`pgo/rustc-wrapper` under
/// `pgo-train`), writes the run's counters: LLVM's profile runtime writes them from an
/// exit handler, which `_exit` skips.
#[cfg(ebpfc_pgo_generate)]
#[allow(unsafe_code)]
fn write_pgo_profile() {
    unsafe extern "C" {
        /// LLVM's profile runtime (compiler-rt), linked in by `-Cprofile-generate`.
        fn __llvm_profile_write_file() -> std::ffi::c_int;
    }
    // SAFETY: the runtime is linked into every instrumented build, and writing the
    // profile file has no precondition beyond that.
    unsafe {
        __llvm_profile_write_file();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_kept_off_a_cpu_leaves_it() {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            eprintln!("skipped: this test needs two CPUs");
            return;
        }
        let Some(cpu) = current_cpu() else {
            eprintln!("skipped: sched_getcpu is not available here");
            return;
        };
        let now = std::thread::spawn(move || {
            keep_off_cpu(cpu);
            current_cpu()
        })
        .join()
        .expect("thread");
        assert!(now.is_some_and(|c| c != cpu), "still on {cpu}");
    }
}
