//! Differential tests of the SSA builder and the passes, through the reference
//! interpreter (`ir::interp`).
//!
//! A fixed-seed generator makes random structured programs (assignments, if/else,
//! counted loops, calls to a small static helper, stores into a stack buffer and a
//! global). Each program is lowered twice: with locals as SSA variables (the
//! builder's Braun-style construction) and with locals in stack slots (-O0 style).
//! Both lowerings, and each after every `-O` pipeline, must compute the same return
//! value and leave the same global memory, on several argument pairs.
//! Also: every `.ir` file under `tests/files` gives the same results before and after
//! each pipeline.

use std::path::Path;

use ir::interp::{Memory, Trap, run};
use ir::{
    Block, FunctionBuilder, IntCC, Linkage, MemFlags, Module, Opcode, OptLevel, Signature,
    StackSlot, Type, Value, Variable,
};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

#[derive(Clone, Debug)]
enum Expr {
    Const(i64),
    Var(usize),
    Param(usize),
    Bin(Opcode, Box<Expr>, Box<Expr>),
    Un(Opcode, Box<Expr>),
    Cmp(IntCC, Box<Expr>, Box<Expr>),
    Select(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Box<Expr>),
    LoadBuf(u8),
}

#[derive(Clone, Debug)]
enum Stmt {
    Assign(usize, Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    Loop(usize, u8, Vec<Stmt>),
    StoreBuf(u8, Expr),
    StoreGlobal(Expr),
}

const BINOPS: &[Opcode] = &[
    Opcode::Iadd,
    Opcode::Isub,
    Opcode::Imul,
    Opcode::Udiv,
    Opcode::Sdiv,
    Opcode::Urem,
    Opcode::Srem,
    Opcode::Band,
    Opcode::Bor,
    Opcode::Bxor,
    Opcode::Ishl,
    Opcode::Ushr,
    Opcode::Sshr,
];
const UNOPS: &[Opcode] = &[
    Opcode::Ineg,
    Opcode::Bnot,
    Opcode::Bswap16,
    Opcode::Bswap32,
    Opcode::Bswap64,
];

struct Prog {
    var_tys: Vec<(Type, bool)>,
    body: Vec<Stmt>,
    helper: Expr,
    ret: Expr,
}

fn gen_expr(r: &mut Rng, depth: u32, nvars: usize, in_helper: bool) -> Expr {
    let leaf = depth == 0 || r.below(3) == 0;
    if leaf {
        return match r.below(if in_helper { 2 } else { 4 }) {
            0 => Expr::Const([0, 1, -1, 2, 7, 31, 32, 63, 255, 0x7fff_ffff, i64::MIN][r.below(11)]),
            1 => Expr::Param(r.below(2)),
            2 => Expr::Var(r.below(nvars)),
            _ => Expr::LoadBuf(r.below(256) as u8),
        };
    }
    let sub = |r: &mut Rng| Box::new(gen_expr(r, depth - 1, nvars, in_helper));
    match r.below(if in_helper { 5 } else { 6 }) {
        0 | 1 => Expr::Bin(BINOPS[r.below(BINOPS.len())], sub(r), sub(r)),
        2 => Expr::Un(UNOPS[r.below(UNOPS.len())], sub(r)),
        3 => Expr::Cmp(IntCC::ALL[r.below(10)], sub(r), sub(r)),
        4 => Expr::Select(sub(r), sub(r), sub(r)),
        _ => Expr::Call(sub(r), sub(r)),
    }
}

fn gen_stmts(r: &mut Rng, depth: u32, nvars: usize, loops: &mut usize) -> Vec<Stmt> {
    let n = 1 + r.below(4);
    (0..n)
        .map(|_| match r.below(if depth == 0 { 3 } else { 6 }) {
            0 | 1 => Stmt::Assign(r.below(nvars), gen_expr(r, 3, nvars, false)),
            2 => {
                if r.below(2) == 0 {
                    Stmt::StoreBuf(r.below(256) as u8, gen_expr(r, 2, nvars, false))
                } else {
                    Stmt::StoreGlobal(gen_expr(r, 2, nvars, false))
                }
            }
            3 | 4 => Stmt::If(
                gen_expr(r, 2, nvars, false),
                gen_stmts(r, depth - 1, nvars, loops),
                gen_stmts(r, depth - 1, nvars, loops),
            ),
            _ => {
                let c = *loops;
                *loops += 1;
                Stmt::Loop(c, r.below(4) as u8, gen_stmts(r, depth - 1, nvars, loops))
            }
        })
        .collect()
}

fn gen_prog(r: &mut Rng) -> (Prog, usize) {
    let nvars = 2 + r.below(4);
    let var_tys = (0..nvars)
        .map(|_| (Type::ALL[r.below(4)], r.below(2) == 0))
        .collect();
    let mut loops = 0;
    let body = gen_stmts(r, 3, nvars, &mut loops);
    let helper = gen_expr(r, 3, 1, true);
    let ret = gen_expr(r, 2, nvars, false);
    (
        Prog {
            var_tys,
            body,
            helper,
            ret,
        },
        loops,
    )
}

/// A buffer access from a random byte: width (low 2 bits), aligned offset inside the
/// 32-byte buffer, and whether the offset is added to the address. Widths and offsets
/// mix, so accesses overlap (sroa must then leave the buffer whole).
fn buf_access(i: u8) -> (Type, i16, bool) {
    let ty = Type::ALL[usize::from(i & 3)];
    let slots = 32 / ty.bytes() as u8;
    let off = i16::from((i >> 2) % slots) * ty.bytes() as i16;
    (ty, off, i & 0x40 != 0)
}

/// Where a C local lives.
enum Local {
    Ssa(Variable),
    Mem(StackSlot),
}

struct Lower<'a, 'b> {
    b: &'a mut FunctionBuilder<'b>,
    locals: Vec<(Local, Type, bool)>,
    counters: Vec<Local>,
    params: Vec<Value>,
    buf: StackSlot,
    in_helper: bool,
}

impl Lower<'_, '_> {
    fn read(&mut self, i: usize) -> Value {
        let (ty, signed) = (self.locals[i].1, self.locals[i].2);
        let v = match self.locals[i].0 {
            Local::Ssa(var) => self.b.use_var(var),
            Local::Mem(slot) => {
                let a = self.b.stack_addr(slot, 0);
                self.b
                    .load(ty, ty, ir::Ext::Zero, MemFlags::default(), a, 0)
            }
        };
        if ty == Type::I64 {
            v
        } else if signed {
            self.b.sextend(Type::I64, v)
        } else {
            self.b.uextend(Type::I64, v)
        }
    }

