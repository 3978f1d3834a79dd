//! `FunctionBuilder`: appends instructions to a function and builds SSA form from
//! variable definitions and uses, after Braun et al., "Simple and Efficient
//! Construction of Static Single Assignment Form" (CC 2013), with block parameters
//! instead of phis.
//!
//! How to use: `declare_var` each C local that is not address-taken, `def_var` on
//! assignment, `use_var` on read. `seal_block` a block once all its predecessors are
//! known (e.g. a loop header after the back edge); `finalize` seals the rest, removes
//! trivial block parameters and resolves aliases.
//!
//! Invariants: a block parameter that SSA construction adds gets its argument on every
//! incoming edge (placed by parameter index, so order of completion does not matter);
//! explicit parameters (`append_block_param`) must be declared before any variable is
//! read in that block. Reading a variable that was never written yields `iconst 0`
//! (C leaves it undefined; clang also picks some value). Nothing here panics on bad
//! sequences of calls: appending after a terminator opens a fresh unreachable block.

use cranelift_entity::packed_option::ReservedValue;
use cranelift_entity::{EntityRef, PrimaryMap, SecondaryMap};

use crate::entities::{Block, FuncRef, GlobalRef, Inst, StackSlot, Value, Variable};
use crate::function::Function;
use crate::instructions::{BlockCall, InstData};
use crate::opcodes::Opcode;
use crate::types::{AtomicOp, Ext, IntCC, MemFlags, SourceLoc, Type};

#[derive(Default)]
struct SsaState {
    var_types: PrimaryMap<Variable, Type>,
    /// The value of each variable at the end of (or so far in) each block.
    defs: SecondaryMap<Variable, SecondaryMap<Block, Option<Value>>>,
    sealed: SecondaryMap<Block, bool>,
    /// Incoming edges of each block: (branch instruction, index of the destination).
    preds: SecondaryMap<Block, Vec<(Inst, usize)>>,
    /// Parameters added to unsealed blocks, completed at `seal_block`.
    incomplete: SecondaryMap<Block, Vec<(Variable, Value)>>,
    /// Parameters whose edge arguments still need to be found.
    pending: Vec<(Block, Variable, Value)>,
}

/// Builds one function; see the module comment.
pub struct FunctionBuilder<'a> {
    pub func: &'a mut Function,
    ssa: SsaState,
    current: Option<Block>,
    srcloc: SourceLoc,
}

impl<'a> FunctionBuilder<'a> {
    pub fn new(func: &'a mut Function) -> Self {
        FunctionBuilder {
            func,
            ssa: SsaState::default(),
            current: None,
            srcloc: SourceLoc::default(),
        }
    }

    // ---- blocks ---------------------------------------------------------------

    /// A new block, placed in the layout when first switched to.
    pub fn create_block(&mut self) -> Block {
        self.func.dfg.make_block()
    }

    /// Makes `block` the insertion point, appending it to the layout if needed.
    pub fn switch_to_block(&mut self, block: Block) {
        self.func.layout.append_block(block);
        self.current = Some(block);
    }

    pub fn current_block(&self) -> Option<Block> {
        self.current
    }

    /// True if the current block already ends with a terminator.
    pub fn is_filled(&self) -> bool {
        match self.current {
            Some(b) => self.block_is_filled(b),
            None => false,
        }
    }

    fn block_is_filled(&self, b: Block) -> bool {
        self.func
            .layout
            .last_inst(b)
            .is_some_and(|i| self.func.dfg.insts[i].is_terminator())
    }

    /// True if the current block can not be reached (sealed, no predecessors, not the
    /// entry block): code emitted here is dead.
    pub fn is_unreachable(&self) -> bool {
        match self.current {
            Some(b) => {
                self.ssa.sealed[b]
                    && self.ssa.preds[b].is_empty()
                    && self.func.layout.entry_block() != Some(b)
            }
            None => false,
        }
    }

    pub fn append_block_param(&mut self, block: Block, ty: Type) -> Value {
        self.func.dfg.append_block_param(block, ty)
    }

