//! Statistics on plain numbers and slices: intervals, growth rates, percentiles, slopes and
//! the rounding test for reported rates. No dataframes here, so every function is tested on
//! hand-computed numbers.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 97.5% quantile of the standard normal distribution (two-sided 95%).
const Z_95: f64 = 1.959_963_984_540_054;

/// Tolerance for comparing values that were computed with floating point and printed with a
/// few decimals (far below any printed precision).
const EPS: f64 = 1e-9;

/// 95% Wilson score interval for `successes` of `n`, as fractions in [0, 1].
/// Returns `None` when `n` is zero or `successes` is outside `0..=n`.
/// (Wilson 1927; recommended over the Wald interval for small counts by Brown, Cai & DasGupta
/// 2001, "Interval Estimation for a Binomial Proportion".)
pub fn wilson_interval(successes: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 || successes < 0.0 || successes > n {
        return None;
    }
    let z = Z_95;
    let p = successes / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// 95% interval for the ratio `a / b` of two counts, treating each as Poisson: conditional on
/// `a + b`, `a` is binomial with p = λa / (λa + λb), so the Wilson interval for `a / (a + b)`
/// maps to an interval for the ratio through p / (1 − p) (the conditional method for a ratio of
/// Poisson rates; Ederer & Mantel 1974). `None` when `b` is zero.
pub fn ratio_interval(a: f64, b: f64) -> Option<(f64, f64)> {
    if b <= 0.0 || a < 0.0 {
        return None;
    }
    let (lo, hi) = wilson_interval(a, a + b)?;
    Some((lo / (1.0 - lo), hi / (1.0 - hi)))
}

/// Percentage change from `prev` to `value` over the whole gap (+36.6 for 632 → 863);
/// `None` when `prev` is zero or negative (no meaningful base).
pub fn pct_change(prev: f64, value: f64) -> Option<f64> {
    (prev > 0.0).then(|| (value - prev) / prev * 100.0)
}

/// Compound annual rate in percent that turns `prev` into `value` over `years` years:
/// ((value / prev)^(1 / years) − 1) · 100. `None` without a positive base, a non-negative
/// value and a positive gap.
pub fn annual_rate(prev: f64, value: f64, years: i32) -> Option<f64> {
    if prev <= 0.0 || value < 0.0 || years <= 0 {
        return None;
    }
    Some(((value / prev).powf(1.0 / f64::from(years)) - 1.0) * 100.0)
}

/// Percentile rank (0–100) of a value among `n` values, `n_below` of them strictly lower and
/// `n_equal` equal to it (itself included): (n_below + n_equal / 2) / n · 100, the usual
/// mid-rank definition (each tie counted half). `None` when `n` is zero.
pub fn percentile_rank(n_below: usize, n_equal: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| (n_below as f64 + n_equal as f64 / 2.0) / n as f64 * 100.0)
}

/// z-score of `value` in a group with `mean` and sample standard deviation `sd`; `None` when
/// the spread is zero or unknown.
pub fn z_score(value: f64, mean: f64, sd: Option<f64>) -> Option<f64> {
    let sd = sd.filter(|s| s.is_finite() && *s > EPS)?;
    Some((value - mean) / sd)
}

/// A least-squares line with the 95% interval of its slope.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlopeFit {
    /// Change per unit of x (per year).
    pub slope: f64,
    /// Lower bound of the Student-t 95% interval of the slope.
    pub ci_low: f64,
    /// Upper bound of the Student-t 95% interval of the slope.
    pub ci_high: f64,
}

/// Ordinary least-squares slope of `ys` on `xs` with its 95% interval
/// slope ± t(0.975, n − 2) · s / √Sxx, where s² = Σ residual² / (n − 2).
/// Needs at least three points and two distinct x values; `None` otherwise.
pub fn ols_slope(xs: &[f64], ys: &[f64]) -> Option<SlopeFit> {
    let n = xs.len();
    if n < 3 || ys.len() != n {
        return None;
    }
    let nf = n as f64;
    let mx = xs.iter().sum::<f64>() / nf;
    let my = ys.iter().sum::<f64>() / nf;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    if sxx <= EPS {
        return None;
    }
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let sse: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (y - intercept - slope * x).powi(2))
        .sum();
    let df = nf - 2.0;
    let se = (sse / df / sxx).sqrt();
    let t = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975);
    Some(SlopeFit {
        slope,
        ci_low: slope - t * se,
        ci_high: slope + t * se,
    })
}

