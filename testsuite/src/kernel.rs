//! A small raw `bpf(2)` loader (no libbpf): array maps, BPF_PROG_LOAD with a verifier
//! log, BPF_PROG_TEST_RUN, and the bpf_conformance way of running a bare instruction
//! sequence as XDP while capturing the full 64-bit r0.
//!
//! Follows `bpf_prog_run.rst` and the `union bpf_attr` layouts of the kernel uapi
//! (attributes are built in zeroed byte buffers at their uapi offsets, so unused and
//! newer fields are zero as the kernel requires). Every fd is owned and closed on drop.

use asm::isa::{Insn, encode};
use linker::object::Endian;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const BPF_MAP_CREATE: i64 = 0;
const BPF_MAP_LOOKUP_ELEM: i64 = 1;
const BPF_MAP_UPDATE_ELEM: i64 = 2;
const BPF_PROG_LOAD: i64 = 5;
const BPF_PROG_TEST_RUN: i64 = 10;
const BPF_MAP_TYPE_ARRAY: u32 = 2;
const BPF_XDP: u32 = 37;
/// Size of the attribute buffer handed to the kernel (covers every field used here).
const ATTR_SIZE: usize = 144;

/// Program types this loader knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgType {
    SocketFilter,
    Xdp,
}

impl ProgType {
    fn raw(self) -> u32 {
        match self {
            ProgType::SocketFilter => 1,
            ProgType::Xdp => 6,
        }
    }
}

/// A zeroed `union bpf_attr` with setters at byte offsets.
struct Attr([u8; ATTR_SIZE]);

impl Attr {
    fn new() -> Self {
        Attr([0; ATTR_SIZE])
    }
    fn u32(&mut self, off: usize, v: u32) -> &mut Self {
        self.0[off..off + 4].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn u64(&mut self, off: usize, v: u64) -> &mut Self {
        self.0[off..off + 8].copy_from_slice(&v.to_ne_bytes());
        self
    }
    fn get_u32(&self, off: usize) -> u32 {
        u32::from_ne_bytes([
            self.0[off],
            self.0[off + 1],
            self.0[off + 2],
            self.0[off + 3],
        ])
    }
    fn call(&mut self, cmd: i64) -> std::io::Result<i64> {
        // SAFETY: the buffer outlives the call and is ATTR_SIZE bytes long; every pointer
        // stored in it points to memory that the caller keeps alive during the call.
        let r = unsafe { libc::syscall(libc::SYS_bpf, cmd, self.0.as_mut_ptr(), ATTR_SIZE) };
        if r < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }
}

fn owned(fd: i64) -> OwnedFd {
    // SAFETY: `fd` was just returned by bpf(2) and is owned by nobody else.
    unsafe { OwnedFd::from_raw_fd(fd as i32) }
}

/// A BPF_MAP_TYPE_ARRAY map with u32 keys.
#[derive(Debug)]
pub struct ArrayMap {
    fd: OwnedFd,
    value_size: usize,
}

impl ArrayMap {
    pub fn create(value_size: u32, max_entries: u32) -> std::io::Result<ArrayMap> {
        let fd = Attr::new()
            .u32(0, BPF_MAP_TYPE_ARRAY)
            .u32(4, 4)
            .u32(8, value_size)
            .u32(12, max_entries)
            .call(BPF_MAP_CREATE)?;
        Ok(ArrayMap {
            fd: owned(fd),
            value_size: value_size as usize,
        })
    }

    pub fn fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    pub fn lookup(&self, key: u32) -> std::io::Result<Vec<u8>> {
        let mut value = vec![0u8; self.value_size];
        Attr::new()
            .u32(0, self.fd() as u32)
            .u64(8, &key as *const u32 as u64)
            .u64(16, value.as_mut_ptr() as u64)
            .call(BPF_MAP_LOOKUP_ELEM)?;
        Ok(value)
    }

    pub fn update(&self, key: u32, value: &[u8]) -> std::io::Result<()> {
        assert_eq!(value.len(), self.value_size, "value size");
        Attr::new()
            .u32(0, self.fd() as u32)
            .u64(8, &key as *const u32 as u64)
            .u64(16, value.as_ptr() as u64)
            .call(BPF_MAP_UPDATE_ELEM)?;
        Ok(())
    }
}

/// Why a program did not load: errno text and the verifier log.
#[derive(Clone, Debug)]
pub struct LoadError {
    pub error: String,
    pub log: String,
}

/// A loaded program.
#[derive(Debug)]
pub struct Program {
    fd: OwnedFd,
}

/// What one test run returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    pub retval: u32,
    pub data_out: Vec<u8>,
}