    /// Gives `block` one parameter per function parameter (for the entry block).
    pub fn append_block_params_for_function_params(&mut self, block: Block) -> Vec<Value> {
        let tys = self.func.sig.params.clone();
        tys.into_iter()
            .map(|t| self.func.dfg.append_block_param(block, t))
            .collect()
    }

    pub fn block_params(&self, block: Block) -> &[Value] {
        self.func.dfg.block_params(block)
    }

    /// Declares that every predecessor of `block` is now known.
    pub fn seal_block(&mut self, block: Block) {
        if self.ssa.sealed[block] {
            return;
        }
        self.ssa.sealed[block] = true;
        let incomplete = std::mem::take(&mut self.ssa.incomplete[block]);
        for (var, param) in incomplete {
            self.ssa.pending.push((block, var, param));
        }
        self.run_pending();
    }

    /// Seals every block created so far.
    pub fn seal_all_blocks(&mut self) {
        let blocks: Vec<Block> = self.func.dfg.blocks.keys().collect();
        for b in blocks {
            self.seal_block(b);
        }
    }

    // ---- variables -------------------------------------------------------------

    pub fn declare_var(&mut self, ty: Type) -> Variable {
        self.ssa.var_types.push(ty)
    }

    pub fn var_type(&self, var: Variable) -> Type {
        self.ssa.var_types.get(var).copied().unwrap_or(Type::I64)
    }

    /// Assigns `val` to `var` at the current point.
    pub fn def_var(&mut self, var: Variable, val: Value) {
        let block = self.ensure_block();
        self.ssa.defs[var][block] = Some(val);
    }

    /// The value `var` holds at the current point.
    pub fn use_var(&mut self, var: Variable) -> Value {
        let block = self.ensure_block();
        let v = self.lookup(var, block);
        self.run_pending();
        v
    }

    /// Finds (or makes) the value of `var` at the end of `block`, without recursion:
    /// walks up chains of single predecessors, then adds a parameter where several
    /// edges meet (its arguments are found later by `run_pending`).
    fn lookup(&mut self, var: Variable, block: Block) -> Value {
        let ty = self.var_type(var);
        let mut chain: Vec<Block> = Vec::new();
        let mut b = block;
        let found = loop {
            if let Some(v) = self.ssa.defs[var][b] {
                break v;
            }
            if !self.ssa.sealed[b] {
                let p = self.func.dfg.append_block_param(b, ty);
                self.ssa.incomplete[b].push((var, p));
                break p;
            }
            let preds = &self.ssa.preds[b];
            if preds.is_empty() {
                // Never written on any path: C says undefined, we say 0.
                break self.zero_at_block_start(b, ty);
            }
            if preds.len() == 1 {
                let pred_block = self.func.layout.inst_block(preds[0].0);
                if let Some(pb) = pred_block
                    && pb != b
                    && !chain.contains(&pb)
                {
                    chain.push(b);
                    b = pb;
                    continue;
                }
            }
            let p = self.func.dfg.append_block_param(b, ty);
            self.ssa.pending.push((b, var, p));
            break p;
        };
        self.ssa.defs[var][b] = Some(found);
        for c in chain {
            self.ssa.defs[var][c] = Some(found);
        }
        found
    }

    fn zero_at_block_start(&mut self, block: Block, ty: Type) -> Value {
        let (inst, v) = self
            .func
            .dfg
            .make_inst(InstData::Iconst { imm: 0 }, Some(ty));
        self.func.layout.insert_inst(inst, block, 0);
        self.func.srclocs[inst] = self.srcloc;
        v.unwrap_or_else(|| Value::new(0))
    }

    fn run_pending(&mut self) {
        while let Some((block, var, param)) = self.ssa.pending.pop() {
            let idx = match self.func.dfg.value_def(param) {
                crate::dfg::ValueDef::Param(_, i) => i,
                _ => continue,
            };
            let edges = self.ssa.preds[block].clone();
            if edges.is_empty() {
                // No edge comes in (entry or unreachable block): the variable was never
                // written, so it reads as 0, like `lookup` does.
                let ty = self.func.dfg.value_type(param);
                let zero = self.zero_at_block_start(block, ty);
                self.func.dfg.change_to_alias(param, zero);
                self.func.dfg.remove_block_param(block, idx);
                continue;
            }
            for (inst, dest_idx) in edges {
                let Some(pb) = self.func.layout.inst_block(inst) else {
                    continue;
                };
                let v = self.lookup(var, pb);
                if let Some(dest) = self.func.dfg.insts[inst]
                    .branch_dests_mut()
                    .into_iter()
                    .nth(dest_idx)
                {
                    if dest.args.len() <= idx {
                        dest.args.resize(idx + 1, Value::reserved_value());
                    }
                    dest.args[idx] = v;
                }
            }
        }
    }

