//! Differential test: our `-E` output against `clang-19 -target bpf -E` on the test
//! inputs in `tests/pp/`, on the real headers BPF programs include (libbpf's
//! `bpf_helpers.h` family, kernel uapi headers), on a libbpf CO-RE program with a
//! bpftool-generated `vmlinux.h`, and on every predefined macro. Compared: the token
//! spellings in order (pragmas as one pseudo-token each at their place), then every
//! printed line (line markers and blank lines aside). Skips, printing why, without
//! clang-19 or the headers.

use diag::SourceMap;
use frontend::lexer;
use frontend::preprocess::{
    HAS_ATTRIBUTES, HAS_BUILTINS, HAS_FEATURES, HAS_WARNINGS, PpOptions, predefined,
    preprocess_full, print_preprocessed_full,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn clang() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("clang-19"))
        .find(|p| p.is_file())
}

/// One configuration, given to both preprocessors.
#[derive(Clone, Default)]
struct Config {
    include_dirs: Vec<String>,
    defines: Vec<String>,
    cpu: u8,
    big_endian: bool,
}

impl Config {
    fn with_dirs(dirs: &[&str]) -> Config {
        Config {
            include_dirs: dirs.iter().map(|d| d.to_string()).collect(),
            cpu: 3,
            ..Config::default()
        }
    }

    fn clang_args(&self) -> Vec<String> {
        let mut v = vec![
            "-target".to_string(),
            if self.big_endian { "bpfeb" } else { "bpf" }.to_string(),
            format!("-mcpu=v{}", self.cpu),
        ];
        v.extend(self.include_dirs.iter().map(|d| format!("-I{d}")));
        v.extend(self.defines.iter().map(|d| format!("-D{d}")));
        v
    }

    fn options(&self) -> PpOptions {
        PpOptions {
            include_dirs: self.include_dirs.iter().map(PathBuf::from).collect(),
            defines: self
                .defines
                .iter()
                .map(|d| match d.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (d.clone(), None),
                })
                .collect(),
            cpu: self.cpu,
            big_endian: self.big_endian,
            ..PpOptions::default()
        }
    }
}

/// What both preprocessors produced: `-E` text lines (line markers and blank lines
/// dropped: their placement is not compared) and the token spellings, with each pragma
/// as one pseudo-token.
struct Output {
    lines: Vec<String>,
    tokens: Vec<String>,
}

impl Output {
    fn from_text(text: &str) -> Output {
        let lines: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !is_line_marker(l))
            .map(str::to_string)
            .collect();
        let mut tokens = Vec::new();
        for line in &lines {
            if let Some(p) = line.trim_start().strip_prefix("#pragma") {
                tokens.push(pragma_token(p));
                continue;
            }
            tokens.extend(lexer::lex(line).iter().map(|t| {
                line.get(t.start as usize..t.end as usize)
                    .unwrap_or("")
                    .to_string()
            }));
        }
        Output { lines, tokens }
    }
}

/// `# N "file" flags` (clang's and ours).
fn is_line_marker(l: &str) -> bool {
    l.strip_prefix("# ")
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// clang's `-E` output for `file`.
fn clang_output(clang: &Path, file: &Path, cfg: &Config) -> Result<Output, String> {
    let out = Command::new(clang)
        .args(cfg.clang_args())
        .arg("-E")
        .arg(file)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(Output::from_text(&String::from_utf8_lossy(&out.stdout)))
}

/// A pragma as one pseudo-token of the compared streams (whitespace dropped, since
/// clang re-spells the pragma's tokens).
fn pragma_token(text: &str) -> String {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    format!("#pragma {t}")
}

/// Our `-E` output for `file` (`preprocess_full` + `print_preprocessed_full`), whose
/// token stream must also equal the parser's token stream; or the rendered errors.
fn our_output(file: &Path, cfg: &Config) -> Result<Output, String> {
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let mut map = SourceMap::new();
    let id = map.add(file.display().to_string(), text);
    let p = preprocess_full(id, &cfg.options(), &mut map);
    let errors: Vec<_> = p
        .diags
        .items
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Err(diag::render_all(&map, &errors));
    }
    let printed = Output::from_text(&print_preprocessed_full(&p, &map));
    let mut stream = Vec::with_capacity(p.tokens.len() + p.pragmas.len());
    let mut pragmas = p.pragmas.iter().peekable();
    for (i, t) in p.tokens.iter().enumerate() {
        while let Some(pr) = pragmas.next_if(|pr| pr.before_token <= i) {
            stream.push(pragma_token(&pr.text));
        }
        stream.push(t.text.to_string());
    }
    stream.extend(pragmas.map(|pr| pragma_token(&pr.text)));
    if stream != printed.tokens {
        return Err("our -E text does not lex back to our token stream".to_string());
    }
    Ok(printed)
}

