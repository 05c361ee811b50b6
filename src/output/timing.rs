//! Wall time per phase on stderr when `FAZHI_TIMINGS` is set: the cheapest profiler there is,
//! and the one the benchmarks in BENCHMARKS.md were broken down with.

/// A stopwatch that prints each lap when `FAZHI_TIMINGS` is set and does nothing otherwise.
pub struct PhaseClock(Option<std::time::Instant>);

impl PhaseClock {
    /// Starts the clock if `FAZHI_TIMINGS` is set.
    pub fn from_env() -> Self {
        PhaseClock(std::env::var_os("FAZHI_TIMINGS").map(|_| std::time::Instant::now()))
    }

    /// Prints the time since the last lap (or the start) under `phase`, with the peak memory.
    pub fn lap(&mut self, phase: &str) {
        if let Some(start) = self.0 {
            eprintln!(
                "timing: {phase:<20} {:>8.3} s{}",
                start.elapsed().as_secs_f64(),
                peak_memory_note()
            );
            self.0 = Some(std::time::Instant::now());
        }
    }
}

/// Runs `step`, printing its wall time on stderr when `FAZHI_TIMINGS` is set (for the steps
/// inside a phase, e.g. each output built side by side with the others).
pub fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let mut clock = PhaseClock::from_env();
    let out = f();
    clock.lap(&format!("  {step}"));
    out
}

/// ", peak 123 MiB" from the process's high-water mark (Linux `VmHWM`); empty elsewhere.
fn peak_memory_note() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| format!(", peak {} MiB", kib / 1024))
        .unwrap_or_default()
}