    /// Seals all blocks, removes trivial block parameters and resolves aliases.
    pub fn finalize(mut self) {
        self.seal_all_blocks();
        crate::passes::params::remove_trivial_params(self.func);
        self.func.dfg.resolve_all_aliases();
    }

    // ---- instructions ----------------------------------------------------------

    /// Source location given to the instructions appended from now on.
    pub fn set_srcloc(&mut self, loc: SourceLoc) {
        self.srcloc = loc;
    }

    fn ensure_block(&mut self) -> Block {
        match self.current {
            Some(b) if !self.block_is_filled(b) => b,
            _ => {
                // Code after a terminator (e.g. after `return`): a fresh block that no
                // edge reaches.
                let b = self.create_block();
                self.switch_to_block(b);
                self.ssa.sealed[b] = true;
                b
            }
        }
    }

    /// Appends an instruction with controlling type `ctrl` (the `.T` suffix) and
    /// returns it with its result.
    pub fn build(&mut self, data: InstData, ctrl: Option<Type>) -> (Inst, Option<Value>) {
        let block = self.ensure_block();
        let dests: Vec<Block> = data.branch_targets().map(|d| d.block).collect();
        let (inst, v) = self.func.dfg.make_inst(data, ctrl);
        self.func.layout.append_inst(inst, block);
        self.func.srclocs[inst] = self.srcloc;
        for (i, d) in dests.into_iter().enumerate() {
            self.ssa.preds[d].push((inst, i));
        }
        (inst, v)
    }

    /// Appends an instruction that has exactly one result.
    fn value(&mut self, data: InstData, ctrl: Option<Type>) -> Value {
        let (_, v) = self.build(data, ctrl);
        // Every caller passes data whose opcode has a result; fall back to a reserved
        // value (caught by the verifier) rather than panicking.
        v.unwrap_or_else(Value::reserved_value)
    }

    pub fn iconst(&mut self, ty: Type, imm: i64) -> Value {
        self.value(InstData::Iconst { imm: ty.sext(imm) }, Some(ty))
    }

    pub fn unary(&mut self, op: Opcode, arg: Value) -> Value {
        self.value(InstData::Unary { op, arg }, None)
    }

    /// `opaque x` (see `Opcode::Opaque`).
    pub fn opaque(&mut self, x: Value) -> Value {
        self.value(InstData::Opaque { arg: x }, None)
    }

    pub fn ineg(&mut self, x: Value) -> Value {
        self.unary(Opcode::Ineg, x)
    }

    pub fn bnot(&mut self, x: Value) -> Value {
        self.unary(Opcode::Bnot, x)
    }

    /// `uextend`, `sextend` or `ireduce` to `ty`.
    pub fn convert(&mut self, op: Opcode, ty: Type, arg: Value) -> Value {
        self.value(InstData::Convert { op, arg }, Some(ty))
    }

    pub fn uextend(&mut self, ty: Type, x: Value) -> Value {
        self.convert(Opcode::Uextend, ty, x)
    }

    pub fn sextend(&mut self, ty: Type, x: Value) -> Value {
        self.convert(Opcode::Sextend, ty, x)
    }

    pub fn ireduce(&mut self, ty: Type, x: Value) -> Value {
        self.convert(Opcode::Ireduce, ty, x)
    }

    /// Any two-operand operation (`iadd` ... `sshr`).
    pub fn binary(&mut self, op: Opcode, x: Value, y: Value) -> Value {
        self.value(InstData::Binary { op, args: [x, y] }, None)
    }

    pub fn iadd(&mut self, x: Value, y: Value) -> Value {
        self.binary(Opcode::Iadd, x, y)
    }