/// Compares the two streams; on mismatch returns a window around the first difference.
fn compare(name: &str, ours: &[String], theirs: &[String]) -> Result<(), String> {
    let first_diff = ours.iter().zip(theirs).position(|(a, b)| a != b);
    let at = match first_diff {
        Some(i) => i,
        None if ours.len() == theirs.len() => return Ok(()),
        None => ours.len().min(theirs.len()),
    };
    let lo = at.saturating_sub(12);
    let window = |v: &[String]| v.get(lo..(at + 12).min(v.len())).unwrap_or(&[]).join(" ");
    Err(format!(
        "{name}: token {at} differs (ours {} tokens, clang {})\n ours:  {}\n clang: {}",
        ours.len(),
        theirs.len(),
        window(ours),
        window(theirs)
    ))
}

fn run_case(clang: &Path, name: &str, file: &Path, cfg: &Config) -> Result<(), String> {
    let theirs =
        clang_output(clang, file, cfg).map_err(|e| format!("{name}: clang failed: {e}"))?;
    let ours = our_output(file, cfg).map_err(|e| format!("{name}: we failed:\n{e}"))?;
    compare(name, &ours.tokens, &theirs.tokens)?;
    // Same tokens; now the layout: every printed line as clang prints it.
    match ours
        .lines
        .iter()
        .zip(&theirs.lines)
        .position(|(a, b)| a != b)
    {
        None if ours.lines.len() == theirs.lines.len() => Ok(()),
        at => {
            let i = at.unwrap_or(ours.lines.len().min(theirs.lines.len()));
            let get = |v: &[String]| v.get(i).cloned().unwrap_or_default();
            Err(format!(
                "{name}: -E line {i} differs\n ours:  {:?}\n clang: {:?}",
                get(&ours.lines),
                get(&theirs.lines)
            ))
        }
    }
}

