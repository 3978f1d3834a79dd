//! A reference interpreter of the IR, for differential tests of the passes and the
//! SSA builder (run a function before and after a pipeline, compare results and
//! memory). It follows the semantics the passes assume: BPF arithmetic (`eval.rs`),
//! little-endian memory, block parameters bound simultaneously on each edge.
//!
//! Memory model: every stack slot (per call frame), every global and every buffer the
//! caller passes is a separate region; a pointer is `region << 32 | offset`. An access
//! outside its region, a helper or kfunc call, `unreachable`, or running out of fuel
//! stops the run with a `Trap` (the tests skip such inputs: C calls them undefined).
//!
//! Invariants: never panics on verified IR; bounded by `fuel` instructions and by a
//! call depth of 64.

use std::collections::BTreeMap;

use cranelift_entity::SecondaryMap;

use crate::entities::{Block, StackSlot, Value};
use crate::eval;
use crate::function::Function;
use crate::instructions::InstData;
use crate::module::{DataInit, Module};
use crate::opcodes::Opcode;
use crate::types::{AtomicOp, Ext, Type};

/// Why a run stopped early.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Trap {
    OutOfFuel,
    BadMemory,
    Unreachable,
    Unsupported(String),
}

/// Memory regions; region 0 is never used (so 0 is a null pointer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    pub regions: Vec<Vec<u8>>,
    globals: BTreeMap<String, usize>,
}

impl Memory {
    /// Memory holding the module's globals.
    pub fn for_module(m: &Module) -> Self {
        let mut mem = Memory {
            regions: vec![Vec::new()],
            globals: BTreeMap::new(),
        };
        for g in &m.globals {
            let bytes = match &g.init {
                DataInit::Zero => vec![0; usize::try_from(g.size).unwrap_or(0).min(1 << 20)],
                DataInit::Bytes(b) => b.clone(),
            };
            let r = mem.alloc(bytes);
            mem.globals.insert(g.name.clone(), r);
        }
        mem
    }

    /// Adds a region and returns its number.
    pub fn alloc(&mut self, bytes: Vec<u8>) -> usize {
        self.regions.push(bytes);
        self.regions.len() - 1
    }

    /// The pointer to byte `off` of region `r`.
    pub fn ptr(r: usize, off: u32) -> i64 {
        ((r as i64) << 32) | i64::from(off)
    }

    fn locate(&self, addr: i64, len: u32) -> Result<(usize, usize), Trap> {
        let r = usize::try_from(addr >> 32).map_err(|_| Trap::BadMemory)?;
        let off = (addr & 0xffff_ffff) as usize;
        let region = self.regions.get(r).ok_or(Trap::BadMemory)?;
        if r == 0 || off + len as usize > region.len() {
            return Err(Trap::BadMemory);
        }
        Ok((r, off))
    }

    fn load(&self, addr: i64, ty: Type) -> Result<u64, Trap> {
        let (r, off) = self.locate(addr, ty.bytes())?;
        let mut v = 0u64;
        for i in 0..ty.bytes() as usize {
            v |= u64::from(self.regions[r][off + i]) << (8 * i);
        }
        Ok(v)
    }

    fn store(&mut self, addr: i64, ty: Type, v: i64) -> Result<(), Trap> {
        let (r, off) = self.locate(addr, ty.bytes())?;
        for i in 0..ty.bytes() as usize {
            self.regions[r][off + i] = (v >> (8 * i)) as u8;
        }
        Ok(())
    }
}

/// Runs `name` in `m` with `args` (already in canonical sign-extended form).
pub fn run(
    m: &Module,
    name: &str,
    args: &[i64],
    mem: &mut Memory,
    fuel: &mut u64,
) -> Result<Option<i64>, Trap> {
    let f = m
        .function(name)
        .ok_or_else(|| Trap::Unsupported(format!("no function @{name}")))?;
    call(m, f, args, mem, fuel, 0)
}

