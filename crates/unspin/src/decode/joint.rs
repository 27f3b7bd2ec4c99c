//! Joint choice of replacements: a search over the lattice of windows.
//!
//! Each window of the first pass was scored against the text as written. Where windows sit
//! close enough for one's replacement to be in the other's context (within `order - 1` words,
//! in one segment), their choices are made together: every assignment of the cluster (each
//! window kept as written or replaced by one of its best candidates, windows not overlapping)
//! is scored with each replacement rescored against the others, and the assignment with the
//! largest sum of logits, among those where every replacement is probable (logit ≥ 0) given
//! the others, wins: two adjacent swaps that only read better together ("unique army" for
//! "special military") can be restored together, which no window-by-window choice does. A
//! cluster of one window is decided as before: its best candidate if probable. (Under the
//! trained weights a content-word candidate is seldom probable in any context, so on the
//! evaluation texts the search decides as the old choice did: docs/evaluation.md.)
//!
//! Only candidates that can be probable in some context are lattice arcs (their logit bound,
//! [`features::logit_bound`], is ≥ 0), so the search sees the same arcs whether or not
//! [`Decoder::find_above`] skipped hopeless candidates, and its findings stay identical.

use super::{context_around, features, take_free, Analysis, Decoder};
use features::logit_bound;

/// Candidates per window that the search tries (the best of the first pass).
const ARCS_PER_WINDOW: usize = 3;
/// Most assignments scored for one cluster, and most windows in a searched cluster (the
/// enumeration recurses once per window); a larger cluster (a long run of adjacent candidates,
/// such as a sentence of nothing but spinner patterns) is decided window by window, most
/// probable first.
const MAX_ASSIGNMENTS: usize = 512;
const MAX_JOINT_WINDOWS: usize = 12;

/// One arc of the lattice: window `window` replaced by its candidate `candidate`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Replacement {
    window: usize,
    candidate: usize,
}