#[test]
fn test_inputs_match_clang() {
    let Some(clang) = clang() else {
        println!("SKIP test_inputs_match_clang: clang-19 is not installed");
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pp");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    // err_/warn_ inputs are diagnostics tests; own_ inputs show ebpfc's own headers or
    // deliberate differences (fixed __DATE__).
    files.retain(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        name.ends_with(".c")
            && !["err_", "warn_", "own_"]
                .iter()
                .any(|pre| name.starts_with(pre))
    });
    let sys = dir.join("sys").to_string_lossy().into_owned();
    let sys2 = dir.join("sys2").to_string_lossy().into_owned();
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Err(e) = run_case(
            &clang,
            &name,
            f,
            &Config::with_dirs(&[sys.as_str(), sys2.as_str()]),
        ) {
            failures.push(e);
        }
    }
    println!(
        "{} of {} test inputs match clang-19 -E",
        files.len() - failures.len(),
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn real_headers_match_clang() {
    let Some(clang) = clang() else {
        println!("SKIP real_headers_match_clang: clang-19 is not installed");
        return;
    };
    let headers: &[(&str, &str, &[&str])] = &[
        (
            "bpf_helpers",
            "#include <linux/types.h>\n#include <bpf/bpf_helpers.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "bpf_endian",
            "#include <linux/types.h>\n#include <bpf/bpf_endian.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "bpf_tracing",
            "#include <linux/types.h>\n#include <linux/ptrace.h>\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_tracing.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "bpf_core_read",
            "#include <linux/types.h>\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_core_read.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "linux_bpf",
            "#include <linux/bpf.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "if_ether",
            "#include <linux/if_ether.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "ip",
            "#include <linux/ip.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "pkt_cls",
            "#include <linux/pkt_cls.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "types",
            "#include <linux/types.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "net_headers",
            "#include <linux/types.h>\n#include <bpf/bpf_helpers.h>\n#include <linux/tcp.h>\n\
             #include <linux/udp.h>\n#include <linux/in.h>\n#include <linux/ipv6.h>\n\
             #include <linux/icmpv6.h>\n#include <linux/if_xdp.h>\n#include <linux/if_packet.h>\n\
             #include <linux/if_vlan.h>\n#include <linux/pkt_sched.h>\n#include <linux/filter.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
        (
            "misc_headers",
            "#include <linux/types.h>\n#include <linux/perf_event.h>\n#include <linux/seccomp.h>\n\
             #include <linux/netfilter.h>\n#include <linux/sched.h>\n#include <linux/limits.h>\n\
             #include <linux/errno.h>\n",
            &["/usr/include/x86_64-linux-gnu"],
        ),
    ];
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-diff-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, text, dirs) in headers {
        if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file()
            || !Path::new("/usr/include/linux/bpf.h").is_file()
        {
            println!(
                "SKIP real_headers_match_clang: libbpf-dev / linux uapi headers not installed"
            );
            return;
        }
        let file = tmp.join(format!("{name}.c"));
        if std::fs::write(&file, text).is_err() {
            continue;
        }
        // Every set at -mcpu=v3; libbpf's own headers also at v1, v4 and big endian
        // (bpf_endian.h and the feature macros branch on those).
        let mut configs = vec![Config::with_dirs(dirs)];
        if name.starts_with("bpf_") {
            for (cpu, big_endian) in [(1, false), (4, false), (3, true)] {
                configs.push(Config {
                    cpu,
                    big_endian,
                    ..Config::with_dirs(dirs)
                });
            }
        }
        for cfg in &configs {
            ran += 1;
            let label = format!(
                "{name} (v{}{})",
                cfg.cpu,
                if cfg.big_endian { ", bpfeb" } else { "" }
            );
            if let Err(e) = run_case(&clang, &label, &file, cfg) {
                failures.push(e);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "{} of {ran} header-set runs match clang-19 -E",
        ran - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn vmlinux_core_program_matches_clang() {
    let Some(clang) = clang() else {
        println!("SKIP vmlinux_core_program_matches_clang: clang-19 is not installed");
        return;
    };
    let dump = Command::new("bpftool")
        .args([
            "btf",
            "dump",
            "file",
            "/sys/kernel/btf/vmlinux",
            "format",
            "c",
        ])
        .output();
    let Some(dump) = dump.ok().filter(|o| o.status.success()) else {
        println!("SKIP vmlinux_core_program_matches_clang: bpftool or kernel BTF missing");
        return;
    };
    if !Path::new("/usr/include/bpf/bpf_helpers.h").is_file() {
        println!("SKIP vmlinux_core_program_matches_clang: libbpf headers missing");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-vmlinux-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let _ = std::fs::write(tmp.join("vmlinux.h"), &dump.stdout);
    let main = tmp.join("kprobe_core.c");
    let prog = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pp/programs/kprobe_core.c");
    if std::fs::copy(&prog, &main).is_err() {
        panic!("cannot copy {}", prog.display());
    }
    let cfg = Config {
        defines: vec!["__TARGET_ARCH_x86".to_string()],
        cpu: 3,
        ..Config::default()
    };
    let r = run_case(&clang, "kprobe_core.c with vmlinux.h", &main, &cfg);
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(e) = r {
        panic!("{e}");
    }
}

/// Every macro clang-19 predefines for BPF (each -mcpu level, both byte orders) must
/// expand as clang expands it, and our table must define nothing clang does not.
#[test]
fn predefined_macros_match_clang() {
    let Some(clang) = clang() else {
        println!("SKIP predefined_macros_match_clang: clang-19 is not installed");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-predef-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let mut failures = Vec::new();
    for (cpu, big_endian) in [(1, false), (2, false), (3, false), (4, false), (3, true)] {
        let cfg = Config {
            cpu,
            big_endian,
            ..Config::default()
        };
        let empty = tmp.join("empty.c");
        let _ = std::fs::write(&empty, "");
        let out = Command::new(&clang)
            .args(cfg.clang_args())
            .args(["-dM", "-E"])
            .arg(&empty)
            .output();
        let Some(out) = out.ok().filter(|o| o.status.success()) else {
            failures.push(format!("clang -dM failed for cpu v{cpu}"));
            continue;
        };
        let dump = String::from_utf8_lossy(&out.stdout).into_owned();
        let names: Vec<&str> = dump
            .lines()
            .filter_map(|l| l.strip_prefix("#define "))
            .filter_map(|l| l.split([' ', '(']).next())
            .collect();
        let mut ours: Vec<&str> = predefined::COMMON.iter().map(|(n, _)| *n).collect();
        let extra = predefined::cpu_and_endian(cpu, big_endian);
        ours.extend(extra.iter().map(|(n, _)| *n));
        for n in &ours {
            if !names.contains(n) {
                failures.push(format!(
                    "v{cpu} be={big_endian}: we define {n}, clang does not"
                ));
            }
        }
        let probe: String = names
            .iter()
            .map(|n| format!("probe_{n} = {n} ;\n"))
            .collect();
        let file = tmp.join(format!("probe_v{cpu}_{big_endian}.c"));
        let _ = std::fs::write(&file, probe);
        if let Err(e) = run_case(
            &clang,
            &format!("predefined v{cpu} be={big_endian}"),
            &file,
            &cfg,
        ) {
            failures.push(e);
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `__has_builtin`, `__has_attribute`, `__has_feature`, `__has_extension`,
/// `__has_warning` and `__has_c_attribute` answer as
/// clang-19 does for BPF, on every name in our tables and on names that must be false.
#[test]
fn has_operators_match_clang() {
    let Some(clang) = clang() else {
        println!("SKIP has_operators_match_clang: clang-19 is not installed");
        return;
    };
    let mut probe = String::new();
    let mut add = |op: &str, names: &[&str]| {
        for (i, n) in names.iter().enumerate() {
            probe.push_str(&format!(
                "#if {op}({n})\nyes_{op}_{i}\n#else\nno_{op}_{i}\n#endif\n"
            ));
        }
    };
    let not_builtins = [
        "__builtin_no_such_thing",
        "bpf_map_lookup_elem",
        "__builtin_ia32_pause",
    ];
    let not_attrs = ["no_such_attribute", "target_clones_nope"];
    let not_features = ["cxx_rvalue_references", "no_such_feature"];
    add(
        "__has_builtin",
        predefined_probe(HAS_BUILTINS, &not_builtins).as_slice(),
    );
    add(
        "__has_attribute",
        predefined_probe(HAS_ATTRIBUTES, &not_attrs).as_slice(),
    );
    add(
        "__has_feature",
        predefined_probe(HAS_FEATURES, &not_features).as_slice(),
    );
    add(
        "__has_extension",
        predefined_probe(HAS_FEATURES, &not_features).as_slice(),
    );
    let warnings = quoted(HAS_WARNINGS, &["-Wnope", "-Wall-the-things"]);
    let warnings: Vec<&str> = warnings.iter().map(String::as_str).collect();
    add("__has_warning", &warnings);
    // __has_c_attribute answers a version number: probe which one.
    let c_attrs = [
        "fallthrough",
        "nodiscard",
        "deprecated",
        "maybe_unused",
        "noreturn",
        "_Noreturn",
        "__nodiscard__",
        "unsequenced",
        "gnu::packed",
        "clang::always_inline",
        "gnu::__aligned__",
        "gnu::nope",
        "foo",
    ];
    for (i, n) in c_attrs.iter().enumerate() {
        probe.push_str(&format!("#if __has_c_attribute({n}) == 0\nc{i}_0\n"));
        for v in [1, 201904, 201910, 202003, 202106, 202202, 202207, 202311] {
            probe.push_str(&format!("#elif __has_c_attribute({n}) == {v}\nc{i}_{v}\n"));
        }
        probe.push_str(&format!("#else\nc{i}_other\n#endif\n"));
    }
    probe.push_str("#if defined(__has_cpp_attribute)\ncpp_defined\n#endif\n");
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-has-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let file = tmp.join("has.c");
    let _ = std::fs::write(&file, &probe);
    let r = run_case(&clang, "__has_* probes", &file, &Config::with_dirs(&[]));
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(e) = r {
        panic!("{e}");
    }
}

fn quoted(ours: &[&str], extra: &[&str]) -> Vec<String> {
    ours.iter()
        .chain(extra)
        .map(|w| format!("\"{w}\""))
        .collect()
}

fn predefined_probe<'a>(ours: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    ours.iter().chain(extra).copied().collect()
}

/// clang for BPF needs `-I/usr/include/x86_64-linux-gnu` for `<linux/types.h>`
/// (`asm/types.h`); ebpfc searches the multiarch directory last by default, so without
/// the flag it gives what clang gives with it.
#[test]
fn multiarch_dir_is_searched_last() {
    let Some(clang) = clang() else {
        println!("SKIP multiarch_dir_is_searched_last: clang-19 is not installed");
        return;
    };
    let multiarch = format!("/usr/include/{}-linux-gnu", std::env::consts::ARCH);
    if !Path::new("/usr/include/linux/types.h").is_file()
        || !Path::new(&multiarch).join("asm/types.h").is_file()
    {
        println!(
            "SKIP multiarch_dir_is_searched_last: no linux/types.h or {multiarch}/asm/types.h"
        );
        return;
    }
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-multiarch-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let file = tmp.join("types.c");
    let _ = std::fs::write(&file, "#include <linux/types.h>\n");
    let theirs = clang_output(&clang, &file, &Config::with_dirs(&[&multiarch]));
    let ours = our_output(&file, &Config::with_dirs(&[]));
    let _ = std::fs::remove_dir_all(&tmp);
    let theirs = theirs.unwrap_or_else(|e| panic!("clang with -I{multiarch}: {e}"));
    let ours = ours.unwrap_or_else(|e| panic!("ours without -I: {e}"));
    if let Err(e) = compare("linux/types.h", &ours.tokens, &theirs.tokens) {
        panic!("{e}");
    }
}

/// Slow sweep (run with `--ignored`): every `/usr/include/linux/*.h` that clang-19
/// preprocesses for BPF (after `<linux/types.h>`, with the multiarch `-I`) must give
/// the same tokens and lines with ebpfc. Headers that pull in `<stddef.h>` are left out:
/// ebpfc's built-in `stddef.h` is its own, not clang's.
#[test]
#[ignore = "slow: ~550 headers; run with --ignored"]
fn all_uapi_linux_headers_match_clang() {
    let Some(clang) = clang() else {
        println!("SKIP all_uapi_linux_headers_match_clang: clang-19 is not installed");
        return;
    };
    let mut headers: Vec<PathBuf> = std::fs::read_dir("/usr/include/linux")
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    headers.retain(|p| p.extension().is_some_and(|e| e == "h"));
    headers.sort();
    let tmp = std::env::temp_dir().join(format!("ebpfc-pp-sweep-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let cfg = Config::with_dirs(&["/usr/include/x86_64-linux-gnu"]);
    let (mut same, mut clang_fails, mut own_stddef) = (0, 0, 0);
    let mut failures = Vec::new();
    for h in &headers {
        let Some(name) = h.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let file = tmp.join(format!("{name}.c"));
        let _ = std::fs::write(
            &file,
            format!("#include <linux/types.h>\n#include <linux/{name}>\n"),
        );
        match run_case(&clang, &name, &file, &cfg) {
            Ok(()) => same += 1,
            Err(e) if e.contains("clang failed") => clang_fails += 1,
            Err(e) if e.contains("__max_align") => own_stddef += 1,
            Err(e) => failures.push(e),
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "{same} headers match clang-19 -E, {} differ, {clang_fails} fail in clang too, {own_stddef} use <stddef.h>",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