    pub fn isub(&mut self, x: Value, y: Value) -> Value {
        self.binary(Opcode::Isub, x, y)
    }

    pub fn imul(&mut self, x: Value, y: Value) -> Value {
        self.binary(Opcode::Imul, x, y)
    }

    pub fn icmp(&mut self, cond: IntCC, x: Value, y: Value) -> Value {
        self.value(InstData::Icmp { cond, args: [x, y] }, None)
    }

    pub fn select(&mut self, c: Value, x: Value, y: Value) -> Value {
        self.value(InstData::Select { args: [c, x, y] }, None)
    }

    /// `load.ty` of `mem` bytes at `addr + offset`, widened by `ext` if `mem < ty`.
    pub fn load(
        &mut self,
        ty: Type,
        mem: Type,
        ext: Ext,
        flags: MemFlags,
        addr: Value,
        offset: i16,
    ) -> Value {
        self.value(
            InstData::Load {
                mem,
                ext,
                flags,
                addr,
                offset,
            },
            Some(ty),
        )
    }

    pub fn store(&mut self, flags: MemFlags, val: Value, addr: Value, offset: i16) -> Inst {
        self.build(
            InstData::Store {
                flags,
                args: [val, addr],
                offset,
            },
            None,
        )
        .0
    }

    pub fn stack_addr(&mut self, slot: StackSlot, offset: i32) -> Value {
        self.value(InstData::StackAddr { slot, offset }, None)
    }

    pub fn global_addr(&mut self, global: GlobalRef, offset: i32) -> Value {
        self.value(InstData::GlobalAddr { global, offset }, None)
    }

    pub fn func_addr(&mut self, func: FuncRef) -> Value {
        self.value(InstData::FuncAddr { func }, None)
    }

    /// BPF-to-BPF call; `ret` is the result type, if the callee returns a value.
    pub fn call(&mut self, func: FuncRef, args: Vec<Value>, ret: Option<Type>) -> Option<Value> {
        self.build(
            InstData::Call {
                op: Opcode::Call,
                func,
                args,
            },
            ret,
        )
        .1
    }

    /// Call of a kfunc or extern function.
    pub fn call_extern(
        &mut self,
        func: FuncRef,
        args: Vec<Value>,
        ret: Option<Type>,
    ) -> Option<Value> {
        self.build(
            InstData::Call {
                op: Opcode::CallExtern,
                func,
                args,
            },
            ret,
        )
        .1
    }

    /// Call of helper number `helper`.
    pub fn call_helper(
        &mut self,
        helper: u32,
        args: Vec<Value>,
        ret: Option<Type>,
    ) -> Option<Value> {
        self.build(InstData::CallHelper { helper, args }, ret).1
    }

    pub fn atomic_rmw(
        &mut self,
        op: AtomicOp,
        fetch: bool,
        addr: Value,
        offset: i16,
        arg: Value,
    ) -> Value {
        let ty = self.func.dfg.value_type(arg);
        self.value(
            InstData::AtomicRmw {
                op,
                fetch: fetch || op == AtomicOp::Xchg,
                addr,
                offset,
                arg,
            },
            Some(ty),
        )
    }

    pub fn atomic_cas(&mut self, addr: Value, offset: i16, expected: Value, new: Value) -> Value {
        let ty = self.func.dfg.value_type(expected);
        self.value(
            InstData::AtomicCas {
                args: [addr, expected, new],
                offset,
            },
            Some(ty),
        )
    }

    pub fn memcpy(&mut self, dst: Value, src: Value, size: u32, align: u32) -> Inst {
        self.build(
            InstData::Memcpy {
                args: [dst, src],
                size,
                align,
            },
            None,
        )
        .0
    }

    pub fn memset(&mut self, dst: Value, byte: u8, size: u32, align: u32) -> Inst {
        self.build(
            InstData::Memset {
                dst,
                byte,
                size,
                align,
            },
            None,
        )
        .0
    }

    pub fn jump(&mut self, block: Block, args: Vec<Value>) -> Inst {
        self.build(
            InstData::Jump {
                dest: BlockCall::new(block, args),
            },
            None,
        )
        .0
    }

