//! From IR to an asm module: instruction selection, register allocation (regalloc2),
//! frame layout, BTF and .BTF.ext, emission.
