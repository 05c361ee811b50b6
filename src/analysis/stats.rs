//! Statistics on plain slices: intervals, growth rates, ranks. No dataframes here.

/// 95% Wilson score interval for `successes` of `n`, as fractions in [0, 1].
/// Returns `None` when `n` is zero. (Wilson 1927; Brown, Cai & DasGupta 2001.)
pub fn wilson_interval(successes: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let z = 1.959_963_984_540_054_f64;
    let p = successes / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_of_73_in_91() {
        // By hand: p = 73/91 = 0.80220, z² = 3.8415, denominator 1 + z²/n = 1.04221;
        // centre = (0.80220 + 0.02111) / 1.04221 = 0.78995;
        // half = 1.96·sqrt(0.80220·0.19780/91 + 3.8415/(4·91²)) / 1.04221 = 0.08110.
        let (lo, hi) = wilson_interval(73.0, 91.0).expect("n > 0");
        assert!((lo - 0.7089).abs() < 0.0005, "{lo}");
        assert!((hi - 0.8711).abs() < 0.0005, "{hi}");
    }
}
