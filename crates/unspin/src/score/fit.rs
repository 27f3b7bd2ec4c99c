//! Fitting and measuring the document score: L2-regularised logistic regression by Newton's
//! method (a handful of features, so an exact solve beats a dependency), and ROC AUC.

use super::N_FEATURES;

#[allow(clippy::needless_range_loop)] // index loops read best for the normal equations
/// Fit weights and intercept on feature rows `xs` with labels `ys` (true = spun). `l2` is the
/// ridge penalty on the weights (not the intercept), per example.
pub fn fit_logistic(xs: &[[f32; N_FEATURES]], ys: &[bool], l2: f64) -> ([f32; N_FEATURES], f32) {
    const D: usize = N_FEATURES + 1;
    let n = xs.len().max(1) as f64;
    let mut w = [0f64; D]; // w[0] is the intercept
    for _ in 0..50 {
        let mut grad = [0f64; D];
        let mut hess = [[0f64; D]; D];
        for (x, &y) in xs.iter().zip(ys) {
            let mut row = [1f64; D];
            for k in 0..N_FEATURES {
                row[k + 1] = x[k] as f64;
            }
            let z: f64 = row.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = p - if y { 1.0 } else { 0.0 };
            let s = (p * (1.0 - p)).max(1e-9);
            for a in 0..D {
                grad[a] += r * row[a] / n;
                for b in 0..D {
                    hess[a][b] += s * row[a] * row[b] / n;
                }
            }
        }
        for a in 1..D {
            grad[a] += l2 * w[a];
            hess[a][a] += l2;
        }
        hess[0][0] += 1e-9;
        let Some(step) = solve(hess, grad) else {
            break;
        };
        let mut change = 0f64;
        for a in 0..D {
            w[a] -= step[a];
            change = change.max(step[a].abs());
        }
        if change < 1e-7 {
            break;
        }
    }
    let mut weights = [0f32; N_FEATURES];
    for k in 0..N_FEATURES {
        weights[k] = w[k + 1] as f32;
    }
    (weights, w[0] as f32)
}

/// Solve `a x = b` by Gaussian elimination with partial pivoting.
fn solve<const D: usize>(mut a: [[f64; D]; D], mut b: [f64; D]) -> Option<[f64; D]> {
    for col in 0..D {
        let pivot = (col..D).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..D {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (k, v) in a[row].iter_mut().enumerate().skip(col) {
                *v -= f * pivot_row[k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0f64; D];
    for row in (0..D).rev() {
        let s: f64 = (row + 1..D).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Area under the ROC curve of `scores` for `labels` (true = positive); ties count half.
/// `None` when one class is empty.
pub fn roc_auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let pos = labels.iter().filter(|&&l| l).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    // Mann–Whitney U from average ranks.
    let mut rank_sum = 0f64;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if labels[k] {
                rank_sum += avg;
            }
        }
        i = j + 1;
    }
    let u = rank_sum - (pos * (pos + 1)) as f64 / 2.0;
    Some(u / (pos as f64 * neg as f64))
}

/// The smallest threshold whose false-positive rate on the negatives is at most `fpr`, and the
/// true-positive rate there.
pub fn threshold_at_fpr(scores: &[f32], labels: &[bool], fpr: f64) -> (f32, f64) {
    let mut neg: Vec<f32> = scores
        .iter()
        .zip(labels)
        .filter(|(_, &l)| !l)
        .map(|(s, _)| *s)
        .collect();
    neg.sort_by(|a, b| b.total_cmp(a));
    let allowed = (fpr * neg.len() as f64).floor() as usize;
    let t = match neg.get(allowed) {
        Some(&s) => next_up(s),
        None => 0.0,
    };
    let pos: Vec<f32> = scores
        .iter()
        .zip(labels)
        .filter(|(_, &l)| l)
        .map(|(s, _)| *s)
        .collect();
    let tpr = pos.iter().filter(|&&s| s >= t).count() as f64 / pos.len().max(1) as f64;
    (t, tpr)
}

fn next_up(x: f32) -> f32 {
    if x.is_nan() || x == f32::INFINITY {
        return x;
    }
    let bits = x.to_bits();
    if x == 0.0 {
        return f32::from_bits(1);
    }
    f32::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::SplitMix64;

    #[test]
    fn auc_basics() {
        assert_eq!(roc_auc(&[0.1, 0.9], &[false, true]), Some(1.0));
        assert_eq!(roc_auc(&[0.9, 0.1], &[false, true]), Some(0.0));
        assert_eq!(roc_auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        assert_eq!(roc_auc(&[0.5], &[true]), None);
    }

    #[test]
    fn logistic_recovers_a_separating_direction() {
        let mut rng = SplitMix64::new(9);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..2000 {
            let y = i % 2 == 0;
            let mut x = [0f32; N_FEATURES];
            for v in x.iter_mut() {
                *v = rng.next_f32();
            }
            // Only feature 2 carries the label, noisily.
            x[2] = if y { 1.0 } else { 0.0 } + rng.next_f32() - 0.5;
            xs.push(x);
            ys.push(y);
        }
        let (w, b) = fit_logistic(&xs, &ys, 1e-3);
        assert!(w[2] > 2.0, "{w:?}");
        for (k, wk) in w.iter().enumerate() {
            if k != 2 {
                assert!(wk.abs() < w[2] / 4.0, "{w:?}");
            }
        }
        let scores: Vec<f32> = xs
            .iter()
            .map(|x| super::super::probability(x, &w, b))
            .collect();
        assert!(roc_auc(&scores, &ys).unwrap() > 0.9);
        let (t, tpr) = threshold_at_fpr(&scores, &ys, 0.01);
        let fp = scores
            .iter()
            .zip(&ys)
            .filter(|(s, &y)| !y && **s >= t)
            .count();
        assert!(fp <= 10, "{fp}");
        assert!(tpr > 0.1);
    }
}
