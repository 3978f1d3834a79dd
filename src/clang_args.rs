//! Parses `ebpfc compile`'s command line the way clang does, so a Makefile can swap one
//! compiler for the other: `-c/-S/-E`, `-o`, `-O0..3/-Os/-Oz`, `-g`, `-I dir`/`-Idir`,
//! `-isystem`, `-idirafter`, `-iquote`, `-D`/`-U`, `-target bpf|bpfel|bpfeb` and
//! `--target=`, `-mcpu=`, `-x c`, `-fdebug-prefix-map=`/`-ffile-prefix-map=`/
//! `-fdebug-compilation-dir=`, `-W…`/other `-f…` (accepted), plus ebpfc's own
//! `--emit=ir|asm|obj|pp`.

use std::path::PathBuf;

/// What the compile stops at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// `-E`: preprocessed source.
    Preprocessed,
    /// `--emit=ir`: the optimized IR text.
    Ir,
    /// `-S`: assembly text.
    Asm,
    /// `-c` (the default): a relocatable object.
    Object,
}

/// `-M`, `-MM`, `-MD`, `-MMD` and their companions: a make rule of the files read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepsArgs {
    /// `-M`/`-MM`: write the rule instead of compiling (to `-MF`, else `-o`, else
    /// standard output); `-MD`/`-MMD`: compile, and write it next to the output.
    pub only: bool,
    /// `-M`/`-MD` list system headers; `-MM`/`-MMD` do not.
    pub system: bool,
    /// `-MF FILE`.
    pub file: Option<PathBuf>,
    /// `-MT T` as given and `-MQ T` quoted for make, in order.
    pub targets: Vec<String>,
    /// `-MP`: an empty rule per header.
    pub phony: bool,
}

/// Everything `ebpfc compile` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileArgs {
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub emit: Emit,
    /// 0 to 3; `-Os`/`-Oz` count as 2 with size preference.
    pub opt_level: u8,
    pub optimize_size: bool,
    pub debug_info: bool,
    pub include_dirs: Vec<PathBuf>,
    pub system_dirs: Vec<PathBuf>,
    /// `-idirafter DIR`, searched after `system_dirs`.
    pub after_dirs: Vec<PathBuf>,
    /// `-D NAME[=VALUE]` and `-U NAME`, in command-line order.
    pub macros: Vec<MacroArg>,
    pub big_endian: bool,
    /// 1 to 4; clang's default for `-target bpf` is v3 (`-mcpu=generic` is v1, `probe`
    /// is answered as v3 since we cannot ask the kernel at compile time).
    pub cpu: u8,
    /// `-fdebug-prefix-map=OLD=NEW` and `-ffile-prefix-map=OLD=NEW`, in order.
    pub debug_prefix_map: Vec<(String, String)>,
    /// `-fdebug-compilation-dir=DIR` (or `-ffile-compilation-dir=DIR`).
    pub debug_compilation_dir: Option<String>,
    /// Dependency output, if any `-M…` flag asked for it.
    pub deps: Option<DepsArgs>,
    /// Flags accepted for compatibility (`-W…`, `-f…`, `-m` tuning flags); of these,
    /// `-w` and `-Wno-FLAG` hide warnings (`CompileOptions::from_args`).
    pub ignored: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacroArg {
    Define(String, Option<String>),
    Undef(String),
}

