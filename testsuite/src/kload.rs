//! Loads a BPF object the way users do, through libbpf (via `bpftool prog loadall`),
//! test-runs every program on given packets (BPF_PROG_TEST_RUN through
//! `bpftool prog run`) and dumps every map, so two builds of one program can be
//! compared by behaviour. Pins live under a unique `/sys/fs/bpf` folder that is removed
//! afterwards, also when a step fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one program returned on one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub retval: Option<i64>,
    pub data_out: Vec<u8>,
    pub error: Option<String>,
}

/// Everything observable about one loaded object.
/// A map's contents: sorted `(key, value)` byte pairs.
pub type MapEntries = Vec<(Vec<u8>, Vec<u8>)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Program name → one run per input, in input order.
    pub programs: Vec<(String, Vec<Run>)>,
    /// Map pin name → sorted `(key, value)` byte pairs.
    pub maps: Vec<(String, MapEntries)>,
}

struct PinDirs {
    progs: PathBuf,
    maps: PathBuf,
}

impl Drop for PinDirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.progs);
        let _ = std::fs::remove_dir_all(&self.maps);
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn bpftool() -> Command {
    Command::new(crate::tools::find("bpftool").unwrap_or_else(|| PathBuf::from("bpftool")))
}

/// Loads `obj`, runs each program on each input, and dumps the maps. `Err` carries
/// bpftool's message (e.g. the verifier log) when the object does not load.
pub fn load_and_run(obj: &Path, inputs: &[Vec<u8>]) -> Result<Report, String> {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let tag = format!("ebpfc-test-{}-{n}", std::process::id());
    let dirs = PinDirs {
        progs: Path::new("/sys/fs/bpf").join(&tag),
        maps: Path::new("/sys/fs/bpf").join(format!("{tag}-maps")),
    };
    let out = bpftool()
        .args(["prog", "loadall"])
        .arg(obj)
        .arg(&dirs.progs)
        .arg("pinmaps")
        .arg(&dirs.maps)
        .output()
        .map_err(|e| format!("cannot run bpftool: {e}"))?;
    if !out.status.success() {
        let log = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = log.lines().rev().take(25).collect();
        return Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    }
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut programs = Vec::new();
    for name in sorted_entries(&dirs.progs) {
        let pinned = dirs.progs.join(&name);
        let mut runs = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            runs.push(run_once(
                &pinned,
                input,
                &scratch.path().join(format!("{name}-{i}")),
            ));
        }
        programs.push((name, runs));
    }
    let mut maps = Vec::new();
    for name in sorted_entries(&dirs.maps) {
        maps.push((name.clone(), dump_map(&dirs.maps.join(&name))?));
    }
    Ok(Report { programs, maps })
}

fn sorted_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn run_once(prog: &Path, input: &[u8], scratch: &Path) -> Run {
    let data_in = scratch.with_extension("in");
    let data_out = scratch.with_extension("out");
    if let Err(e) = std::fs::write(&data_in, input) {
        return Run {
            retval: None,
            data_out: Vec::new(),
            error: Some(e.to_string()),
        };
    }
    let out = bpftool()
        .args(["prog", "run", "pinned"])
        .arg(prog)
        .arg("data_in")
        .arg(&data_in)
        .arg("data_out")
        .arg(&data_out)
        .args(["repeat", "1"])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let retval = text
                .split("Return value:")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
                .and_then(|v| v.trim().parse::<i64>().ok());
            Run {
                retval,
                data_out: std::fs::read(&data_out).unwrap_or_default(),
                error: None,
            }
        }
        Ok(o) => Run {
            retval: None,
            data_out: Vec::new(),
            error: Some(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        },
        Err(e) => Run {
            retval: None,
            data_out: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}

/// Dumps a pinned map as sorted `(key, value)` pairs, parsed from `bpftool -j map dump`.
fn dump_map(pinned: &Path) -> Result<MapEntries, String> {
    let out = bpftool()
        .args(["-j", "map", "dump", "pinned"])
        .arg(pinned)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut entries = Vec::new();
    for chunk in text.split("{\"key\":").skip(1) {
        // With map BTF, bpftool adds a `"formatted":{"key":0,...}` object per entry;
        // only the raw `"key":["0x00",...]` arrays count.
        if !chunk.trim_start().starts_with('[') {
            continue;
        }
        let key = hex_array(chunk);
        let value = chunk
            .split_once("\"value\":")
            .map(|(_, v)| hex_array(v))
            .unwrap_or_default();
        entries.push((key, value));
    }
    entries.sort();
    Ok(entries)
}

/// Parses the leading `["0x01","0x02",...]` of `s` into bytes.
fn hex_array(s: &str) -> Vec<u8> {
    let Some(start) = s.find('[') else {
        return Vec::new();
    };
    let Some(len) = s[start..].find(']') else {
        return Vec::new();
    };
    s[start + 1..start + len]
        .split(',')
        .filter_map(|t| {
            u8::from_str_radix(t.trim().trim_matches('"').trim_start_matches("0x"), 16).ok()
        })
        .collect()
}

/// A 64-byte Ethernet/IPv4/UDP frame 10.0.0.1:1234 → 10.0.0.2:53 with a valid IP
/// checksum: the default input of the differential tests.
pub fn default_packet() -> Vec<u8> {
    let payload: Vec<u8> = (0u8..22).collect();
    let mut udp = Vec::new();
    udp.extend_from_slice(&1234u16.to_be_bytes());
    udp.extend_from_slice(&53u16.to_be_bytes());
    udp.extend_from_slice(&(8 + payload.len() as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    let total = (20 + udp.len() + payload.len()) as u16;
    let mut ip = vec![0x45, 0x00];
    ip.extend_from_slice(&total.to_be_bytes());
    ip.extend_from_slice(&[
        0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    let mut sum: u32 = ip
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    let csum = !(sum as u16);
    ip[10..12].copy_from_slice(&csum.to_be_bytes());
    let mut frame = vec![0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00];
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(&udp);
    frame.extend_from_slice(&payload);
    frame
}

/// The ISA version a C source asks for with a `// @cpu: vN` line (1..=4; the
/// differential tests' convention, also read by the benchmarks and `pgo-train`), or
/// clang's default v3.
pub fn cpu_from_source(src: &str) -> u8 {
    src.lines()
        .filter_map(|l| l.trim().strip_prefix("// @cpu:"))
        .filter_map(|v| v.trim().strip_prefix('v')?.parse::<u8>().ok())
        .find(|v| (1..=4).contains(v))
        .unwrap_or(3)
}

/// Parses the `// @input: HEX` lines of a C source (the differential tests' inputs).
pub fn inputs_from_source(src: &str) -> Vec<Vec<u8>> {
    src.lines()
        .filter_map(|l| l.trim().strip_prefix("// @input:"))
        .map(|h| {
            let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
            (0..h.len() / 2)
                .filter_map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_packet_has_valid_ip_checksum() {
        let p = default_packet();
        assert_eq!(p.len(), 64);
        let ip = &p[14..34];
        let mut sum: u32 = ip
            .chunks(2)
            .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
            .sum();
        sum = (sum & 0xffff) + (sum >> 16);
        assert_eq!(sum, 0xffff);
    }

    #[test]
    fn parses_bpftool_hex_arrays() {
        assert_eq!(hex_array(r#"["0x01","0xff"],"value":[]"#), vec![1, 255]);
        assert_eq!(
            inputs_from_source("// @input: 0102 03\nint x;"),
            vec![vec![1, 2, 3]]
        );
    }
}