    pub fn brif(
        &mut self,
        cond: Value,
        then_block: Block,
        then_args: Vec<Value>,
        else_block: Block,
        else_args: Vec<Value>,
    ) -> Inst {
        self.build(
            InstData::Brif {
                cond,
                then_dest: BlockCall::new(then_block, then_args),
                else_dest: BlockCall::new(else_block, else_args),
            },
            None,
        )
        .0
    }

    pub fn ret(&mut self, arg: Option<Value>) -> Inst {
        self.build(InstData::Return { arg }, None).0
    }

    pub fn unreachable(&mut self) -> Inst {
        self.build(InstData::Unreachable, None).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::function::Signature;
    use crate::text::write::function_to_string;

    /// `int f(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }`
    #[test]
    fn loop_gets_block_params_and_trivial_ones_go() {
        let mut f = Function::new("f", Signature::new(vec![Type::I32], Some(Type::I32)));
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        let header = b.create_block();
        let body = b.create_block();
        let exit = b.create_block();
        let n_var = b.declare_var(Type::I32);
        let s = b.declare_var(Type::I32);
        let i = b.declare_var(Type::I32);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let params = b.append_block_params_for_function_params(entry);
        b.def_var(n_var, params[0]);
        let zero = b.iconst(Type::I32, 0);
        b.def_var(s, zero);
        b.def_var(i, zero);
        b.jump(header, vec![]);
        b.switch_to_block(header);
        let iv = b.use_var(i);
        let nv = b.use_var(n_var);
        let c = b.icmp(IntCC::Slt, iv, nv);
        b.brif(c, body, vec![], exit, vec![]);
        b.switch_to_block(body);
        b.seal_block(body);
        let sv = b.use_var(s);
        let iv = b.use_var(i);
        let s2 = b.iadd(sv, iv);
        b.def_var(s, s2);
        let one = b.iconst(Type::I32, 1);
        let i2 = b.iadd(iv, one);
        b.def_var(i, i2);
        b.jump(header, vec![]);
        b.seal_block(header);
        b.switch_to_block(exit);
        b.seal_block(exit);
        let sv = b.use_var(s);
        b.ret(Some(sv));
        b.finalize();
        // `n` never changes in the loop: its header parameter is trivial and removed.
        assert_eq!(
            function_to_string(&f),
            "function local @f(i32) -> i32 section \".text\" {
block0(v0: i32):
    v1 = iconst.i32 0
    jump block1(v1, v1)
block1(v2: i32, v5: i32):
    v4 = icmp slt v2, v0
    brif v4, block2, block3
block2:
    v6 = iadd v5, v2
    v7 = iconst.i32 1
    v8 = iadd v2, v7
    jump block1(v8, v6)
block3:
    return v5
}
"
        );
    }

