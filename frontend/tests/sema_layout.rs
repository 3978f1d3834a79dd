//! Layout parity with clang: builds tricky structs and unions in the type table, prints
//! them as C, asks `clang-19 -target bpf -fdump-record-layouts` how it lays them out,
//! and compares every member offset, size and alignment. Skips (printing why) without
//! clang-19.

use frontend::types::{FieldDecl, IntKind, QualType, RecordAttrs, RecordId, TypeTable};
use std::process::Command;

fn find_tool(tool: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

struct Case {
    rid: RecordId,
    attrs: RecordAttrs,
    decls: Vec<FieldDecl>,
}

fn fd(name: &str, ty: QualType, w: Option<u32>, align: Option<u64>) -> FieldDecl {
    FieldDecl {
        name: (!name.is_empty()).then(|| name.to_string()),
        ty,
        bit_width: w,
        align,
    }
}

/// The C definition of a laid-out record.
fn print_record(tt: &TypeTable, c: &Case) -> String {
    let def = tt.record(c.rid);
    let kw = if def.is_union { "union" } else { "struct" };
    let mut s = format!("{kw} {} {{", def.name.clone().unwrap_or_default());
    for d in &c.decls {
        s.push(' ');
        s.push_str(&tt.declare(d.ty, d.name.as_deref().unwrap_or("")));
        if let Some(w) = d.bit_width {
            s.push_str(&format!(" : {w}"));
        }
        if let Some(a) = d.align {
            s.push_str(&format!(" __attribute__((aligned({a})))"));
        }
        s.push(';');
    }
    s.push_str(" }");
    if c.attrs.packed {
        s.push_str(" __attribute__((packed))");
    }
    if let Some(a) = c.attrs.align {
        s.push_str(&format!(" __attribute__((aligned({a})))"));
    }
    s.push_str(";\n");
    s
}

/// Our layout in clang's dump notation: one line per direct member, then size/align.
fn our_dump(tt: &TypeTable, rid: RecordId) -> Vec<String> {
    let def = tt.record(rid);
    let mut out = Vec::new();
    for f in &def.fields {
        out.push(match f.bit_width {
            Some(0) => format!("{}:-", f.bit_offset / 8),
            Some(w) => {
                let b = f.bit_offset % 8;
                format!("{}:{}-{}", f.bit_offset / 8, b, b + u64::from(w) - 1)
            }
            None => format!("{}", f.bit_offset / 8),
        });
    }
    out.push(format!("[sizeof={}, align={}]", def.size, def.align));
    out
}

/// clang's dump, reduced to the same notation, for each record in order.
fn clang_dumps(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        if !l.contains("*** Dumping AST Record Layout") {
            continue;
        }
        let Some(head) = lines.next() else { break };
        let name = head.split('|').nth(1).unwrap_or("").trim().to_string();
        let mut rows = Vec::new();
        for l in lines.by_ref() {
            let Some((left, right)) = l.split_once('|') else {
                break;
            };
            if right.trim_start().starts_with("[sizeof=") {
                let t = right.trim();
                // "[sizeof=16, align=8]" possibly followed by more fields on later clangs.
                let end = t.find(']').map(|i| i + 1).unwrap_or(t.len());
                let mut s = t[..end].to_string();
                if !s.ends_with(']') {
                    s.push(']');
                }
                let parts: Vec<&str> = s.trim_matches(['[', ']']).split(", ").collect();
                rows.push(format!("[{}, {}]", parts[0], parts.get(1).unwrap_or(&"")));
                break;
            }
            // Direct members are indented by exactly three spaces after the bar.
            if right.starts_with("   ") && !right.starts_with("    ") {
                rows.push(left.trim().to_string());
            }
        }
        out.push((name, rows));
    }
    out
}