    fn write_local(&mut self, local: &Local, ty: Type, v: Value) {
        let v = if ty == Type::I64 {
            v
        } else {
            self.b.ireduce(ty, v)
        };
        match local {
            Local::Ssa(var) => self.b.def_var(*var, v),
            Local::Mem(slot) => {
                let a = self.b.stack_addr(*slot, 0);
                self.b.store(MemFlags::default(), v, a, 0);
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> Value {
        match e {
            Expr::Const(c) => self.b.iconst(Type::I64, *c),
            Expr::Var(i) => self.read(*i),
            Expr::Param(i) => self.params[*i],
            Expr::Bin(op, x, y) => {
                let (x, y) = (self.expr(x), self.expr(y));
                self.b.binary(*op, x, y)
            }
            Expr::Un(op, x) => {
                let x = self.expr(x);
                self.b.unary(*op, x)
            }
            Expr::Cmp(cc, x, y) => {
                let (x, y) = (self.expr(x), self.expr(y));
                let c = self.b.icmp(*cc, x, y);
                self.b.uextend(Type::I64, c)
            }
            Expr::Select(c, x, y) => {
                let (c, x, y) = (self.expr(c), self.expr(x), self.expr(y));
                self.b.select(c, x, y)
            }
            Expr::Call(x, y) => {
                let (x, y) = (self.expr(x), self.expr(y));
                let h = self.b.func.import_func("helper");
                self.b.call(h, vec![x, y], Some(Type::I64)).unwrap_or(x)
            }
            Expr::LoadBuf(i) => {
                let (ty, off, in_addr) = buf_access(*i);
                let (a, o) = self.buf_addr(off, in_addr);
                let ext = if i & 0x80 != 0 {
                    ir::Ext::Sign
                } else {
                    ir::Ext::Zero
                };
                let ext = if ty == Type::I64 { ir::Ext::Zero } else { ext };
                self.b.load(Type::I64, ty, ext, MemFlags::default(), a, o)
            }
        }
    }

    /// The address of byte `off` of the buffer: in the `stack_addr` or as an `iadd`
    /// (returned with the memory offset to use).
    fn buf_addr(&mut self, off: i16, in_addr: bool) -> (Value, i16) {
        if in_addr {
            let a = self.b.stack_addr(self.buf, 0);
            let k = self.b.iconst(Type::I64, i64::from(off));
            (self.b.iadd(a, k), 0)
        } else {
            (self.b.stack_addr(self.buf, 0), off)
        }
    }

    fn stmts(&mut self, ss: &[Stmt]) {
        for s in ss {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Assign(i, e) => {
                let v = self.expr(e);
                let (ty, local) = (
                    self.locals[*i].1,
                    std::mem::replace(&mut self.locals[*i].0, Local::Mem(self.buf)),
                );
                self.write_local(&local, ty, v);
                self.locals[*i].0 = local;
            }
            Stmt::StoreBuf(i, e) => {
                let v = self.expr(e);
                let (ty, off, in_addr) = buf_access(*i);
                let v = if ty == Type::I64 {
                    v
                } else {
                    self.b.ireduce(ty, v)
                };
                let (a, o) = self.buf_addr(off, in_addr);
                self.b.store(MemFlags::default(), v, a, o);
            }
            Stmt::StoreGlobal(e) => {
                let v = self.expr(e);
                let g = self.b.func.import_global("out");
                let a = self.b.global_addr(g, 0);
                let old = self.b.load(
                    Type::I64,
                    Type::I64,
                    ir::Ext::Zero,
                    MemFlags::default(),
                    a,
                    0,
                );
                let k = self.b.iconst(Type::I64, 31);
                let m = self.b.imul(old, k);
                let n = self.b.iadd(m, v);
                self.b.store(MemFlags::default(), n, a, 0);
            }
            Stmt::If(c, t, e) => {
                let c = self.expr(c);
                let (bt, be, bj) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.brif(c, bt, vec![], be, vec![]);
                self.b.seal_block(bt);
                self.b.seal_block(be);
                self.b.switch_to_block(bt);
                self.stmts(t);
                self.b.jump(bj, vec![]);
                self.b.switch_to_block(be);
                self.stmts(e);
                self.b.jump(bj, vec![]);
                self.b.seal_block(bj);
                self.b.switch_to_block(bj);
            }
            Stmt::Loop(ci, n, body) => {
                let counter = std::mem::replace(&mut self.counters[*ci], Local::Mem(self.buf));
                let zero = self.b.iconst(Type::I64, 0);
                self.write_local(&counter, Type::I64, zero);
                let (header, bbody, exit): (Block, Block, Block) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.jump(header, vec![]);
                self.b.switch_to_block(header);
                let c = match &counter {
                    Local::Ssa(v) => self.b.use_var(*v),
                    Local::Mem(s) => {
                        let a = self.b.stack_addr(*s, 0);
                        self.b.load(
                            Type::I64,
                            Type::I64,
                            ir::Ext::Zero,
                            MemFlags::default(),
                            a,
                            0,
                        )
                    }
                };
                let lim = self.b.iconst(Type::I64, i64::from(*n));
                let go = self.b.icmp(IntCC::Slt, c, lim);
                self.b.brif(go, bbody, vec![], exit, vec![]);
                self.b.seal_block(bbody);
                self.b.switch_to_block(bbody);
                self.stmts(body);
                let c2 = match &counter {
                    Local::Ssa(v) => self.b.use_var(*v),
                    Local::Mem(s) => {
                        let a = self.b.stack_addr(*s, 0);
                        self.b.load(
                            Type::I64,
                            Type::I64,
                            ir::Ext::Zero,
                            MemFlags::default(),
                            a,
                            0,
                        )
                    }
                };
                let one = self.b.iconst(Type::I64, 1);
                let c3 = self.b.iadd(c2, one);
                self.write_local(&counter, Type::I64, c3);
                self.b.jump(header, vec![]);
                self.b.seal_block(header);
                self.b.seal_block(exit);
                self.b.switch_to_block(exit);
                self.counters[*ci] = counter;
            }
        }
    }
}

fn build(prog: &Prog, nloops: usize, ssa: bool) -> Module {
    let mut m = Module::new();
    m.globals.push(ir::GlobalData {
        name: "out".into(),
        section: ".bss".into(),
        linkage: Linkage::Global,
        size: 8,
        align: 8,
        init: ir::DataInit::Zero,
        relocs: vec![],
        constant: false,
        volatile: false,
        keep: false,
        unnamed_section: None,
        pool: false,
        debug_type: None,
    });
    for (name, is_main) in [("helper", false), ("main", true)] {
        let mut f = ir::Function::new(
            name,
            Signature::new(vec![Type::I64, Type::I64], Some(Type::I64)),
        );
        f.linkage = if is_main {
            Linkage::Global
        } else {
            Linkage::Local
        };
        let buf = f.create_stack_slot(32, 8);
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        b.switch_to_block(entry);
        b.seal_block(entry);
        let params = b.append_block_params_for_function_params(entry);
        // The buffer starts zeroed so reads are defined.
        let a = b.stack_addr(buf, 0);
        b.memset(a, 0, 32, 8);
        let mk = |b: &mut FunctionBuilder, ty: Type| {
            if ssa {
                Local::Ssa(b.declare_var(ty))
            } else {
                let s = b.func.create_stack_slot(ty.bytes(), ty.bytes());
                Local::Mem(s)
            }
        };
        let nvars = if is_main { prog.var_tys.len() } else { 1 };
        let mut locals = Vec::new();
        for i in 0..nvars {
            let (ty, signed) = if is_main {
                prog.var_tys[i]
            } else {
                (Type::I64, true)
            };
            locals.push((mk(&mut b, ty), ty, signed));
        }
        let counters = (0..nloops).map(|_| mk(&mut b, Type::I64)).collect();
        let mut l = Lower {
            b: &mut b,
            locals,
            counters,
            params,
            buf,
            in_helper: !is_main,
        };
        // Locals start as parameter-derived values so reads are defined.
        for i in 0..nvars {
            let p = l.params[i % 2];
            let (ty, local) = (
                l.locals[i].1,
                std::mem::replace(&mut l.locals[i].0, Local::Mem(buf)),
            );
            l.write_local(&local, ty, p);
            l.locals[i].0 = local;
        }
        let ret = if l.in_helper {
            l.expr(&prog.helper)
        } else {
            l.stmts(&prog.body);
            l.expr(&prog.ret)
        };
        b.ret(Some(ret));
        b.finalize();
        m.functions.push(f);
    }
    m
}

/// Runs `main(a, b)`; Ok((result, global `out`)) or the trap.
fn exec(m: &Module, a: i64, b: i64) -> Result<(Option<i64>, Vec<u8>), Trap> {
    let mut mem = Memory::for_module(m);
    let mut fuel = 200_000;
    let r = run(m, "main", &[a, b], &mut mem, &mut fuel)?;
    Ok((r, mem.regions.get(1).cloned().unwrap_or_default()))
}

const ARGS: &[(i64, i64)] = &[
    (0, 0),
    (1, 2),
    (-1, 5),
    (0x1234_5678_9abc, -77),
    (i64::MIN, 3),
    (255, 256),
];

#[test]
fn builder_and_pipelines_agree_on_random_programs() {
    // Longer local runs: IR_DIFF_ROUNDS=2000 IR_DIFF_SEED=9 cargo test -p ir --test differential
    let rounds: usize = std::env::var("IR_DIFF_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("IR_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_0001);
    let mut rng = Rng(seed | 1);
    let mut compared = 0;
    for round in 0..rounds {
        let (prog, nloops) = gen_prog(&mut rng);
        let ssa = build(&prog, nloops, true);
        let mem = build(&prog, nloops, false);
        for (what, m) in [("ssa", &ssa), ("mem", &mem)] {
            if let Err(d) = ir::verify_module(m) {
                let msgs: Vec<_> = d.items.iter().map(|e| e.message.clone()).collect();
                panic!(
                    "round {round}: {what} lowering does not verify: {msgs:?}\n{}",
                    ir::module_to_string(m)
                );
            }
        }
        let mut variants = vec![("ssa", ssa.clone()), ("mem", mem.clone())];
        for level in [OptLevel::O0, OptLevel::O1, OptLevel::O2, OptLevel::Os] {
            for (what, base) in [("ssa", &ssa), ("mem", &mem)] {
                let mut m = base.clone();
                if let Err(d) = ir::optimize(&mut m, level) {
                    let _ = std::fs::write(
                        std::env::temp_dir().join("ir_differential_fail.ir"),
                        ir::module_to_string(base),
                    );
                    let msgs: Vec<_> = d
                        .items
                        .iter()
                        .map(|e| format!("{} {:?}", e.message, e.notes))
                        .collect();
                    panic!(
                        "round {round}: {what} {level:?} failed: {msgs:?}\n{}",
                        ir::module_to_string(base)
                    );
                }
                variants.push((if what == "ssa" { "ssa-opt" } else { "mem-opt" }, m));
            }
        }
        for &(a, b) in ARGS {
            let Ok(reference) = exec(&ssa, a, b) else {
                continue;
            };
            for (what, m) in &variants {
                let got = exec(m, a, b);
                assert_eq!(
                    got.as_ref().ok(),
                    Some(&reference),
                    "round {round}, args ({a}, {b}): {what} differs\n--- reference (ssa) ---\n{}\n--- {what} ---\n{}",
                    ir::module_to_string(&ssa),
                    ir::module_to_string(m)
                );
                compared += 1;
            }
        }
    }
    println!("{compared} comparisons");
    assert!(compared > 500);
}

#[test]
fn file_tests_keep_their_meaning_through_pipelines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/files");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "ir"));
    paths.sort();
    let mut compared = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(m) = ir::parse_module(&text, diag::FileId(0)) else {
            panic!("{}", path.display())
        };
        for f in &m.functions {
            if f.sig
                .params
                .iter()
                .any(|&t| t != Type::I64 && t != Type::I32)
            {
                continue;
            }
            for level in [
                OptLevel::O0,
                OptLevel::O1,
                OptLevel::O2,
                OptLevel::O3,
                OptLevel::Os,
            ] {
                let mut o = m.clone();
                // A local function whose signature `ipcp` changed (constant or dead
                // parameters gone) only means something to its callers, checked there.
                if ir::optimize(&mut o, level).is_err()
                    || o.function(&f.name).is_none_or(|g| g.sig != f.sig)
                {
                    continue;
                }
                for &(a, b) in ARGS {
                    // Pointer parameters get a 64-byte buffer; others the raw value.
                    let go = |mm: &Module| {
                        let mut mem = Memory::for_module(mm);
                        let buf = mem.alloc((0..64u8).collect());
                        let args: Vec<i64> = f
                            .sig
                            .params
                            .iter()
                            .enumerate()
                            .map(|(i, &t)| {
                                if t == Type::I64 {
                                    Memory::ptr(buf, 8)
                                } else {
                                    [a, b][i % 2]
                                }
                            })
                            .collect();
                        let mut fuel = 100_000;
                        run(mm, &f.name, &args, &mut mem, &mut fuel)
                            .map(|r| (r, mem.regions.get(buf).cloned()))
                    };
                    let Ok(reference) = go(&m) else { continue };
                    assert_eq!(
                        go(&o).ok(),
                        Some(reference),
                        "{} @{} at {level:?}",
                        path.display(),
                        f.name
                    );
                    compared += 1;
                }
            }
        }
    }
    println!("{compared} comparisons");
    assert!(compared > 50);
}