    #[test]
    fn undefined_variable_reads_zero_and_code_after_return_is_kept_apart() {
        let mut f = Function::new("g", Signature::new(vec![], Some(Type::I64)));
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        b.switch_to_block(entry);
        let x = b.declare_var(Type::I64);
        let v = b.use_var(x);
        b.ret(Some(v));
        // Dead code after the return goes to a fresh block.
        let k = b.iconst(Type::I64, 7);
        b.ret(Some(k));
        b.finalize();
        assert_eq!(
            function_to_string(&f),
            "function local @g() -> i64 section \".text\" {
block0:
    v2 = iconst.i64 0
    return v2
block1:
    v1 = iconst.i64 7
    return v1
}
"
        );
    }

    /// Two blocks that enter each other (an irreducible loop, as `goto` makes), sealed
    /// only at the end; the result is checked by running it in the interpreter.
    #[test]
    fn irreducible_loop_with_late_sealing() {
        use crate::interp::{Memory, run};
        use crate::module::Module;
        let mut f = Function::new("irr", Signature::new(vec![Type::I64], Some(Type::I64)));
        let mut b = FunctionBuilder::new(&mut f);
        let (entry, a, bb, exit) = (
            b.create_block(),
            b.create_block(),
            b.create_block(),
            b.create_block(),
        );
        let x = b.declare_var(Type::I64);
        let steps = b.declare_var(Type::I64);
        b.switch_to_block(entry);
        let p = b.append_block_params_for_function_params(entry)[0];
        b.def_var(x, p);
        let zero = b.iconst(Type::I64, 0);
        b.def_var(steps, zero);
        let one = b.iconst(Type::I64, 1);
        let odd = b.binary(Opcode::Band, p, one);
        b.brif(odd, a, vec![], bb, vec![]);
        // a: x += 3; steps++; if x < 40 goto b else exit
        b.switch_to_block(a);
        let xv = b.use_var(x);
        let three = b.iconst(Type::I64, 3);
        let nx = b.iadd(xv, three);
        b.def_var(x, nx);
        let sv = b.use_var(steps);
        let one = b.iconst(Type::I64, 1);
        let ns = b.iadd(sv, one);
        b.def_var(steps, ns);
        let lim = b.iconst(Type::I64, 40);
        let c = b.icmp(IntCC::Slt, nx, lim);
        b.brif(c, bb, vec![], exit, vec![]);
        // b: x *= 2; if x < 40 goto a else exit (steps unchanged here)
        b.switch_to_block(bb);
        let xv = b.use_var(x);
        let two = b.iconst(Type::I64, 2);
        let nx = b.imul(xv, two);
        b.def_var(x, nx);
        let lim = b.iconst(Type::I64, 40);
        let c = b.icmp(IntCC::Slt, nx, lim);
        b.brif(c, a, vec![], exit, vec![]);
        b.switch_to_block(exit);
        let xv = b.use_var(x);
        let sv = b.use_var(steps);
        let k = b.iconst(Type::I64, 1000);
        let r = b.imul(sv, k);
        let r = b.iadd(r, xv);
        b.ret(Some(r));
        b.finalize();
        assert!(
            crate::verifier::verify_function(&f).is_ok(),
            "{}",
            function_to_string(&f)
        );
        let mut m = Module::new();
        m.functions.push(f);
        for start in [-5i64, 0, 1, 2, 7, 19, 100] {
            let (mut x, mut steps) = (start, 0i64);
            let mut in_a = start & 1 != 0;
            loop {
                if in_a {
                    x += 3;
                    steps += 1;
                } else {
                    x *= 2;
                }
                if x >= 40 {
                    break;
                }
                in_a = !in_a;
            }
            let mut mem = Memory::for_module(&m);
            let mut fuel = 10_000;
            let got = run(&m, "irr", &[start], &mut mem, &mut fuel);
            assert_eq!(got, Ok(Some(steps * 1000 + x)), "start {start}");
        }
    }

    /// A `switch`-like block with many predecessors, some passing the variable
    /// unchanged: only a real merge gets a parameter.
    #[test]
    fn many_predecessors_one_parameter() {
        let mut f = Function::new("sw", Signature::new(vec![Type::I32], Some(Type::I32)));
        let mut b = FunctionBuilder::new(&mut f);
        let entry = b.create_block();
        let join = b.create_block();
        let v = b.declare_var(Type::I32);
        let unchanged = b.declare_var(Type::I32);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let p = b.append_block_params_for_function_params(entry)[0];
        b.def_var(v, p);
        b.def_var(unchanged, p);
        let mut next = entry;
        for k in 0..4 {
            b.switch_to_block(next);
            let case = b.create_block();
            let rest = b.create_block();
            let kc = b.iconst(Type::I32, k);
            let c = b.icmp(IntCC::Eq, p, kc);
            b.brif(c, case, vec![], rest, vec![]);
            b.seal_block(case);
            b.seal_block(rest);
            b.switch_to_block(case);
            let nv = b.iconst(Type::I32, 10 * k);
            b.def_var(v, nv);
            b.jump(join, vec![]);
            next = rest;
        }
        b.switch_to_block(next);
        b.jump(join, vec![]);
        b.seal_block(join);
        b.switch_to_block(join);
        let a = b.use_var(v);
        let u = b.use_var(unchanged);
        let r = b.iadd(a, u);
        b.ret(Some(r));
        b.finalize();
        assert!(crate::verifier::verify_function(&f).is_ok());
        assert_eq!(
            f.dfg.block_params(join).len(),
            1,
            "{}",
            function_to_string(&f)
        );
    }
}