/// Loads raw little-endian instructions (`insns.len()` a multiple of 8).
pub fn load(prog_type: ProgType, insns: &[u8], license: &str) -> Result<Program, LoadError> {
    let license = std::ffi::CString::new(license).unwrap_or_default();
    let mut log = vec![0u8; 1 << 22];
    let mut attr = Attr::new();
    attr.u32(0, prog_type.raw())
        .u32(4, (insns.len() / 8) as u32)
        .u64(8, insns.as_ptr() as u64)
        .u64(16, license.as_ptr() as u64)
        .u32(24, 1)
        .u32(28, log.len() as u32)
        .u64(32, log.as_mut_ptr() as u64);
    if prog_type == ProgType::Xdp {
        attr.u32(68, BPF_XDP);
    }
    let name = b"ebpfc_test";
    attr.0[48..48 + name.len()].copy_from_slice(name);
    match attr.call(BPF_PROG_LOAD) {
        Ok(fd) => Ok(Program { fd: owned(fd) }),
        Err(e) => {
            let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
            Err(LoadError {
                error: e.to_string(),
                log: String::from_utf8_lossy(&log[..end]).into_owned(),
            })
        }
    }
}

impl Program {
    /// BPF_PROG_TEST_RUN once on `data` (and `ctx` if given).
    pub fn test_run(&self, data: &[u8], ctx: Option<&[u8]>) -> std::io::Result<RunResult> {
        let mut out = vec![0u8; data.len() + 4096];
        let mut attr = Attr::new();
        attr.u32(0, self.fd.as_raw_fd() as u32)
            .u32(8, data.len() as u32)
            .u32(12, out.len() as u32)
            .u64(16, data.as_ptr() as u64)
            .u64(24, out.as_mut_ptr() as u64)
            .u32(32, 1);
        if let Some(ctx) = ctx {
            attr.u32(40, ctx.len() as u32).u64(48, ctx.as_ptr() as u64);
        }
        attr.call(BPF_PROG_TEST_RUN)?;
        let out_len = (attr.get_u32(12) as usize).min(out.len());
        out.truncate(out_len);
        Ok(RunResult {
            retval: attr.get_u32(4),
            data_out: out,
        })
    }
}

fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        dst,
        src,
        off,
        imm,
        imm_hi: 0,
    }
}

/// The bpf_conformance wrapper: `call` the test as a subprogram and store its full r0
/// in `r0_map[0]`; when there is memory, an XDP prolog first sets r1 = packet start and
/// r2 = its length behind a bounds check the verifier accepts.
pub fn conformance_prolog(r0_map_fd: i32, mem_len: usize) -> Vec<Insn> {
    let mut p = vec![
        insn(0x85, 0, 1, 0, 4), // call the test (pc-relative: insn 5)
        Insn {
            imm: r0_map_fd,
            ..insn(0x18, 1, 2, 0, 0)
        }, // r1 = &r0_map[0] (map value)
        insn(0x7b, 1, 0, 0, 0), // *(u64 *)(r1 + 0) = r0
        insn(0x95, 0, 0, 0, 0), // exit
    ];
    if mem_len > 0 {
        let len = mem_len as i32;
        p.extend([
            insn(0xb7, 0, 0, 0, -1),  // r0 = -1
            insn(0xbf, 6, 1, 0, 0),   // r6 = ctx
            insn(0x61, 1, 6, 0, 0),   // r1 = ctx->data
            insn(0x61, 2, 6, 4, 0),   // r2 = ctx->data_end
            insn(0xbf, 3, 1, 0, 0),   // r3 = r1
            insn(0x07, 3, 0, 0, len), // r3 += len
            insn(0xbd, 3, 2, 1, 0),   // if r3 <= r2 goto +1 (the verifier's packet bound)
            insn(0x95, 0, 0, 0, 0),   // exit
            insn(0xb7, 2, 0, 0, len), // r2 = len
        ]);
    }
    p
}

/// Outcome of a conformance-style run.
#[derive(Clone, Debug)]
pub enum ConformanceRun {
    /// The 64-bit r0 of the test.
    R0(u64),
    /// The kernel refused the program.
    LoadFailed(LoadError),
    /// Loading worked but running or reading r0 did not.
    RunFailed(String),
}

/// Runs raw little-endian instructions as bpf_conformance's libbpf plugin does: XDP,
/// behind [`conformance_prolog`], on `mem` zero-padded to 14 bytes.
pub fn run_conformance(code: &[u8], mem: &[u8]) -> ConformanceRun {
    let map = match ArrayMap::create(8, 1) {
        Ok(m) => m,
        Err(e) => return ConformanceRun::RunFailed(format!("map create: {e}")),
    };
    let mut prog = Vec::new();
    for i in conformance_prolog(map.fd(), mem.len()) {
        encode(&i, Endian::Little, &mut prog);
    }
    prog.extend_from_slice(code);
    let p = match load(ProgType::Xdp, &prog, "GPL") {
        Ok(p) => p,
        Err(e) => return ConformanceRun::LoadFailed(e),
    };
    let mut data = mem.to_vec();
    if data.len() < 14 {
        data.resize(14, 0);
    }
    if let Err(e) = p.test_run(&data, None) {
        return ConformanceRun::RunFailed(format!("test run: {e}"));
    }
    match map.lookup(0) {
        Ok(v) => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&v[..8]);
            ConformanceRun::R0(u64::from_ne_bytes(b))
        }
        Err(e) => ConformanceRun::RunFailed(format!("reading r0: {e}")),
    }
}
