//! Developer tool: `cargo run --release -p ir --example irbench -- N` builds a function
//! of about N instructions (-O0 style: locals in stack slots, a chain of if/else
//! diamonds and loops), then times verification, printing, parsing and each -O
//! pipeline. There is no reference tool for IR passes; this guards against
//! super-linear blowups.

use std::time::Instant;

use ir::{FunctionBuilder, IntCC, Linkage, MemFlags, Module, OptLevel, Signature, Type};

fn build(n: usize) -> Module {
    let mut f = ir::Function::new(
        "big",
        Signature::new(vec![Type::I64, Type::I64], Some(Type::I64)),
    );
    f.linkage = Linkage::Global;
    let slots: Vec<_> = (0..8).map(|_| f.create_stack_slot(8, 8)).collect();
    let mut b = FunctionBuilder::new(&mut f);
    let entry = b.create_block();
    b.switch_to_block(entry);
    b.seal_block(entry);
    let p = b.append_block_params_for_function_params(entry);
    for &s in &slots {
        let a = b.stack_addr(s, 0);
        b.store(MemFlags::default(), p[0], a, 0);
    }
    let mut i = 0usize;
    while b.func.inst_count() < n {
        let s1 = slots[i % 8];
        let s2 = slots[(i * 7 + 3) % 8];
        let a1 = b.stack_addr(s1, 0);
        let x = b.load(
            Type::I64,
            Type::I64,
            ir::Ext::Zero,
            MemFlags::default(),
            a1,
            0,
        );
        let a2 = b.stack_addr(s2, 0);
        let y = b.load(
            Type::I64,
            Type::I64,
            ir::Ext::Zero,
            MemFlags::default(),
            a2,
            0,
        );
        let c = b.icmp(IntCC::Slt, x, y);
        let (t, e, j) = (b.create_block(), b.create_block(), b.create_block());
        b.brif(c, t, vec![], e, vec![]);
        b.seal_block(t);
        b.seal_block(e);
        b.switch_to_block(t);
        let z = b.iadd(x, y);
        let k = b.iconst(Type::I64, i as i64);
        let z = b.bxor(z, k);
        let a = b.stack_addr(s1, 0);
        b.store(MemFlags::default(), z, a, 0);
        b.jump(j, vec![]);
        b.switch_to_block(e);
        let z = b.imul(x, p[1]);
        let a = b.stack_addr(s2, 0);
        b.store(MemFlags::default(), z, a, 0);
        b.jump(j, vec![]);
        b.seal_block(j);
        b.switch_to_block(j);
        i += 1;
    }
    let a = b.stack_addr(slots[0], 0);
    let r = b.load(
        Type::I64,
        Type::I64,
        ir::Ext::Zero,
        MemFlags::default(),
        a,
        0,
    );
    b.ret(Some(r));
    b.finalize();
    let mut m = Module::new();
    m.functions.push(f);
    m
}

trait Bxor {
    fn bxor(&mut self, x: ir::Value, y: ir::Value) -> ir::Value;
}
impl Bxor for FunctionBuilder<'_> {
    fn bxor(&mut self, x: ir::Value, y: ir::Value) -> ir::Value {
        self.binary(ir::Opcode::Bxor, x, y)
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let t = Instant::now();
    let m = build(n);
    println!("build {n} insts: {:?}", t.elapsed());
    let t = Instant::now();
    let ok = ir::verify_module(&m).is_ok();
    println!("verify ({ok}): {:?}", t.elapsed());
    let t = Instant::now();
    let text = ir::module_to_string(&m);
    println!("print ({} bytes): {:?}", text.len(), t.elapsed());
    let t = Instant::now();
    let parsed = ir::parse_module(&text, diag::FileId(0)).is_ok();
    println!("parse ({parsed}): {:?}", t.elapsed());
    let mut c = m.clone();
    for pass in ir::passes::pipeline(OptLevel::O2) {
        let t = Instant::now();
        let _ = ir::passes::run_named(&mut c, pass);
        println!("  {pass}: {:?}", t.elapsed());
    }
    for level in [OptLevel::O0, OptLevel::O1, OptLevel::O2] {
        let mut c = m.clone();
        let t = Instant::now();
        let r = ir::optimize(&mut c, level).is_ok();
        println!(
            "{level:?} ({r}, {} insts left): {:?}",
            c.functions[0].inst_count(),
            t.elapsed()
        );
    }
}