/// Parses clang-style arguments (everything after `ebpfc compile`).
pub fn parse(args: &[String]) -> Result<CompileArgs, String> {
    let mut input = None;
    let mut out = CompileArgs {
        input: PathBuf::new(),
        output: None,
        emit: Emit::Object,
        opt_level: 0,
        optimize_size: false,
        debug_info: false,
        include_dirs: Vec::new(),
        system_dirs: Vec::new(),
        after_dirs: Vec::new(),
        macros: Vec::new(),
        big_endian: false,
        cpu: 3,
        debug_prefix_map: Vec::new(),
        debug_compilation_dir: None,
        deps: None,
        ignored: Vec::new(),
    };
    let mut emit_flag: Option<Emit> = None;
    // -MF/-MT/-MQ/-MP do nothing without -M, -MM, -MD or -MMD (as in clang).
    let mut deps_asked = false;
    let mut it = args.iter().peekable();
    // The value of `-X value` or `-Xvalue`.
    fn value(
        flag: &str,
        arg: &str,
        it: &mut std::iter::Peekable<std::slice::Iter<'_, String>>,
    ) -> Result<String, String> {
        if arg.len() > flag.len() {
            let v = &arg[flag.len()..];
            return Ok(v.strip_prefix('=').unwrap_or(v).to_string());
        }
        it.next()
            .cloned()
            .ok_or_else(|| format!("argument to '{flag}' is missing (expected 1 value)"))
    }
    while let Some(arg) = it.next() {
        let a = arg.as_str();
        match a {
            "-c" => emit_flag = Some(Emit::Object),
            "-S" => emit_flag = Some(Emit::Asm),
            "-E" => emit_flag = Some(Emit::Preprocessed),
            "-g" | "-g2" | "-g3" | "-ggdb" | "-gdwarf" | "-gbtf" => out.debug_info = true,
            "-g0" => out.debug_info = false,
            "-O" | "-O1" => out.opt_level = 1,
            "-O0" => out.opt_level = 0,
            "-O2" => out.opt_level = 2,
            "-O3" | "-Ofast" => out.opt_level = 3,
            "-Os" | "-Oz" => {
                out.opt_level = 2;
                out.optimize_size = true;
            }
            "-M" | "-MM" | "-MD" | "-MMD" => {
                deps_asked = true;
                let d = out.deps.get_or_insert_with(DepsArgs::default);
                d.only |= matches!(a, "-M" | "-MM");
                d.system = matches!(a, "-M" | "-MD");
            }
            "-MP" => out.deps.get_or_insert_with(DepsArgs::default).phony = true,
            _ if a.starts_with("-MF") => {
                let f = PathBuf::from(value("-MF", a, &mut it)?);
                out.deps.get_or_insert_with(DepsArgs::default).file = Some(f);
            }
            _ if a.starts_with("-MT") || a.starts_with("-MQ") => {
                let t = value(&a[..3], a, &mut it)?;
                let t = if a.starts_with("-MQ") {
                    crate::deps::escape(&t)
                } else {
                    t
                };
                out.deps
                    .get_or_insert_with(DepsArgs::default)
                    .targets
                    .push(t);
            }
            "-mlittle-endian" => out.big_endian = false,
            "-mbig-endian" => out.big_endian = true,
            "-" => input = Some(PathBuf::from("-")),
            // `-x c`: the input language; only C is compiled (clang needs it for stdin).
            _ if a.starts_with("-x") => {
                let lang = value("-x", a, &mut it)?;
                if lang != "c" {
                    return Err(format!(
                        "unsupported input language '{lang}': ebpfc compiles C only (-x c)"
                    ));
                }
            }
            _ if a.starts_with("-o") => out.output = Some(PathBuf::from(value("-o", a, &mut it)?)),
            _ if a.starts_with("-isystem") => out
                .system_dirs
                .push(PathBuf::from(value("-isystem", a, &mut it)?)),
            // libbpf-bootstrap's Makefile passes clang's own system folders this way.
            // Searched after the -isystem folders (clang: after the default ones too,
            // which only matters if a header exists in both).
            _ if a.starts_with("-idirafter") => {
                out.after_dirs
                    .push(PathBuf::from(value("-idirafter", a, &mut it)?))
            }
            // `-iquote DIR`: searched for "..." includes; as -I here (also for <...>).
            _ if a.starts_with("-iquote") => out
                .include_dirs
                .push(PathBuf::from(value("-iquote", a, &mut it)?)),
            _ if a.starts_with("-I") => out
                .include_dirs
                .push(PathBuf::from(value("-I", a, &mut it)?)),
            _ if a.starts_with("-D") => {
                let v = value("-D", a, &mut it)?;
                out.macros.push(match v.split_once('=') {
                    Some((n, val)) => MacroArg::Define(n.to_string(), Some(val.to_string())),
                    None => MacroArg::Define(v, None),
                });
            }
            _ if a.starts_with("-U") => out.macros.push(MacroArg::Undef(value("-U", a, &mut it)?)),
            _ if a == "-target" || a.starts_with("--target=") => {
                let t = if a == "-target" {
                    value("-target", a, &mut it)?
                } else {
                    a["--target=".len()..].to_string()
                };
                out.big_endian = parse_target(&t)?;
            }
            _ if a.starts_with("-mcpu=") || a.starts_with("--mcpu=") => {
                out.cpu = parse_cpu(a.split_once('=').map(|x| x.1).unwrap_or(""))?;
            }
            _ if a.starts_with("--emit=") => {
                emit_flag = Some(match &a["--emit=".len()..] {
                    "ir" => Emit::Ir,
                    "asm" => Emit::Asm,
                    "obj" => Emit::Object,
                    "pp" | "preprocessed" => Emit::Preprocessed,
                    other => {
                        return Err(format!(
                            "unknown --emit kind '{other}' (expected ir, asm, obj or pp)"
                        ));
                    }
                })
            }
            _ if a.starts_with("-fdebug-prefix-map=") || a.starts_with("-ffile-prefix-map=") => {
                let (flag, v) = a.split_once('=').unwrap_or((a, ""));
                out.debug_prefix_map
                    .push(crate::debug_paths::parse_prefix_map(flag, v)?);
            }
            _ if a.starts_with("-fdebug-compilation-dir")
                || a.starts_with("-ffile-compilation-dir") =>
            {
                let flag = if a.starts_with("-fdebug") {
                    "-fdebug-compilation-dir"
                } else {
                    "-ffile-compilation-dir"
                };
                out.debug_compilation_dir = Some(value(flag, a, &mut it)?);
            }
            _ if a.starts_with("-W")
                || a.starts_with("-f")
                || a.starts_with("-std=")
                || a == "-pipe"
                || a == "-nostdinc"
                || a == "-v"
                || a == "-w"
                || a == "-Qunused-arguments"
                || a.starts_with("-mattr=")
                || a == "-mno-red-zone" =>
            {
                out.ignored.push(a.to_string())
            }
            _ if a.starts_with('-') => return Err(format!("unknown argument: '{a}'")),
            _ => {
                if input.is_some() {
                    return Err("ebpfc compile takes exactly one input file".to_string());
                }
                input = Some(PathBuf::from(a));
            }
        }
    }
    if !deps_asked {
        out.deps = None;
    }
    out.input = input.ok_or("no input file")?;
    out.emit = emit_flag.unwrap_or(Emit::Object);
    Ok(out)
}

