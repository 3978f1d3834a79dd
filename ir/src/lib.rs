//! ebpfc's SSA IR: functions of blocks with parameters (no phis), integer types i8 to
//! i64, typed entity indices (cranelift-entity), a text form that round-trips, a
//! verifier and the optimization passes.