#[test]
fn record_layouts_match_clang() {
    let mut tt = TypeTable::new();
    let c = tt.int(IntKind::Char);
    let uc = tt.int(IntKind::UChar);
    let s = tt.int(IntKind::Short);
    let i = tt.int(IntKind::Int);
    let u = tt.int(IntKind::UInt);
    let l = tt.int(IntKind::Long);
    let ull = tt.int(IntKind::ULongLong);
    let b = tt.bool_();
    let pc = tt.ptr(c);
    let a5 = tt.array(c, Some(5));
    let a3i = tt.array(i, Some(3));
    let flex = tt.array(ull, None);

    let mut cases: Vec<Case> = Vec::new();
    let mut add =
        |tt: &mut TypeTable, name: &str, union: bool, attrs: RecordAttrs, decls: Vec<FieldDecl>| {
            let (rid, qt) = tt.new_record(Some(name), union);
            tt.complete_record(rid, &decls, attrs).expect("layout");
            cases.push(Case { rid, attrs, decls });
            qt
        };
    let plain = RecordAttrs::default();
    let packed = RecordAttrs {
        packed: true,
        align: None,
    };
    add(
        &mut tt,
        "s1",
        false,
        plain,
        vec![
            fd("a", c, None, None),
            fd("b", i, Some(3), None),
            fd("c", c, Some(4), None),
            fd("d", c, Some(5), None),
        ],
    );
    add(
        &mut tt,
        "s2",
        false,
        RecordAttrs {
            packed: false,
            align: Some(16),
        },
        vec![
            fd("a", c, None, None),
            fd("b", l, Some(40), None),
            fd("c", l, Some(30), None),
        ],
    );
    add(
        &mut tt,
        "s3",
        false,
        plain,
        vec![
            fd("a", c, None, None),
            fd("x", i, None, Some(8)),
            fd("", s, Some(0), None),
            fd("z", c, None, None),
        ],
    );
    add(
        &mut tt,
        "u1",
        true,
        plain,
        vec![fd("a", a5, None, None), fd("b", i, Some(12), None)],
    );
    let inner = add(
        &mut tt,
        "inner",
        false,
        plain,
        vec![fd("x", s, None, None), fd("y", c, None, None)],
    );
    add(
        &mut tt,
        "s4",
        false,
        plain,
        vec![
            fd("a", c, None, None),
            fd("in", inner, None, None),
            fd("z", flex, None, None),
        ],
    );
    let bdecls = vec![
        fd("a", c, None, None),
        fd("b", i, Some(3), None),
        fd("c", i, Some(30), None),
        fd("d", l, Some(5), None),
        fd("", u, Some(0), None),
        fd("f", c, Some(2), None),
        fd("", s, Some(3), None),
    ];
    add(&mut tt, "bits", false, plain, bdecls.clone());
    add(&mut tt, "bits_packed", false, packed, bdecls[..6].to_vec());
    add(
        &mut tt,
        "pk",
        false,
        packed,
        vec![
            fd("a", c, None, None),
            fd("b", i, None, None),
            fd("c", s, None, None),
            fd("p", pc, None, None),
        ],
    );
    add(
        &mut tt,
        "mixed",
        false,
        plain,
        vec![
            fd("flag", b, None, None),
            fd("arr", a3i, None, None),
            fd("in", inner, None, None),
            fd("n", ull, Some(33), None),
            fd("m", uc, Some(7), None),
            fd("k", uc, Some(2), None),
        ],
    );
    add(
        &mut tt,
        "pk_aligned",
        false,
        RecordAttrs {
            packed: true,
            align: Some(4),
        },
        vec![fd("a", c, None, None), fd("b", l, None, None)],
    );
    add(
        &mut tt,
        "u2",
        true,
        RecordAttrs {
            packed: false,
            align: Some(8),
        },
        vec![fd("a", c, None, None), fd("b", s, None, None)],
    );

    let Some(clang) = find_tool("clang-19") else {
        println!("SKIP record_layouts_match_clang: `clang-19` is not installed");
        return;
    };
    let mut src = String::new();
    for case in &cases {
        src.push_str(&print_record(&tt, case));
    }
    src.push_str("int sizes[] = {");
    for case in &cases {
        let def = tt.record(case.rid);
        let kw = if def.is_union { "union" } else { "struct" };
        src.push_str(&format!(
            "sizeof({kw} {}), ",
            def.name.clone().unwrap_or_default()
        ));
    }
    src.push_str("};\n");
    let dir = std::env::temp_dir().join(format!("ebpfc-sema-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("layout.c");
    std::fs::write(&file, &src).unwrap();
    let out = Command::new(clang)
        .args([
            "-target",
            "bpf",
            "-fsyntax-only",
            "-Xclang",
            "-fdump-record-layouts",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "clang failed on:\n{src}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dumps = clang_dumps(&stdout);
    let mut checked = 0;
    for case in &cases {
        let def = tt.record(case.rid);
        let kw = if def.is_union { "union" } else { "struct" };
        let want_name = format!("{kw} {}", def.name.clone().unwrap_or_default());
        let Some((_, theirs)) = dumps.iter().find(|(n, _)| *n == want_name) else {
            panic!("clang did not dump {want_name}:\n{stdout}");
        };
        assert_eq!(
            &our_dump(&tt, case.rid),
            theirs,
            "layout of {want_name}\nC: {}",
            print_record(&tt, case)
        );
        checked += 1;
    }
    assert_eq!(checked, cases.len());
}