fn call(
    m: &Module,
    f: &Function,
    args: &[i64],
    mem: &mut Memory,
    fuel: &mut u64,
    depth: u32,
) -> Result<Option<i64>, Trap> {
    if depth > 64 {
        return Err(Trap::Unsupported("call depth".into()));
    }
    let mut vals: SecondaryMap<Value, i64> = SecondaryMap::new();
    let mut slots: SecondaryMap<StackSlot, usize> = SecondaryMap::new();
    let frame_start = mem.regions.len();
    for (s, d) in f.stack_slots.iter() {
        // Fresh stack memory holds a recognizable junk pattern, not zeros.
        slots[s] = mem.alloc(vec![0xa5; d.size as usize]);
    }
    let Some(mut block) = f.entry_block() else {
        return Err(Trap::Unsupported("empty function".into()));
    };
    for (&p, &a) in f.dfg.block_params(block).iter().zip(args) {
        vals[p] = f.dfg.value_type(p).sext(a);
    }
    let result = 'run: loop {
        let mut next: Option<(Block, Vec<i64>)> = None;
        for &inst in f.layout.block_insts(block) {
            if *fuel == 0 {
                break 'run Err(Trap::OutOfFuel);
            }
            *fuel -= 1;
            let data = &f.dfg.insts[inst];
            let get = |v: Value| vals[f.dfg.resolve_alias(v)];
            let rty = f
                .dfg
                .inst_result(inst)
                .map(|r| f.dfg.value_type(r))
                .unwrap_or(Type::I64);
            let out: Option<i64> = match data {
                InstData::Iconst { imm } => Some(*imm),
                InstData::Unary {
                    op: Opcode::IsConstant,
                    arg,
                } => Some(i64::from(
                    crate::passes::util::const_value(f, *arg).is_some(),
                )),
                InstData::Unary { op, arg } => eval::unary(*op, rty, get(*arg)),
                InstData::Opaque { arg } => Some(get(*arg)),
                InstData::Convert { op, arg } => eval::convert(
                    *op,
                    f.dfg.value_type(f.dfg.resolve_alias(*arg)),
                    rty,
                    get(*arg),
                ),
                InstData::Binary { op, args } => eval::binary(*op, rty, get(args[0]), get(args[1])),
                InstData::Icmp { cond, args } => {
                    let t = f.dfg.value_type(f.dfg.resolve_alias(args[0]));
                    Some(i64::from(eval::icmp(*cond, t, get(args[0]), get(args[1]))))
                }
                InstData::Select { args } => {
                    let ct = f.dfg.value_type(f.dfg.resolve_alias(args[0]));
                    Some(if ct.zext(get(args[0])) != 0 {
                        get(args[1])
                    } else {
                        get(args[2])
                    })
                }
                InstData::Load {
                    mem: mt,
                    ext,
                    addr,
                    offset,
                    ..
                } => {
                    let raw = match mem.load(get(*addr).wrapping_add(i64::from(*offset)), *mt) {
                        Ok(v) => v,
                        Err(t) => break 'run Err(t),
                    };
                    Some(match ext {
                        Ext::Sign => mt.sext(raw as i64),
                        Ext::Zero => raw as i64,
                    })
                }
                InstData::Store { args, offset, .. } => {
                    let t = f.dfg.value_type(f.dfg.resolve_alias(args[0]));
                    if let Err(e) = mem.store(
                        get(args[1]).wrapping_add(i64::from(*offset)),
                        t,
                        get(args[0]),
                    ) {
                        break 'run Err(e);
                    }
                    None
                }
                InstData::StackAddr { slot, offset } => {
                    Some(Memory::ptr(slots[*slot], 0).wrapping_add(i64::from(*offset)))
                }
                InstData::GlobalAddr { global, offset } => {
                    let name = f.global_refs.get(*global).cloned().unwrap_or_default();
                    match mem.globals.get(&name) {
                        Some(&r) => Some(Memory::ptr(r, 0).wrapping_add(i64::from(*offset))),
                        None => break 'run Err(Trap::Unsupported(format!("extern @{name}"))),
                    }
                }
                InstData::FuncAddr { .. } => break 'run Err(Trap::Unsupported("func_addr".into())),
                InstData::Call {
                    op: crate::opcodes::Opcode::Call,
                    func,
                    args,
                } => {
                    let name = f.func_refs.get(*func).cloned().unwrap_or_default();
                    let Some(callee) = m.function(&name) else {
                        break 'run Err(Trap::Unsupported(format!("call @{name}")));
                    };
                    let a: Vec<i64> = args.iter().map(|&v| get(v)).collect();
                    match call(m, callee, &a, mem, fuel, depth + 1) {
                        Ok(r) => r,
                        Err(t) => break 'run Err(t),
                    }
                }
                InstData::Call { .. } | InstData::CallHelper { .. } => {
                    break 'run Err(Trap::Unsupported("helper or extern call".into()));
                }
                InstData::AtomicRmw {
                    op,
                    addr,
                    offset,
                    arg,
                    ..
                } => {
                    let t = f.dfg.value_type(f.dfg.resolve_alias(*arg));
                    let a = get(*addr).wrapping_add(i64::from(*offset));
                    let old = match mem.load(a, t) {
                        Ok(v) => t.sext(v as i64),
                        Err(e) => break 'run Err(e),
                    };
                    let x = get(*arg);
                    let new = match op {
                        AtomicOp::Add => old.wrapping_add(x),
                        AtomicOp::Or => old | x,
                        AtomicOp::And => old & x,
                        AtomicOp::Xor => old ^ x,
                        AtomicOp::Xchg => x,
                    };
                    if let Err(e) = mem.store(a, t, new) {
                        break 'run Err(e);
                    }
                    Some(old)
                }
                InstData::AtomicCas { args, offset } => {
                    let t = f.dfg.value_type(f.dfg.resolve_alias(args[1]));
                    let a = get(args[0]).wrapping_add(i64::from(*offset));
                    let old = match mem.load(a, t) {
                        Ok(v) => t.sext(v as i64),
                        Err(e) => break 'run Err(e),
                    };
                    if t.zext(old) == t.zext(get(args[1]))
                        && let Err(e) = mem.store(a, t, get(args[2]))
                    {
                        break 'run Err(e);
                    }
                    Some(old)
                }
                InstData::Memcpy { args, size, .. } => {
                    for i in 0..i64::from(*size) {
                        let b = match mem.load(get(args[1]).wrapping_add(i), Type::I8) {
                            Ok(b) => b,
                            Err(e) => break 'run Err(e),
                        };
                        if let Err(e) = mem.store(get(args[0]).wrapping_add(i), Type::I8, b as i64)
                        {
                            break 'run Err(e);
                        }
                    }
                    None
                }
                InstData::Memset {
                    dst, byte, size, ..
                } => {
                    for i in 0..i64::from(*size) {
                        if let Err(e) =
                            mem.store(get(*dst).wrapping_add(i), Type::I8, i64::from(*byte))
                        {
                            break 'run Err(e);
                        }
                    }
                    None
                }
                InstData::Jump { dest } => {
                    next = Some((dest.block, dest.args.iter().map(|&v| get(v)).collect()));
                    None
                }
                InstData::Brif {
                    cond,
                    then_dest,
                    else_dest,
                } => {
                    let ct = f.dfg.value_type(f.dfg.resolve_alias(*cond));
                    let d = if ct.zext(get(*cond)) != 0 {
                        then_dest
                    } else {
                        else_dest
                    };
                    next = Some((d.block, d.args.iter().map(|&v| get(v)).collect()));
                    None
                }
                InstData::Return { arg } => break 'run Ok(arg.map(get)),
                InstData::Unreachable => break 'run Err(Trap::Unreachable),
            };
            if let (Some(r), Some(v)) = (f.dfg.inst_result(inst), out) {
                vals[r] = f.dfg.value_type(r).sext(v);
            }
        }
        let Some((b, args)) = next else {
            break Err(Trap::Unsupported("block without terminator".into()));
        };
        for (&p, a) in f.dfg.block_params(b).iter().zip(args) {
            vals[p] = f.dfg.value_type(p).sext(a);
        }
        block = b;
    };
    // The frame's stack memory dies with the call (keep region numbers stable).
    for r in mem
        .regions
        .iter_mut()
        .skip(frame_start)
        .take(f.stack_slots.len())
    {
        r.clear();
    }
    result
}