impl Decoder {
    /// The windows whose replacements are chosen (indices into `analysis.windows`, in order).
    /// A chosen window's candidates are rescored against the other chosen replacements, so its
    /// best candidate is the one chosen, with the confidence it has in that context.
    pub(super) fn choose_jointly(&self, analysis: &mut Analysis) -> Vec<usize> {
        let arcs: Vec<Vec<usize>> = analysis
            .windows
            .iter()
            .map(|w| {
                w.candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| logit_bound(&self.weights, &c.features) >= 0.0)
                    .map(|(j, _)| j)
                    .take(ARCS_PER_WINDOW)
                    .collect()
            })
            .collect();
        let mut live: Vec<usize> = (0..analysis.windows.len())
            .filter(|&k| !arcs[k].is_empty())
            .collect();
        live.sort_by_key(|&k| (analysis.windows[k].first, analysis.windows[k].last));
        let reach = self.lm.order().max(2) - 1;
        let mut chosen = Vec::new();
        let mut cluster: Vec<usize> = Vec::new();
        let mut cluster_end = 0;
        for k in live {
            let (first, last) = (analysis.windows[k].first, analysis.windows[k].last);
            let segment = analysis.words[first].segment;
            let joins = cluster.last().is_some_and(|&prev| {
                let prev_first = analysis.windows[prev].first;
                first < cluster_end + reach && analysis.words[prev_first].segment == segment
            });
            if !joins && !cluster.is_empty() {
                chosen.extend(self.decide_cluster(analysis, &cluster, &arcs));
                cluster.clear();
            }
            if cluster.is_empty() {
                cluster_end = 0;
            }
            cluster_end = cluster_end.max(last);
            cluster.push(k);
        }
        if !cluster.is_empty() {
            chosen.extend(self.decide_cluster(analysis, &cluster, &arcs));
        }
        chosen.sort_unstable();
        chosen
    }

    /// The chosen windows of one cluster (sorted by first word), their candidates rescored.
    fn decide_cluster(
        &self,
        analysis: &mut Analysis,
        cluster: &[usize],
        arcs: &[Vec<usize>],
    ) -> Vec<usize> {
        if let [k] = cluster {
            let probable = analysis.windows[*k].best().is_some_and(|b| b.logit >= 0.0);
            return if probable { vec![*k] } else { Vec::new() };
        }
        if cluster.len() > MAX_JOINT_WINDOWS {
            return self.decide_greedily(analysis, cluster);
        }
        let mut assignments: Vec<Vec<Replacement>> = Vec::new();
        enumerate(
            analysis,
            cluster,
            arcs,
            0,
            &mut Vec::new(),
            &mut assignments,
        );
        if assignments.len() > MAX_ASSIGNMENTS {
            return self.decide_greedily(analysis, cluster);
        }
        let mut best: Option<(f32, &Vec<Replacement>)> = None;
        for a in &assignments {
            let Some(total) = self.assignment_score(analysis, a) else {
                continue;
            };
            if best.is_none_or(|(t, _)| total > t) {
                best = Some((total, a));
            }
        }
        let Some((_, best)) = best else {
            return Vec::new();
        };
        let best = best.clone();
        // Every context before any window changes: rescoring reorders a window's candidates,
        // and the arcs name candidates by their place.
        let contexts: Vec<super::Context> = best
            .iter()
            .map(|arc| self.arc_context(analysis, &best, arc.window))
            .collect();
        for (arc, ctx) in best.iter().zip(contexts) {
            let w = &mut analysis.windows[arc.window];
            let original = w.candidates[arc.candidate].candidate.original.clone();
            self.rescore(w, &ctx);
            // The chosen candidate first (it is the joint decision), the others behind it.
            if let Some(pos) = w
                .candidates
                .iter()
                .position(|c| c.candidate.original == original)
            {
                let c = w.candidates.remove(pos);
                w.candidates.insert(0, c);
            }
        }
        best.iter().map(|a| a.window).collect()
    }

    /// Windows of a cluster too large to search, most probable first, without overlaps.
    fn decide_greedily(&self, analysis: &Analysis, cluster: &[usize]) -> Vec<usize> {
        let mut order: Vec<(usize, f32)> = cluster
            .iter()
            .filter_map(|&k| analysis.windows[k].best().map(|b| (k, b.logit)))
            .filter(|&(_, logit)| logit >= 0.0)
            .collect();
        order.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        let order: Vec<usize> = order.into_iter().map(|(k, _)| k).collect();
        // Words of the cluster only (a cluster is a short stretch of a possibly long text).
        let lo = cluster.iter().map(|&k| analysis.windows[k].first).min();
        let hi = cluster.iter().map(|&k| analysis.windows[k].last).max();
        let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(0));
        take_free(&analysis.windows, &order, &mut vec![false; hi - lo], lo)
    }

    /// The sum of the assignment's logits, each arc rescored against the others; `None`
    /// when an arc is not probable in that context (or the assignment is empty).
    fn assignment_score(&self, analysis: &Analysis, assignment: &[Replacement]) -> Option<f32> {
        if assignment.is_empty() {
            return None;
        }
        let mut total = 0.0;
        for arc in assignment {
            let ctx = self.arc_context(analysis, assignment, arc.window);
            let seq: Vec<&str> = ctx.seq.iter().map(String::as_str).collect();
            let wb = self.window_base(&seq, &ctx.seg, ctx.first, ctx.last);
            let mut c = analysis.windows[arc.window].candidates[arc.candidate].clone();
            self.rescore_candidate(&mut c, &ctx, &seq, &wb);
            if c.logit < 0.0 {
                return None;
            }
            total += c.logit;
        }
        Some(total)
    }

    /// The context of window `k` with the other arcs of `assignment` written in.
    fn arc_context(
        &self,
        analysis: &Analysis,
        assignment: &[Replacement],
        k: usize,
    ) -> super::Context {
        let replacement = |i: usize| -> Option<&str> {
            assignment.iter().find_map(|a| {
                let w = &analysis.windows[a.window];
                if a.window == k || !(w.first..w.last).contains(&i) {
                    return None;
                }
                Some(if i == w.first {
                    w.candidates[a.candidate].candidate.original.as_ref()
                } else {
                    ""
                })
            })
        };
        let w = &analysis.windows[k];
        context_around(&analysis.words, w.first, w.last, replacement)
    }
}

/// Every assignment of `cluster[from..]` that extends `prefix` (no two windows overlapping),
/// into `out`; stops adding past [`MAX_ASSIGNMENTS`].
fn enumerate(
    analysis: &Analysis,
    cluster: &[usize],
    arcs: &[Vec<usize>],
    from: usize,
    prefix: &mut Vec<Replacement>,
    out: &mut Vec<Vec<Replacement>>,
) {
    if out.len() > MAX_ASSIGNMENTS {
        return;
    }
    let Some((&k, _)) = cluster[from..].split_first() else {
        out.push(prefix.clone());
        return;
    };
    // This window kept as written.
    enumerate(analysis, cluster, arcs, from + 1, prefix, out);
    let w = &analysis.windows[k];
    let overlaps = prefix
        .iter()
        .any(|a| analysis.windows[a.window].last > w.first);
    if overlaps {
        return;
    }
    for &j in &arcs[k] {
        prefix.push(Replacement {
            window: k,
            candidate: j,
        });
        enumerate(analysis, cluster, arcs, from + 1, prefix, out);
        prefix.pop();
    }
}
