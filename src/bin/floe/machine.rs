//! The machine record attached to every benchmark result: architecture, CPU model and features,
//! cores, rustc version and commit. Detection never fails: anything it cannot learn is recorded
//! as "unknown" so a result from an odd machine still merges into a report.

use serde::{Deserialize, Serialize};
use std::process::Command;

/// What a result was measured on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// `std::env::consts::ARCH` of the binary that measured (x86_64, aarch64, ...).
    pub arch: String,
    /// Operating system (`std::env::consts::OS`).
    #[serde(default = "unknown")]
    pub os: String,
    /// CPU model as /proc/cpuinfo names it (or its implementer/part numbers on Arm).
    #[serde(default = "unknown")]
    pub cpu_model: String,
    /// SIMD and bit-manipulation features the running CPU offers, as the standard library
    /// detects them at run time.
    #[serde(default)]
    pub cpu_features: Vec<String>,
    /// Logical cores available to the process.
    #[serde(default)]
    pub cores: usize,
    /// `rustc -V` at run time, or "unknown" (a peer script records its own runtime instead).
    #[serde(default = "unknown")]
    pub rustc: String,
    /// `git rev-parse --short HEAD` of the working directory, or "unknown".
    #[serde(default = "unknown")]
    pub commit: String,
    /// True when the binary ran under an emulator (qemu-user): its timings say nothing about
    /// the architecture's performance.
    #[serde(default)]
    pub emulated: bool,
}

fn unknown() -> String {
    "unknown".to_string()
}

impl Machine {
    /// The machine this process runs on.
    pub fn detect() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let arch = std::env::consts::ARCH.to_string();
        Machine {
            cpu_model: cpu_model(&cpuinfo),
            cpu_features: cpu_features(),
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            rustc: command_line("rustc", &["-V"]),
            commit: command_line("git", &["rev-parse", "--short", "HEAD"]),
            emulated: emulated(&arch, &cpuinfo),
            os: std::env::consts::OS.to_string(),
            arch,
        }
    }

    /// A machine for results that carry no record of their own.
    pub fn unknown() -> Machine {
        Machine {
            arch: unknown(),
            os: unknown(),
            cpu_model: unknown(),
            cpu_features: Vec::new(),
            cores: 0,
            rustc: unknown(),
            commit: unknown(),
            emulated: false,
        }
    }

    /// The report's column heading; results whose labels are equal share a column.
    pub fn label(&self) -> String {
        let mut label = format!("{} · {} · {} cores", self.arch, self.cpu_model, self.cores);
        if self.emulated {
            label.push_str(" (emulated)");
        }
        label
    }
}

/// First value of `key` in /proc/cpuinfo text.
fn field<'a>(cpuinfo: &'a str, key: &str) -> Option<&'a str> {
    cpuinfo.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim())
    })
}

fn cpu_model(cpuinfo: &str) -> String {
    if let Some(model) = field(cpuinfo, "model name").or_else(|| field(cpuinfo, "Model")) {
        return model.to_string();
    }
    // Arm kernels give numbers, not a name.
    match (
        field(cpuinfo, "CPU implementer"),
        field(cpuinfo, "CPU part"),
    ) {
        (Some(implementer), Some(part)) => format!("implementer {implementer} part {part}"),
        _ => unknown(),
    }
}

/// Features the kernels could use, in a fixed order so records compare as text.
#[cfg(target_arch = "x86_64")]
fn cpu_features() -> Vec<String> {
    let mut found = Vec::new();
    macro_rules! probe {
        ($($f:tt),*) => {$(
            if std::is_x86_feature_detected!($f) {
                found.push($f.to_string());
            }
        )*};
    }
    probe!(
        "sse2", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "avx512f",
        "avx512bw", "avx512vl"
    );
    found
}

/// Features the kernels could use, in a fixed order so records compare as text.
#[cfg(target_arch = "aarch64")]
fn cpu_features() -> Vec<String> {
    let mut found = Vec::new();
    macro_rules! probe {
        ($($f:tt),*) => {$(
            if std::arch::is_aarch64_feature_detected!($f) {
                found.push($f.to_string());
            }
        )*};
    }
    probe!(
        "neon", "crc", "aes", "sha2", "lse", "dotprod", "sve", "sve2"
    );
    found
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn cpu_features() -> Vec<String> {
    Vec::new()
}

/// An emulator that passes the host's /proc/cpuinfo through shows x86 fields to an Arm binary
/// (and the reverse); FLOE_BENCH_EMULATED=1 says so explicitly when it does not.
fn emulated(arch: &str, cpuinfo: &str) -> bool {
    if std::env::var("FLOE_BENCH_EMULATED").is_ok_and(|v| v == "1") {
        return true;
    }
    let x86_host = field(cpuinfo, "vendor_id").is_some();
    let arm_host = field(cpuinfo, "CPU implementer").is_some();
    match arch {
        "x86_64" | "x86" => arm_host,
        "aarch64" | "arm" => x86_host,
        _ => false,
    }
}

/// First line of a command's stdout, or "unknown" when it cannot run or fails.
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .map(|l| l.trim().to_string())
        })
        .filter(|l| !l.is_empty())
        .unwrap_or_else(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    const X86: &str =
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Test CPU @ 2.0GHz\n";
    const ARM: &str = "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n";

    #[test]
    fn reads_model_from_either_layout() {
        assert_eq!(cpu_model(X86), "Test CPU @ 2.0GHz");
        assert_eq!(cpu_model(ARM), "implementer 0x41 part 0xd0c");
        assert_eq!(cpu_model(""), "unknown");
    }

    #[test]
    fn foreign_cpuinfo_means_emulated() {
        assert!(emulated("aarch64", X86));
        assert!(!emulated("aarch64", ARM));
        assert!(emulated("x86_64", ARM));
        assert!(!emulated("x86_64", X86));
    }
}