/// How a reported rate relates to the rate computed from its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The computed rate, rounded half-up to the reported decimals, is the reported rate.
    Rounding,
    /// Rounding does not give the reported rate but cutting off the extra decimals does
    /// (99.69% reported as 99.6%).
    Truncation,
    /// Neither: the rate disagrees with its parts.
    Inconsistent,
}

/// Number of decimals a value is printed with (99.6 → 1, 34.44 → 2, 100 → 0).
pub fn printed_decimals(value: f64) -> u32 {
    let s = crate::model::format_value(value);
    s.split_once('.').map_or(0, |(_, d)| d.len() as u32)
}

/// Compares a `reported` rate (percent, as printed) with the rate `computed` from its parts at
/// the reported precision: first rounding, then truncation.
pub fn rate_agreement(reported: f64, computed: f64) -> Agreement {
    let scale = 10f64.powi(printed_decimals(reported) as i32);
    let target = (reported * scale).round();
    // EPS guards against 99.6 being stored as 99.5999…: the unit in the last printed place.
    if ((computed * scale) + EPS).round() == target || (computed - reported).abs() < EPS {
        Agreement::Rounding
    } else if ((computed * scale) + EPS).floor() == target {
        Agreement::Truncation
    } else {
        Agreement::Inconsistent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wilson_of_73_in_91() {
        // By hand: p = 73/91 = 0.80220, z² = 3.8415, denominator 1 + z²/n = 1.04221;
        // centre = (0.80220 + 0.02111) / 1.04221 = 0.78995;
        // half = 1.96·sqrt(0.80220·0.19780/91 + 3.8415/(4·91²)) / 1.04221 = 0.08110.
        let (lo, hi) = wilson_interval(73.0, 91.0).expect("n > 0");
        assert!(close(lo, 0.7089, 0.0005), "{lo}");
        assert!(close(hi, 0.8711, 0.0005), "{hi}");
    }

    #[test]
    fn wilson_is_wide_for_small_counts() {
        // 3 of 73 = 4.1%. By hand: p = 0.041096, z²/n = 0.052623, denominator 1.052623;
        // centre = (0.041096 + 0.026311) / 1.052623 = 0.064037;
        // half = 1.96·sqrt(0.041096·0.958904/73 + 3.8415/21316) / 1.052623
        //      = 1.96·sqrt(0.00053982 + 0.00018022) / 1.052623 = 0.049958.
        // → [1.41%, 11.40%]: the 4.1% is anything from about 1% to 11%.
        let (lo, hi) = wilson_interval(3.0, 73.0).expect("n > 0");
        assert!(close(lo, 0.01408, 0.0002), "{lo}");
        assert!(close(hi, 0.11400, 0.0002), "{hi}");
    }

    #[test]
    fn wilson_edges() {
        for (k, n, ok) in [
            (0.0, 10.0, true),
            (10.0, 10.0, true),
            (1.0, 0.0, false),
            (11.0, 10.0, false),
            (-1.0, 10.0, false),
        ] {
            let got = wilson_interval(k, n);
            assert_eq!(got.is_some(), ok, "{k}/{n}");
            if let Some((lo, hi)) = got {
                assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi) && lo < hi);
            }
        }
    }

    #[test]
    fn growth_and_annual_rate() {
        // 632 → 863: 231 / 632 = 0.365506 → +36.55%.
        assert!(close(
            pct_change(632.0, 863.0).expect("base"),
            36.5506,
            1e-4
        ));
        // 100 → 121 over two years: sqrt(1.21) = 1.1 → 10% a year (not 21% in one year).
        assert!(close(
            annual_rate(100.0, 121.0, 2).expect("gap"),
            10.0,
            1e-9
        ));
        // One-year gap: the annual rate is the change itself.
        assert!(close(
            annual_rate(632.0, 863.0, 1).expect("gap"),
            36.5506,
            1e-4
        ));
        assert_eq!(pct_change(0.0, 5.0), None);
        assert_eq!(annual_rate(0.0, 5.0, 2), None);
        assert_eq!(annual_rate(5.0, 6.0, 0), None);
    }

    #[test]
    fn ratio_interval_of_staff_counts() {
        // 863 vs 632: p = 863/1495 = 0.577258; z²/n = 0.0025696, denominator 1.0025696;
        // centre = (0.577258 + 0.0012848) / 1.0025696 = 0.577060;
        // half = 1.96·sqrt(0.577258·0.422742/1495 + 3.8415/(4·1495²)) / 1.0025696
        //      = 1.96·sqrt(0.00016323 + 0.00000043) / 1.0025696 = 0.025009;
        // p ∈ [0.552051, 0.602069] → ratio p/(1−p) ∈ [1.2324, 1.5130].
        let (lo, hi) = ratio_interval(863.0, 632.0).expect("b > 0");
        assert!(close(lo, 1.2324, 0.0005), "{lo}");
        assert!(close(hi, 1.5130, 0.0005), "{hi}");
        assert_eq!(ratio_interval(3.0, 0.0), None);
    }

    #[test]
    fn percentiles_and_z() {
        for (below, equal, n, want) in [
            (4, 1, 5, 90.0),
            (0, 1, 5, 10.0),
            (2, 1, 5, 50.0),
            (0, 2, 4, 25.0),
            (1, 1, 2, 75.0),
        ] {
            assert_eq!(percentile_rank(below, equal, n), Some(want));
        }
        assert_eq!(percentile_rank(0, 0, 0), None);
        assert_eq!(z_score(30.0, 25.0, Some(10.0)), Some(0.5));
        assert_eq!(z_score(30.0, 25.0, Some(0.0)), None);
        assert_eq!(z_score(30.0, 25.0, None), None);
    }

    #[test]
    fn slope_with_t_interval() {
        // x = 2020..2023, y = 10, 12, 15, 17. By hand: x̄ = 2021.5, ȳ = 13.5, Sxx = 5,
        // Sxy = (−1.5)(−3.5) + (−0.5)(−1.5) + (0.5)(1.5) + (1.5)(3.5) = 12 → slope 2.4;
        // intercept at x̄: fitted 9.9, 12.3, 14.7, 17.1; residuals .1 −.3 .3 −.1, SSE = 0.2;
        // s² = 0.2 / 2 = 0.1, se = sqrt(0.1 / 5) = 0.141421; t(0.975, 2) = 4.302653;
        // half-width = 0.608490 → [1.791510, 3.008490].
        let xs = [2020.0, 2021.0, 2022.0, 2023.0];
        let fit = ols_slope(&xs, &[10.0, 12.0, 15.0, 17.0]).expect("n ≥ 3");
        assert!(close(fit.slope, 2.4, 1e-9));
        assert!(close(fit.ci_low, 1.791510, 1e-5), "{}", fit.ci_low);
        assert!(close(fit.ci_high, 3.008490, 1e-5), "{}", fit.ci_high);
        // A perfect line has a zero-width interval.
        let fit = ols_slope(&xs[..3], &[1.0, 2.0, 3.0]).expect("n ≥ 3");
        assert!(close(fit.ci_low, 1.0, 1e-9) && close(fit.ci_high, 1.0, 1e-9));
        assert_eq!(ols_slope(&xs[..2], &[1.0, 2.0]), None);
        assert_eq!(ols_slope(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn reported_rates_against_their_parts() {
        for (reported, num, den, want) in [
            // 4198 / 4211 = 99.6913%: rounds to 99.7, truncates to 99.6 → truncation.
            (99.6, 4198.0, 4211.0, Agreement::Truncation),
            // 3300 / 3314 = 99.5775%: rounds to 99.6, truncates to 99.5 → truncation.
            (99.5, 3300.0, 3314.0, Agreement::Truncation),
            // 2370 / 2397 = 98.8736%: 98.87 by rounding.
            (98.87, 2370.0, 2397.0, Agreement::Rounding),
            // 31 / 90 = 34.4444%: 34.44 by rounding (and truncation; rounding is named).
            (34.44, 31.0, 90.0, Agreement::Rounding),
            // 90 / 90 = 100%: exact.
            (100.0, 90.0, 90.0, Agreement::Rounding),
            // 3 / 73 = 4.11%, reported 5%: neither.
            (5.0, 3.0, 73.0, Agreement::Inconsistent),
            // 4198 / 4211 = 99.69%, reported 99.8%: above the computed rate, neither.
            (99.8, 4198.0, 4211.0, Agreement::Inconsistent),
        ] {
            assert_eq!(
                rate_agreement(reported, num / den * 100.0),
                want,
                "{reported} vs {num}/{den}"
            );
        }
    }

    #[test]
    fn decimals_as_printed() {
        for (v, d) in [(99.6, 1), (34.44, 2), (100.0, 0), (12.83, 2)] {
            assert_eq!(printed_decimals(v), d, "{v}");
        }
    }
}