/// `bpf`, `bpfel` and `bpfeb` (with or without a vendor/os suffix) through target-lexicon;
/// returns whether the target is big-endian.
pub fn parse_target(t: &str) -> Result<bool, String> {
    use target_lexicon::{Architecture, Triple};
    // Plain `bpf` means the host's byte order, as in clang.
    if t == "bpf" || t.starts_with("bpf-") {
        return Ok(cfg!(target_endian = "big"));
    }
    let arch = match t.parse::<Triple>() {
        Ok(triple) => triple.architecture,
        Err(_) => t
            .split('-')
            .next()
            .and_then(|a| a.parse::<Architecture>().ok())
            .ok_or_else(|| format!("unknown target triple '{t}'"))?,
    };
    match arch {
        Architecture::Bpfel => Ok(false),
        Architecture::Bpfeb => Ok(true),
        _ => Err(format!(
            "unsupported target '{t}': ebpfc only targets bpf, bpfel and bpfeb"
        )),
    }
}

/// `v1`..`v4`, `generic` (v1) and `probe` (v3); returns the version number.
pub fn parse_cpu(s: &str) -> Result<u8, String> {
    match s {
        "v1" | "generic" => Ok(1),
        "v2" => Ok(2),
        "v3" | "probe" => Ok(3),
        "v4" => Ok(4),
        _ => Err(format!(
            "unknown cpu '{s}' (expected v1, v2, v3, v4, generic or probe)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> CompileArgs {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn dependency_flags() {
        let d = p("-MMD -MP -MF out/x.d -MT a -MQ b$c -c x.c").deps.unwrap();
        assert_eq!(
            d,
            DepsArgs {
                only: false,
                system: false,
                file: Some(PathBuf::from("out/x.d")),
                targets: vec!["a".to_string(), "b$$c".to_string()],
                phony: true,
            }
        );
        let d = p("-M x.c").deps.unwrap();
        assert!(d.only && d.system);
        assert!(p("-MFx.d -MT t -c x.c").deps.is_none());
    }

    #[test]
    fn parses_a_makefile_line() {
        let a = p(
            "-O2 -g -target bpf -mcpu=v4 -Wall -Iinc -I other -isystem sys -DX=1 -DY -UZ -c prog.bpf.c -o prog.o",
        );
        assert_eq!(a.opt_level, 2);
        assert!(a.debug_info);
        assert_eq!(a.cpu, 4);
        assert_eq!(
            a.include_dirs,
            vec![PathBuf::from("inc"), PathBuf::from("other")]
        );
        assert_eq!(a.system_dirs, vec![PathBuf::from("sys")]);
        let b = p("-idirafter /usr/include -iquote q -idirafter/x -c x.c");
        assert_eq!(
            b.after_dirs,
            vec![PathBuf::from("/usr/include"), PathBuf::from("/x")]
        );
        assert_eq!(b.include_dirs, vec![PathBuf::from("q")]);
        assert_eq!(
            a.macros,
            vec![
                MacroArg::Define("X".into(), Some("1".into())),
                MacroArg::Define("Y".into(), None),
                MacroArg::Undef("Z".into())
            ]
        );
        assert_eq!(a.emit, Emit::Object);
        assert_eq!(a.output, Some(PathBuf::from("prog.o")));
        assert_eq!(a.input, PathBuf::from("prog.bpf.c"));
        assert!(!a.big_endian);
    }

    #[test]
    fn targets_and_emit_kinds() {
        assert!(p("--target=bpfeb -S x.c").big_endian);
        assert!(!p("-target bpfel x.c").big_endian);
        assert_eq!(p("-S x.c").emit, Emit::Asm);
        assert_eq!(p("-E x.c").emit, Emit::Preprocessed);
        assert_eq!(p("--emit=ir x.c").emit, Emit::Ir);
        assert_eq!(p("x.c").cpu, 3);
        assert!(parse(&["-target".into(), "x86_64".into(), "x.c".into()]).is_err());
        assert!(parse(&["-mcpu=v9".into(), "x.c".into()]).is_err());
        assert!(parse(&["-o".into()]).is_err());
        assert!(parse(&["--bogus".into(), "x.c".into()]).is_err());
        assert_eq!(p("-x c -c -").input, PathBuf::from("-"));
        assert_eq!(p("-xc -c -").input, PathBuf::from("-"));
        assert!(parse(&["-x".into(), "c++".into(), "x.c".into()]).is_err());
    }
}
