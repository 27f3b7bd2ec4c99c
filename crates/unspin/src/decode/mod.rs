//! The noisy-channel decoder: finds spans whose most probable original differs from the text.
//!
//! For each window of 1–3 words that the [`Channel`] has candidates for, the decoder measures
//! how much better the text reads with each candidate (language-model gain over the window and
//! the two words after it, whether the written words' bigrams with their neighbours are attested
//! at all while the candidate's are), what kind of thesaurus edge proposes it, and how the same
//! swap behaves everywhere else in the document (a spinner applies one key per document: the
//! evidence of every occurrence of `pressures → forces` is pooled). A logistic scorer
//! ([`features`]) turns that into a probability. Windows are then chosen jointly: overlapping
//! windows compete, and the chosen replacements become the context of a second pass, so a
//! multi-word spin ("as well as objection") does not poison its neighbour's evidence.
//!
//! Kept as written: numbers, punctuation, names (capitalised words that are not sentence-initial
//! and that the thesaurus does not know, all-capital acronyms; in a sentence written wholly in
//! capitals, case says nothing and its words are read as lower case), and words the language model has
//! never seen. Quotations are scored with a penalty: spinners rewrite them too, but a quotation is
//! the last place to "correct" a rare word choice.

pub mod collocation;
pub mod features;
mod joint;
pub mod propose;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use crate::cache::SharedCache;
use crate::channel::{
    is_function_word, is_function_word_original, Candidate, Channel, DraftCandidate, EdgeKind,
};
use crate::finding::Finding;
use crate::lm::LanguageModel;
use crate::token::{match_case, normalize, sentences, Token, TokenKind};
use features::{logit, sigmoid, weights_for, Features};

/// Candidates kept per window (the most frequent in the language model; patterns always).
const MAX_CANDIDATES: usize = 12;
/// Words of context kept on each side of a window when it is rescored in the second pass: more
/// than the `order - 1` words any supported model looks at, even after a chosen replacement
/// drops words ("as well as" → "and").
const CONTEXT_MARGIN: usize = 8;
/// Written forms whose candidates a decoder keeps (up to about 1 KB each, most far less):
/// past it, new forms are computed each time.
const CANDIDATE_CACHE_LIMIT: usize = 200_000;
/// Windows below this probability are not reported by [`Decoder::find`] at all.
const REPORT_FLOOR: f32 = 0.05;
/// An alternative is listed when its probability is at least this share of the finding's.
const ALTERNATIVE_SHARE: f32 = 0.2;

/// The second pass rescores a window when a replacement is within this many words of it.
const REANALYSIS_REACH: usize = 2;

/// Decodes a document against a language model and a channel.
pub struct Decoder {
    lm: Arc<dyn LanguageModel>,
    channel: Channel,
    weights: Features,
    /// The kept candidates of each written form seen so far, shared by the threads of a scan:
    /// they depend only on the form, the thesaurus and the model (see [`CANDIDATE_CACHE_LIMIT`]).
    candidate_cache: SharedCache<String, Arc<Kept>>,
    /// Whether [`Decoder::form_slack`] tightens the bounds of `worth_scoring` at each
    /// occurrence (always, but for the tests that show it saves work).
    tighten_by_occurrence: bool,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("order", &self.lm.order())
            .field("total_words", &self.lm.total_words())
            .finish()
    }
}

/// One word of the document as the decoder sees it.
#[derive(Debug, Clone)]
pub struct Word {
    /// Index into the token list.
    pub token: usize,
    pub norm: String,
    /// Words of one segment are contiguous (no punctuation or number between them).
    pub segment: u32,
    /// Never part of a window: a name, an acronym, a word the model does not know.
    pub protected: bool,
    pub in_quote: bool,
    /// Capitalised but not at the start of a sentence, a line or a quotation.
    pub capitalized_mid: bool,
    /// In a sentence written in capitals: its case says nothing (not a name, not an acronym).
    pub shouted: bool,
    /// In a title-cased line ("Brand-New Tax Obligations Will Aid The Economic Climate"): a
    /// run of capitalised words there is not a name by its case alone (see [`titled_sentence`]).
    pub titled: bool,
}

/// A scored window: words `first..last` with every candidate, best first.
#[derive(Debug, Clone)]
pub struct Window {
    pub first: usize,
    pub last: usize,
    /// Byte span in the text.
    pub start: usize,
    pub end: usize,
    pub written: String,
    pub candidates: Vec<ScoredCandidate>,
}

#[derive(Debug, Clone)]
pub struct ScoredCandidate {
    pub candidate: Candidate,
    pub features: Features,
    pub logit: f32,
}

impl Window {
    pub fn best(&self) -> Option<&ScoredCandidate> {
        self.candidates.first()
    }
}

/// What one pass over a document computes: its words and every scored window.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub words: Vec<Word>,
    pub windows: Vec<Window>,
}

impl Decoder {
    pub fn new(lm: Arc<dyn LanguageModel>) -> Self {
        let weights = weights_for(lm.order());
        Decoder {
            lm,
            channel: Channel::default(),
            weights,
            candidate_cache: SharedCache::new(CANDIDATE_CACHE_LIMIT),
            tighten_by_occurrence: true,
        }
    }

    /// Use other scorer weights (training, experiments).
    pub fn with_weights(mut self, weights: Features) -> Self {
        self.weights = weights;
        // The cached candidate lists carry bounds computed with the weights.
        self.candidate_cache = SharedCache::new(CANDIDATE_CACHE_LIMIT);
        self
    }

    /// Proposed originals of a span already known to be spun, best first, with their scores
    /// (see [`propose`]).
    pub fn scored_originals(&self, words: &[&str], limit: usize) -> Vec<(f64, String)> {
        propose::scored_originals(self.lm.as_ref(), &self.channel, words, limit)
    }

    pub fn language_model(&self) -> &dyn LanguageModel {
        self.lm.as_ref()
    }

    /// Findings: chosen windows whose best candidate reaches a low floor (the engine applies the
    /// user's confidence threshold).
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<Finding> {
        self.find_above(text, tokens, 0.0)
    }

    /// [`Decoder::find`] for a caller that keeps only findings of confidence `min_confidence`
    /// or more: candidates that provably cannot matter to those findings are not scored (see
    /// [`Decoder::worth_scoring`]). Every finding at or above `min_confidence` is the same,
    /// alternatives included, as [`Decoder::find`]'s.
    pub fn find_above(&self, text: &str, tokens: &[Token], min_confidence: f32) -> Vec<Finding> {
        let mut analysis = self.analyze_above(text, tokens, min_confidence);
        let chosen = self.choose_jointly(&mut analysis);
        // Second pass: the confident replacements become the context of everything else.
        let analysis = if chosen.is_empty() {
            analysis
        } else {
            self.reanalyze(analysis, &chosen)
        };
        let mut out = Vec::new();
        for wi in self.choose(&analysis, REPORT_FLOOR, &chosen) {
            let w = &analysis.windows[wi];
            let Some(best) = w.best() else { continue };
            let conf = sigmoid(best.logit);
            let span = &text[w.start..w.end];
            let template = if w.last - w.first > 1 {
                tokens[analysis.words[w.first].token].text(text)
            } else {
                span
            };
            let suggestion = match_case(template, &best.candidate.original);
            let alternatives: Vec<String> = w.candidates[1..]
                .iter()
                .take(3)
                .filter(|c| sigmoid(c.logit) >= conf * ALTERNATIVE_SHARE)
                .map(|c| match_case(template, &c.candidate.original))
                .collect();
            out.push(Finding {
                start: w.start,
                end: w.end,
                text: span.to_string(),
                message: format!(
                    "possibly spun: \"{span}\" reads like a synonym swap for \"{suggestion}\""
                ),
                suggestion,
                alternatives,
                confidence: conf,
                rule: "channel".to_string(),
            });
        }
        out
    }

    /// Non-overlapping windows whose best candidate reaches `floor`: the `chosen` ones (the
    /// joint decision, [`Decoder::choose_jointly`]), then the others most probable first.
    fn choose(&self, analysis: &Analysis, floor: f32, chosen: &[usize]) -> Vec<usize> {
        let mut taken = vec![false; analysis.words.len()];
        for &i in chosen {
            let w = &analysis.windows[i];
            taken[w.first..w.last].fill(true);
        }
        let mut order: Vec<(usize, f32)> = analysis
            .windows
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.best().map(|b| (i, sigmoid(b.logit))))
            .filter(|&(_, p)| p >= floor)
            .collect();
        order.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        let order: Vec<usize> = order.into_iter().map(|(i, _)| i).collect();
        // The chosen windows' words are taken, so `take_free` passes over them.
        let mut out = chosen.to_vec();
        out.extend(take_free(&analysis.windows, &order, &mut taken, 0));
        out.sort_unstable();
        out
    }

    /// The words of a document, with segments, names and quotations marked.
    pub fn words(&self, text: &str, tokens: &[Token]) -> Vec<Word> {
        let mut sentence_start = vec![false; tokens.len()];
        // A sentence written in capitals (a shouted headline, a whole text in caps) says
        // nothing by its case: its words are read as lower-case words, not acronyms or names.
        let mut shouted = vec![false; tokens.len()];
        let mut titled = vec![false; tokens.len()];
        for s in sentences(text, tokens) {
            if s.start < tokens.len() {
                sentence_start[s.start] = true;
            }
            let (words, upper) = tokens[s.clone()]
                .iter()
                .map(|t| t.text(text))
                .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
                .fold((0usize, 0usize), |(n, u), w| {
                    (n + 1, u + usize::from(w.chars().all(|c| !c.is_lowercase())))
                });
            if words >= 3 && upper * 5 >= words * 4 {
                shouted[s].fill(true);
            } else if titled_sentence(tokens[s.clone()].iter().map(|t| t.text(text))) {
                titled[s].fill(true);
            }
        }
        let mut words = Vec::with_capacity(tokens.len());
        let mut segment = 0u32;
        let mut in_quote = false;
        let mut prev_end = 0usize;
        let mut after_opener = true;
        for (i, t) in tokens.iter().enumerate() {
            let gap = &text[prev_end..t.start];
            if gap.contains('\n') && !wrapped_line(text, prev_end, gap, t.text(text)) {
                in_quote = false;
                segment += 1;
                after_opener = true;
            }
            prev_end = t.end;
            match t.kind {
                TokenKind::Word => {}
                TokenKind::Number => {
                    segment += 1;
                    after_opener = false;
                    continue;
                }
                TokenKind::Punct => {
                    segment += 1;
                    match t.text(text) {
                        "“" => in_quote = true,
                        "”" => in_quote = false,
                        "\"" => in_quote = !in_quote,
                        _ => {}
                    }
                    after_opener = matches!(t.text(text), "“" | "\"" | "(" | "‘" | "'" | ":");
                    continue;
                }
            }
            let raw = t.text(text);
            let norm = normalize(raw).into_owned();
            let initial = sentence_start[i] || after_opener;
            after_opener = false;
            let first = raw.chars().next().unwrap_or(' ');
            let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
            let shout = shouted[i];
            let acronym = !shout && letters >= 2 && raw.chars().all(|c| !c.is_lowercase());
            let name = !shout && first.is_uppercase() && !initial && !self.channel.knows(&norm);
            let unknown = self.lm.count(&[norm.as_str()]) == 0;
            words.push(Word {
                token: i,
                norm,
                segment,
                protected: acronym || name || unknown || !first.is_alphabetic(),
                in_quote,
                capitalized_mid: !shout && first.is_uppercase() && !initial,
                shouted: shout,
                titled: titled[i],
            });
        }
        words
    }

    /// Score every window of the document that has candidates.
    pub fn analyze(&self, text: &str, tokens: &[Token]) -> Analysis {
        self.analyze_above(text, tokens, 0.0)
    }

    /// [`Decoder::analyze`] without the candidates that cannot reach a finding of
    /// `min_confidence` or be listed as one's alternative (a fifth of its confidence).
    fn analyze_above(&self, text: &str, tokens: &[Token], min_confidence: f32) -> Analysis {
        let words = self.words(text, tokens);
        let ctx: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
        let spans = self.window_spans(text, tokens, &words, &ctx);
        let skip_below = ALTERNATIVE_SHARE * min_confidence;
        let worth =
            (skip_below > 0.0).then(|| self.worth_scoring(&words, &ctx, &spans, skip_below));
        let mut windows = self.windows(tokens, &words, &ctx, &spans, worth.as_deref());
        self.pool(&words, &mut windows);
        Analysis { words, windows }
    }

    /// Rescore with the chosen windows' best candidates written into the context of the others.
    fn reanalyze(&self, first: Analysis, chosen: &[usize]) -> Analysis {
        let words = first.words;
        // Context per word: a chosen window's first word carries the whole candidate, the other
        // words of the window carry nothing (they are dropped from the context).
        let mut replaced: Vec<Option<String>> = vec![None; words.len()];
        for &wi in chosen {
            let w = &first.windows[wi];
            if let Some(best) = w.best() {
                replaced[w.first] = Some(best.candidate.original.to_string());
                for slot in replaced.iter_mut().take(w.last).skip(w.first + 1) {
                    *slot = Some(String::new());
                }
            }
        }
        let mut is_chosen = vec![false; first.windows.len()];
        for &wi in chosen {
            is_chosen[wi] = true;
        }
        let mut windows = Vec::with_capacity(first.windows.len());
        for (wi, w) in first.windows.into_iter().enumerate() {
            if is_chosen[wi] {
                windows.push(w);
                continue;
            }
            let near = replaced
                .iter()
                .enumerate()
                .skip(w.first.saturating_sub(REANALYSIS_REACH))
                .take(w.last - w.first + 2 * REANALYSIS_REACH)
                .any(|(i, r)| r.is_some() && (i < w.first || i >= w.last));
            if !near {
                windows.push(w);
                continue;
            }
            let ctx = context_around(&words, w.first, w.last, |i| replaced[i].as_deref());
            let mut w = w;
            self.rescore(&mut w, &ctx);
            windows.push(w);
        }
        Analysis { words, windows }
    }

    /// Refresh a window's local features (and so its logits and order) against `ctx`, where
    /// the words around it may read as other windows' replacements. Document-level features
    /// are kept.
    fn rescore(&self, w: &mut Window, ctx: &Context) {
        let seq: Vec<&str> = ctx.seq.iter().map(String::as_str).collect();
        let wb = self.window_base(&seq, &ctx.seg, ctx.first, ctx.last);
        for c in w.candidates.iter_mut() {
            self.rescore_candidate(c, ctx, &seq, &wb);
        }
        sort_by_logit(&mut w.candidates);
    }

    /// [`Decoder::rescore`] of one candidate; `seq` is `ctx.seq` borrowed and `wb` its window
    /// base.
    fn rescore_candidate(
        &self,
        c: &mut ScoredCandidate,
        ctx: &Context,
        seq: &[&str],
        wb: &WindowBase,
    ) {
        let local = self.local_features(seq, ctx.first, ctx.last, wb, &c.candidate);
        for &k in &LOCAL {
            c.features[k] = local[k];
        }
        c.logit = logit(&self.weights, &c.features);
    }

    /// Every unprotected window of 1–3 words that has candidates.
    fn window_spans(
        &self,
        text: &str,
        tokens: &[Token],
        words: &[Word],
        ctx: &[&str],
    ) -> Vec<Span> {
        let mut out = Vec::new();
        for first in 0..words.len() {
            for len in 1..=3usize {
                let last = first + len;
                if last > words.len() || words[last - 1].segment != words[first].segment {
                    break;
                }
                if words[first..last].iter().any(|w| w.protected) {
                    break;
                }
                // Two or more capitalised words in a row are a name ("Vladimir Putin", "Soviet
                // Union"), and so is a window from one capitalised word to another across the
                // connectors of names ("Republic of China", "Battle of Hastings": WordNet lists
                // "China" beside "Republic of China", which no spinner wrote): broken names are the
                // names check's job, never the channel's.
                let capitalised = |w: &Word| {
                    !w.shouted
                        && text[tokens[w.token].start..]
                            .chars()
                            .next()
                            .is_some_and(char::is_uppercase)
                };
                let window = &words[first..last];
                let written = &ctx[first..last];
                let name_run = len >= 2
                    && capitalised(&window[0])
                    && capitalised(&window[len - 1])
                    && window[1..len - 1].iter().all(|w| {
                        capitalised(w) || crate::names::CONNECTORS.contains(&w.norm.as_str())
                    });
                // In a title-cased line, such a run may be a spinner's phrase (see
                // `title_cased_pattern`); a name run of any other line is skipped here, before
                // anything is looked up.
                if name_run && !window[0].titled {
                    continue;
                }
                if !self.channel.may_have_candidates(written) {
                    continue;
                }
                let form = written.join(" ");
                let title_pattern = title_cased_pattern(window, &form);
                if name_run && !title_pattern {
                    continue;
                }
                let kept = self.cached_candidates(written, &form);
                if !kept.candidates.is_empty() {
                    out.push(Span {
                        first,
                        last,
                        written: form,
                        kept,
                        capital_says_name: window[0].capitalized_mid && !title_pattern,
                    });
                }
            }
        }
        out
    }

    /// Scored windows for `spans`; with `worth` (per span, per candidate), only the candidates
    /// worth scoring, and only the windows that have one.
    fn windows(
        &self,
        tokens: &[Token],
        words: &[Word],
        ctx: &[&str],
        spans: &[Span],
        worth: Option<&[Vec<bool>]>,
    ) -> Vec<Window> {
        let segs: Vec<u32> = words.iter().map(|w| w.segment).collect();
        let mut out = Vec::new();
        for (k, span) in spans.iter().enumerate() {
            let &Span {
                first,
                last,
                ref kept,
                capital_says_name,
                ..
            } = span;
            let scored_here = |j: usize| worth.is_none_or(|w| w[k][j]);
            if !(0..kept.candidates.len()).any(scored_here) {
                continue;
            }
            let in_quote = words[first..last].iter().any(|w| w.in_quote);
            let wb = self.window_base(ctx, &segs, first, last);
            let mut scored: Vec<ScoredCandidate> = kept
                .candidates
                .iter()
                .enumerate()
                .filter(|&(j, _)| scored_here(j))
                .map(|(_, KeptCandidate { candidate: c, .. })| {
                    let mut f = self.local_features(ctx, first, last, &wb, c);
                    f[15] = in_quote as u8 as f32;
                    f[19] = capital_says_name as u8 as f32;
                    ScoredCandidate {
                        logit: 0.0,
                        candidate: c.clone(),
                        features: f,
                    }
                })
                .collect();
            for s in scored.iter_mut() {
                s.logit = logit(&self.weights, &s.features);
            }
            sort_by_logit(&mut scored);
            out.push(Window {
                first,
                last,
                start: tokens[words[first].token].start,
                end: tokens[words[last - 1].token].end,
                written: span.written.clone(),
                candidates: scored,
            });
        }
        out
    }

    /// Which candidates of `spans` could reach probability `skip_below`: an upper bound of each
    /// candidate's logit from the features that are cheap and the same at every occurrence of
    /// the (written, candidate) pair (edge, fan-in, frequencies, the document counts of
    /// pooling), with every other feature at the most it can add (`features::RANGES`), less
    /// what each occurrence tells before scoring ([`Decoder::form_slack`]). A pair's bound is
    /// the largest of its occurrences', so a pair is scored everywhere or nowhere, and pooling
    /// over the pairs that are scored is unchanged. Language-model lookups are most of the
    /// decoder's time, and most candidates are ruled out here.
    fn worth_scoring(
        &self,
        words: &[Word],
        ctx: &[&str],
        spans: &[Span],
        skip_below: f32,
    ) -> Vec<Vec<bool>> {
        let threshold = features::logit_of(skip_below);
        // Every window of a written form has the same candidates, so a (written, candidate)
        // pair occurs as often as its written form.
        let mut forms: FxHashMap<&str, (u32, usize)> = FxHashMap::default();
        for (k, span) in spans.iter().enumerate() {
            forms.entry(span.written.as_str()).or_insert((0, k)).0 += 1;
        }
        let mut phrases: FxHashMap<&str, u32> = FxHashMap::default();
        for (&form, &(_, k)) in &forms {
            phrases.insert(form, 0);
            for kc in spans[k].kept.candidates.iter() {
                phrases.insert(kc.candidate.original.as_ref(), 0);
            }
        }
        count_in_document(words, &mut phrases);
        let w = &self.weights;
        // The bound of each pair with every context feature at its most, the same everywhere.
        let bounds: FxHashMap<&str, Vec<f32>> = forms
            .iter()
            .map(|(&form, &(occurrences, k))| {
                let written_in_doc = phrases.get(form).copied().unwrap_or(1);
                let row = spans[k]
                    .kept
                    .candidates
                    .iter()
                    .map(|kc| {
                        let original = kc.candidate.original.as_ref();
                        let in_doc = phrases.get(original).copied().unwrap_or(0);
                        let (ln_n, ln_in_doc, share_minus_one) =
                            pair_features(kc.insertion, occurrences, in_doc, written_in_doc);
                        kc.bound_before_pooling
                            + w[13] * ln_n
                            + w[14] * ln_in_doc
                            + w[22] * share_minus_one
                    })
                    .collect();
                (form, row)
            })
            .collect();
        let slack = self.form_slack(words, ctx, spans, &bounds);
        let rows: FxHashMap<&str, Vec<bool>> = bounds
            .into_iter()
            .map(|(form, row)| {
                let slack = slack.get(form).copied().unwrap_or(0.0);
                (
                    form,
                    row.into_iter().map(|b| b + slack >= threshold).collect(),
                )
            })
            .collect();
        spans
            .iter()
            .map(|span| rows[span.written.as_str()].clone())
            .collect()
    }

    /// What each written form's occurrences take off its pairs' bounds (`bounds`, with every
    /// context feature at its most). A pair is scored at every occurrence or at none (pooling
    /// needs them all), so a form's slack is the largest of its occurrences'. Two parts:
    /// - the words' own features, quoted or capitalised ([`Decoder::word_slack`]): they never
    ///   change;
    /// - the written bigrams ([`Decoder::bigram_slack`]), only where the context cannot change
    ///   before the findings are chosen: not near a window that could be replaced (a candidate
    ///   that can reach even odds, as [`Decoder::choose_jointly`] requires), since the second
    ///   pass rescores the windows near the replacements in a new context. Not under the bigram
    ///   weights, which give the written bigrams almost no say: there the lookups would cost
    ///   more than they save.
    fn form_slack<'s>(
        &self,
        words: &[Word],
        ctx: &[&str],
        spans: &'s [Span],
        bounds: &FxHashMap<&str, Vec<f32>>,
    ) -> FxHashMap<&'s str, f32> {
        let w = &self.weights;
        let mut slack: FxHashMap<&str, f32> = FxHashMap::default();
        if !self.tighten_by_occurrence {
            return slack;
        }
        let bigrams_matter =
            w[2].max(0.0) + w[3].max(0.0) + (2.0 * w[18]).max(0.0) >= 0.1 && self.lm.order() >= 2;
        let mut near_replaceable = vec![!bigrams_matter; words.len()];
        for span in spans.iter().filter(|_| bigrams_matter) {
            // `logit_bound` of the pair's features, as the joint choice computes it.
            if bounds[span.written.as_str()].iter().any(|&b| b >= -0.01) {
                let from = span.first.saturating_sub(REANALYSIS_REACH);
                let to = (span.last + REANALYSIS_REACH).min(words.len());
                near_replaceable[from..to].fill(true);
            }
        }
        for span in spans {
            let mut here = self.word_slack(&words[span.first..span.last], span.capital_says_name);
            if !near_replaceable[span.first..span.last].contains(&true) {
                here += self.bigram_slack(words, ctx, span.first, span.last);
            }
            let e = slack
                .entry(span.written.as_str())
                .or_insert(f32::NEG_INFINITY);
            *e = e.max(here);
        }
        slack
    }

    /// What a window's words take off [`features::logit_bound`] (zero or less): `in_quote`
    /// and `capitalized_mid_sentence` are known before scoring, as [`Decoder::windows`] sets
    /// them.
    fn word_slack(&self, window: &[Word], capital_says_name: bool) -> f32 {
        let w = &self.weights;
        let in_quote = window.iter().any(|word| word.in_quote) as u8 as f32;
        let capitalized = capital_says_name as u8 as f32;
        (w[15] * in_quote - w[15].max(0.0)) + (w[19] * capitalized - w[19].max(0.0))
    }

    /// What the written side's bigrams take off [`features::logit_bound`] at one occurrence
    /// (zero or less): a side whose written bigram is attested fixes `spun_*_unseen` at 0 and
    /// leaves `cand_left_seen_spun_unseen` nothing to add.
    fn bigram_slack(&self, words: &[Word], ctx: &[&str], first: usize, last: usize) -> f32 {
        let w = &self.weights;
        let seg = words[first].segment;
        let unseen = |side: Option<[&str; 2]>| side.map(|g| self.lm.count(&g) == 0);
        let left =
            (first > 0 && words[first - 1].segment == seg).then(|| [ctx[first - 1], ctx[first]]);
        let right =
            (last < ctx.len() && words[last].segment == seg).then(|| [ctx[last - 1], ctx[last]]);
        let (l, r) = (unseen(left), unseen(right));
        let exact = |weight: f32, side: Option<bool>| weight * side.unwrap_or(false) as u8 as f32;
        let most = |weight: f32| weight.max(0.0);
        let unseen_sides = l.unwrap_or(false) as u8 as f32 + r.unwrap_or(false) as u8 as f32;
        (exact(w[2], l) - most(w[2]))
            + (exact(w[3], r) - most(w[3]))
            + ((w[18] * unseen_sides).max(0.0) - most(w[18] * 2.0))
    }

    /// [`Decoder::kept_candidates`] through the decoder's cache; `form` is `written` joined by
    /// spaces.
    fn cached_candidates(&self, written: &[&str], form: &str) -> Arc<Kept> {
        self.candidate_cache.get_or_compute(
            form.to_string(),
            || Arc::new(self.kept_candidates(written, form)),
            // Most phrases of two or three words have no candidates and are seldom seen
            // again: they would fill the cache with empty entries.
            |kept| written.len() == 1 || !kept.candidates.is_empty(),
        )
    }

    /// The channel's candidates for a written window (`form`: its words joined by spaces) that
    /// the language model knows, patterns first, then the most frequent, at most
    /// [`MAX_CANDIDATES`].
    fn kept_candidates(&self, written: &[&str], form: &str) -> Kept {
        let len = written.len();
        let drafts: Vec<DraftCandidate> = self
            .channel
            .draft_candidates(written)
            .into_iter()
            // A content word spun from a function word is rare.
            .filter(|c| !(len == 1 && is_function_word_original(&c.original)))
            .collect();
        // All the counts in one question: in a large model most of them miss the cache.
        let counts = self.phrase_counts(drafts.iter().map(|c| c.original.as_ref()));
        let mut kept: Vec<(DraftCandidate, u64)> = drafts
            .into_iter()
            .zip(counts)
            .filter(|&(_, count)| count > 0)
            .collect();
        kept.sort_by(|a, b| {
            (b.0.edge == EdgeKind::Pattern)
                .cmp(&(a.0.edge == EdgeKind::Pattern))
                .then(b.1.cmp(&a.1))
        });
        kept.truncate(MAX_CANDIDATES);
        let written_count = self.unigramish(written);
        let candidates: Vec<KeptCandidate> = kept
            .into_iter()
            .map(|(c, _)| {
                let words: Vec<&str> = c.original.split(' ').collect();
                let mut f = [0f32; features::N];
                f[0] = 1.0;
                (f[6], f[21]) = self.frequency_features(written_count, self.unigramish(&words));
                let cand_words = words.len();
                let candidate = c.into_candidate();
                candidate_features(&mut f, &candidate, len, cand_words);
                KeptCandidate {
                    // The pooled document counts are zero in `f`: `worth_scoring` adds them.
                    bound_before_pooling: features::logit_bound(&self.weights, &f),
                    insertion: contains_phrase(form, &candidate.original),
                    candidate,
                }
            })
            .collect();
        Kept {
            candidates: candidates.into_boxed_slice(),
        }
    }

    /// Count of each (normalized, space-joined) phrase, asked of the model at once; for a phrase
    /// longer than the model's order, the smallest count of its n-grams of the highest order.
    fn phrase_counts<'p>(&self, phrases: impl Iterator<Item = &'p str>) -> Vec<u64> {
        let order = self.lm.order().max(1);
        // Every phrase's words in one buffer; each n-gram asked is a range of it, with the
        // phrase it belongs to.
        let mut words: Vec<&str> = Vec::new();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let mut owners: Vec<usize> = Vec::new();
        let mut phrases_seen = 0;
        for (i, phrase) in phrases.enumerate() {
            let start = words.len();
            words.extend(phrase.split(' '));
            let len = words.len() - start;
            if len <= order {
                ranges.push((start, words.len()));
                owners.push(i);
            } else {
                for at in start..=words.len() - order {
                    ranges.push((at, at + order));
                    owners.push(i);
                }
            }
            phrases_seen = i + 1;
        }
        let grams: Vec<&[&str]> = ranges.iter().map(|&(a, b)| &words[a..b]).collect();
        let mut counts: Vec<Option<u64>> = vec![None; phrases_seen];
        for (owner, count) in owners.into_iter().zip(self.lm.counts(&grams)) {
            let least = &mut counts[owner];
            *least = Some(least.map_or(count, |c| c.min(count)));
        }
        counts.into_iter().map(|c| c.unwrap_or(0)).collect()
    }

    /// What the local features need of the written window, computed once for all its
    /// candidates. `ctx[first..last]` is the written window; `segs` gives the segment of each
    /// context word.
    fn window_base(&self, ctx: &[&str], segs: &[u32], first: usize, last: usize) -> WindowBase {
        let seg = segs[first];
        let order = self.lm.order().max(1);
        let mut lo = first;
        while lo > 0 && first - lo < order - 1 && segs[lo - 1] == seg {
            lo -= 1;
        }
        let mut hi = last;
        while hi < ctx.len() && hi - last < order - 1 && segs[hi] == seg {
            hi += 1;
        }
        let written = &ctx[first..last];
        let left_count = (first > lo).then(|| self.lm.count(&[ctx[first - 1], written[0]]));
        let right_count =
            (hi > last).then(|| self.lm.count(&[written[written.len() - 1], ctx[last]]));
        WindowBase {
            lo,
            hi,
            lp_written: self.seq_logprob(&ctx[lo..hi], first - lo),
            left_count,
            right_count,
            written_count: self.unigramish(written),
        }
    }

    /// Features that depend only on the window and its neighbours.
    fn local_features(
        &self,
        ctx: &[&str],
        first: usize,
        last: usize,
        wb: &WindowBase,
        c: &Candidate,
    ) -> Features {
        let mut f = [0f32; features::N];
        f[0] = 1.0;
        let (lo, hi) = (wb.lo, wb.hi);
        let cand: Vec<&str> = c.original.split(' ').collect();
        let mut alt: Vec<&str> = Vec::with_capacity(hi - lo + cand.len());
        alt.extend_from_slice(&ctx[lo..first]);
        alt.extend_from_slice(&cand);
        alt.extend_from_slice(&ctx[last..hi]);
        let from = first - lo;
        let lp_alt = self.seq_logprob(&alt, from);
        f[1] = (lp_alt - wb.lp_written).clamp(-5.0, 5.0);
        let written = &ctx[first..last];
        let left = if first > lo {
            Some(ctx[first - 1])
        } else {
            None
        };
        let right = if hi > last { Some(ctx[last]) } else { None };
        if let Some(l) = left {
            let s = wb.left_count.unwrap_or(0);
            let cc = self.lm.count(&[l, cand[0]]);
            f[2] = (s == 0) as u8 as f32;
            f[4] = (cc > 0) as u8 as f32;
            f[18] = (s == 0 && cc > 0) as u8 as f32;
        }
        if let Some(r) = right {
            let s = wb.right_count.unwrap_or(0);
            let cc = self.lm.count(&[cand[cand.len() - 1], r]);
            f[3] = (s == 0) as u8 as f32;
            f[5] = (cc > 0) as u8 as f32;
            f[18] += (s == 0 && cc > 0) as u8 as f32;
        }
        (f[6], f[21]) = self.frequency_features(wb.written_count, self.unigramish(&cand));
        candidate_features(&mut f, c, written.len(), cand.len());
        f
    }

    /// `log_freq_ratio` and `log_written_per_million` from the counts of the written phrase and
    /// of the candidate ([`Decoder::unigramish`]).
    fn frequency_features(&self, written_count: u64, candidate_count: u64) -> (f32, f32) {
        let (cw, cc) = (written_count, candidate_count);
        (
            (((cc + 1) as f32).log10() - ((cw + 1) as f32).log10()).clamp(-4.0, 4.0),
            ((cw as f32 + 0.5) * 1e6 / self.lm.total_words().max(1) as f32).log10(),
        )
    }

    /// Frequency of a phrase: the count of its rarest word (a cheap stand-in for phrase counts
    /// that every model has).
    fn unigramish(&self, words: &[&str]) -> u64 {
        if words.len() <= self.lm.order() {
            let c = self.lm.count(words);
            if c > 0 || words.len() == 1 {
                return c;
            }
        }
        words
            .iter()
            .filter(|w| !is_function_word(w))
            .map(|w| self.lm.count(&[w]))
            .min()
            .unwrap_or_else(|| words.iter().map(|w| self.lm.count(&[w])).min().unwrap_or(0))
    }

    /// Sum of log10 P(word | context) for the words of `seq` from `from` on.
    fn seq_logprob(&self, seq: &[&str], from: usize) -> f32 {
        self.lm.seq_log_prob(seq, from)
    }

    /// Document pooling: the same swap everywhere in the document.
    fn pool(&self, words: &[Word], windows: &mut [Window]) {
        // Occurrences of each (written, candidate) pair: summed local gain, how many, how many
        // with a positive gain.
        let mut pairs: FxHashMap<(&str, &str), (f32, u32, u32)> = FxHashMap::default();
        // How often each candidate phrase (1–3 words) and each written form is itself written in
        // the document: only those phrases are counted (every n-gram of the document was a
        // string allocation each).
        let mut doc_ngrams: FxHashMap<&str, u32> = FxHashMap::default();
        for w in windows.iter() {
            doc_ngrams.insert(w.written.as_str(), 0);
            for c in &w.candidates {
                let e = pairs
                    .entry((w.written.as_str(), c.candidate.original.as_ref()))
                    .or_insert((0.0, 0, 0));
                e.0 += c.features[1].clamp(-3.0, 3.0);
                e.1 += 1;
                e.2 += (c.features[1] > 0.0) as u32;
                doc_ngrams.insert(c.candidate.original.as_ref(), 0);
            }
        }
        count_in_document(words, &mut doc_ngrams);
        let pooled: Vec<Vec<[f32; 5]>> = windows
            .iter()
            .map(|w| {
                w.candidates
                    .iter()
                    .map(|c| {
                        let (sum, n, pos) =
                            pairs[&(w.written.as_str(), c.candidate.original.as_ref())];
                        let in_doc = doc_ngrams
                            .get(c.candidate.original.as_ref())
                            .copied()
                            .unwrap_or(0);
                        let own = c.features[1].clamp(-3.0, 3.0);
                        let written_in_doc =
                            doc_ngrams.get(w.written.as_str()).copied().unwrap_or(1);
                        let insertion = contains_phrase(&w.written, &c.candidate.original);
                        let (ln_n, ln_in_doc, share_minus_one) =
                            pair_features(insertion, n, in_doc, written_in_doc);
                        let others = if n > 1 {
                            (sum - own) / (n - 1) as f32
                        } else {
                            0.0
                        };
                        [
                            others,
                            ln_n,
                            ln_in_doc,
                            pos as f32 / n as f32,
                            share_minus_one,
                        ]
                    })
                    .collect()
            })
            .collect();
        for (w, p) in windows.iter_mut().zip(pooled) {
            for (c, v) in w.candidates.iter_mut().zip(p) {
                c.features[12] = v[0];
                c.features[13] = v[1];
                c.features[14] = v[2];
                c.features[20] = v[3];
                c.features[22] = v[4];
                c.logit = logit(&self.weights, &c.features);
            }
            sort_by_logit(&mut w.candidates);
        }
    }
}

/// Candidates best first.
fn sort_by_logit(candidates: &mut [ScoredCandidate]) {
    candidates.sort_by(|a, b| {
        b.logit
            .partial_cmp(&a.logit)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// Windows of `order` (most probable first) that overlap no word already `taken`, marking their
/// words taken; `taken[i]` stands for word `offset + i`. A flag per word, not a list of taken
/// spans: the list made long texts quadratic.
fn take_free(windows: &[Window], order: &[usize], taken: &mut [bool], offset: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for &k in order {
        let w = &windows[k];
        let words = &mut taken[w.first - offset..w.last - offset];
        if !words.contains(&true) {
            words.fill(true);
            out.push(k);
        }
    }
    out
}

/// Count in the document's words (n-grams of 1–3 words within a segment) every phrase that is a
/// key of `phrases`: only those phrases are counted (every n-gram of the document was a string
/// allocation each).
fn count_in_document(words: &[Word], phrases: &mut FxHashMap<&str, u32>) {
    let mut key = String::new();
    for i in 0..words.len() {
        key.clear();
        for n in 0..3 {
            let j = i + n;
            if j >= words.len() || words[j].segment != words[i].segment {
                break;
            }
            if n > 0 {
                key.push(' ');
            }
            key.push_str(&words[j].norm);
            if let Some(count) = phrases.get_mut(key.as_str()) {
                *count += 1;
            }
        }
    }
}

/// The pooled features of a (written, original) pair that do not depend on the language model:
/// ln of its occurrences, ln(1 + how often the original itself is written), and the written
/// form's share of the two minus one (key consistency). `insertion`: the original is part of
/// the written phrase ([`contains_phrase`]).
fn pair_features(
    insertion: bool,
    occurrences: u32,
    original_in_doc: u32,
    written_in_doc: u32,
) -> (f32, f32, f32) {
    // A spinner applies its key everywhere, so the original all but disappears from a spun
    // document (seed001: "as well as" 56 times, "and" twice), while a writer who chose "as well
    // as" still writes "and" all the time. The written form's share of the two, minus one: zero
    // when the original is absent, near -1 when it dominates.
    let written_in_doc = written_in_doc.max(1);
    // Insertions ("has" → "has actually") are not keys: a spinner pads only where the syntax
    // allows, so the bare form stays common.
    let share = if insertion {
        1.0
    } else {
        written_in_doc as f32 / (written_in_doc + original_in_doc) as f32
    };
    (
        (occurrences as f32).ln(),
        (1.0 + original_in_doc as f32).ln(),
        share - 1.0,
    )
}

/// The features of a candidate that depend only on it and the window's length: edge kind,
/// inflection, fan-in, extra words on either side.
fn candidate_features(f: &mut Features, c: &Candidate, written_words: usize, cand_words: usize) {
    match c.edge {
        EdgeKind::Both => f[7] = 1.0,
        EdgeKind::WordNet => f[8] = 1.0,
        EdgeKind::Pattern => f[9] = 1.0,
        EdgeKind::Moby => {}
    }
    f[10] = c.inflected as u8 as f32;
    f[11] = (c.fan_in.max(1) as f32).ln();
    f[16] = (written_words - 1) as f32;
    f[17] = (cand_words - 1) as f32;
}

/// A window of the document's words `first..last`, its written form (normalized words joined
/// by spaces) and that form's candidates.
struct Span {
    first: usize,
    last: usize,
    written: String,
    kept: Arc<Kept>,
    /// Whether the window's capital says "name" (the `capitalized_mid_sentence` feature): not
    /// at the start of a sentence, and not a spinner pattern in a title-cased line.
    capital_says_name: bool,
}

/// A written form's kept candidates (see [`Decoder::kept_candidates`]).
#[derive(Debug)]
struct Kept {
    /// A boxed slice, not a `Vec`: collecting in place would keep the capacity of every draft
    /// candidate (~90) in a cache of 200,000 forms (measured: +60 MB peak RSS).
    candidates: Box<[KeptCandidate]>,
}

/// A kept candidate with what [`Decoder::worth_scoring`] needs of it that does not depend on
/// the document.
#[derive(Debug)]
struct KeptCandidate {
    candidate: Candidate,
    /// [`features::logit_bound`] with the pooled document counts (`ln_occurrences`,
    /// `ln_cand_in_doc`, `written_share_minus_one`) at zero.
    bound_before_pooling: f32,
    /// The original is part of the written phrase ("has" in "has actually").
    insertion: bool,
}

/// Whether the space-separated words of `needle` occur in a row among those of `haystack`.
fn contains_phrase(haystack: &str, needle: &str) -> bool {
    if needle.len() >= haystack.len() {
        return needle == haystack;
    }
    haystack.match_indices(needle).any(|(at, _)| {
        let end = at + needle.len();
        (at == 0 || haystack.as_bytes()[at - 1] == b' ')
            && (end == haystack.len() || haystack.as_bytes()[end] == b' ')
    })
}

/// The written window's side of the local features (see [`Decoder::window_base`]).
struct WindowBase {
    /// Context span `lo..hi` around the window, within its segment.
    lo: usize,
    hi: usize,
    /// log10 probability of the written words and the ones after them.
    lp_written: f32,
    /// Counts of the bigrams the window's first word makes with its left neighbour and its last
    /// word with its right neighbour (None at a segment edge).
    left_count: Option<u64>,
    right_count: Option<u64>,
    written_count: u64,
}

/// The words around a window, with other windows' replacements written in: what the window
/// is rescored against. `seq[first..last]` is the window as written.
struct Context {
    seq: Vec<String>,
    seg: Vec<u32>,
    first: usize,
    last: usize,
}

/// The context of the window `words[first..last]`: [`CONTEXT_MARGIN`] words on each side (the
/// features look at most `order - 1` words to each side, so a few are enough; the whole
/// document here made long texts quadratic). `replacement(i)` is what word `i` outside the
/// window reads as: `None` as written, `Some("")` nothing (a replaced window's other words),
/// or a replaced window's original (on its first word).
fn context_around<'a>(
    words: &[Word],
    first: usize,
    last: usize,
    replacement: impl Fn(usize) -> Option<&'a str>,
) -> Context {
    let lo = first.saturating_sub(CONTEXT_MARGIN);
    let hi = (last + CONTEXT_MARGIN).min(words.len());
    let mut ctx = Context {
        seq: Vec::new(),
        seg: Vec::new(),
        first: 0,
        last: 0,
    };
    for (i, word) in words.iter().enumerate().take(hi).skip(lo) {
        if i == first {
            ctx.first = ctx.seq.len();
        }
        if i == last {
            ctx.last = ctx.seq.len();
        }
        let r = if (first..last).contains(&i) {
            None
        } else {
            replacement(i)
        };
        match r {
            Some("") => {}
            Some(s) => {
                for part in s.split(' ') {
                    ctx.seq.push(part.to_string());
                    ctx.seg.push(word.segment);
                }
            }
            None => {
                ctx.seq.push(word.norm.clone());
                ctx.seg.push(word.segment);
            }
        }
    }
    if last >= hi {
        ctx.last = ctx.seq.len();
    }
    ctx
}

/// Indices of the features [`Decoder::local_features`] computes (refreshed in the second pass).
const LOCAL: [usize; 8] = [1, 2, 3, 4, 5, 6, 18, 21];

/// Shortest line taken to be hard-wrapped: wrapping tools fill lines to 70–80 characters, while
/// a list item, a table cell or a verse line (markup extraction puts a single line end between
/// block elements, the bullet left out) is usually short.
const WRAPPED_LINE_MIN: usize = 40;

/// Words that title case leaves in lower case (articles, short conjunctions and prepositions).
const TITLE_LOWER: &[&str] = &[
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of",
    "off", "on", "to", "up", "via", "vs", "with", "from", "into", "onto", "over", "upon", "than",
    "per",
];

/// Whether a sentence's words are in title case, as a headline or a page title is ("Brand-New
/// Tax Obligations Will Aid The Economic Climate"): three or more capitalised words besides the
/// first, and every other word one that title case leaves in lower case. In running text a run of
/// capitalised words is a name; in such a line it may be any phrase.
fn titled_sentence<'t>(words: impl Iterator<Item = &'t str>) -> bool {
    let mut capitalised = 0usize;
    for (i, w) in words
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .enumerate()
    {
        if w.starts_with(char::is_uppercase) {
            capitalised += usize::from(i > 0);
        } else if !TITLE_LOWER.contains(&w) {
            return false;
        }
    }
    capitalised >= 3
}

/// A window of a title-cased line whose written words are a spinner pattern ("Tax Obligations",
/// "As Well As"): read as the phrase, not as a name. Other runs of capitalised words in such a
/// line are still left to the names check, which knows names ("Head Of State Biden"), and so is
/// one in quotation marks: a title of a work ("“Right Here Waiting”").
fn title_cased_pattern(window: &[Word], form: &str) -> bool {
    window[0].titled
        && !window.iter().any(|w| w.in_quote)
        && crate::channel::is_pattern_written(form)
}

/// Whether the line end in `gap` (the text between the token ending at byte `line_end` of `text`
/// and the next token, `next`) only wraps a sentence onto the next line, as hard-wrapped text
/// (e-mail, plain-text news, PDF extracts) does: one line end, no blank line, a long line before
/// it ([`WRAPPED_LINE_MIN`]), and the next line going on with a word in lower case. A phrase split
/// there ("a political⏎election") is read whole. A line that starts with a capital, a number or a
/// bullet, or follows a short one, may be an item of its own, so it stays a boundary.
fn wrapped_line(text: &str, line_end: usize, gap: &str, next: &str) -> bool {
    gap.matches('\n').count() == 1
        && next.chars().next().is_some_and(char::is_lowercase)
        && crate::token::line_length_before(text, line_end) >= WRAPPED_LINE_MIN
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::CountsModel;
    use crate::token::tokenize;

    #[test]
    fn phrases_are_found_on_word_boundaries_only() {
        assert!(contains_phrase("has actually", "has"));
        assert!(contains_phrase("as well as", "well as"));
        assert!(contains_phrase("as well as", "as"));
        assert!(!contains_phrase("has actually", "actual"));
        assert!(!contains_phrase("washing", "as"));
        assert!(!contains_phrase("as well", "as well as"));
    }

    fn toy_model() -> Arc<dyn LanguageModel> {
        let mut m = CountsModel::new(3);
        let corpus = [
            "ukrainian forces advanced on the city",
            "russian forces retreated from the city",
            "the president said the forces were ready",
            "the president of the country spoke",
            "market pressures rose last year",
            "the war ended and the army left",
            "he went to the war and came back",
        ];
        for _ in 0..20 {
            for s in corpus {
                let w: Vec<&str> = s.split(' ').collect();
                m.add_sentence(&w);
            }
        }
        Arc::new(m)
    }

    /// A sentence in capitals (a shouted headline, a text typed in caps) is read as its words:
    /// before, every word of it was an "acronym" and kept, so nothing in it was ever found.
    #[test]
    fn a_sentence_in_capitals_is_read_as_its_words() {
        let d = Decoder::new(crate::lm::default_model());
        let lower = "Joe Biden and his aides has actually left the building.";
        let upper = lower.to_uppercase();
        let found = |t: &str| -> Vec<(String, f32)> {
            d.find_above(t, &tokenize(t), 0.5)
                .into_iter()
                .map(|f| (f.suggestion.to_lowercase(), f.confidence))
                .collect()
        };
        assert!(!found(lower).is_empty());
        assert_eq!(found(&upper), found(lower));
        // A real acronym in ordinary text is still kept.
        let w = d.words("NATO met.", &tokenize("NATO met."));
        assert!(w[0].protected && !w[0].shouted);
    }

    /// A headline in title case is read for the spinner's phrases: "Tax Obligations" there is the
    /// phrase, not a name. In running text the same capitalised run stays a name.
    #[test]
    fn a_title_cased_line_is_read_for_spinner_phrases() {
        let d = Decoder::new(crate::lm::default_model());
        let found = |t: &str| -> Vec<String> {
            d.find_above(t, &tokenize(t), 0.5)
                .into_iter()
                .map(|f| format!("{} -> {}", f.text, f.suggestion))
                .collect()
        };
        let heading = "Brand-New Tax Obligations Will Aid The Economic Climate";
        let found_heading = found(heading);
        assert!(
            found_heading.contains(&"Tax Obligations -> Taxes".to_string())
                && found_heading.contains(&"Economic Climate -> Economy".to_string()),
            "{found_heading:?}"
        );
        // A quoted title in a headline is a title of a work.
        let quoted = "Richard Marx Brings \u{201C}Right Here Waiting\u{201D} Back To The Stage";
        assert!(found(quoted).is_empty(), "{:?}", found(quoted));
        let running = "The report of the Economic Climate Council was read in parliament today.";
        assert!(found(running).is_empty(), "{:?}", found(running));
    }

    #[test]
    fn titled_sentences_are_headlines_not_prose() {
        let titled = |s: &str| titled_sentence(s.split_whitespace());
        assert!(titled(
            "Brand-New Tax Obligations Will Aid The Economic Climate"
        ));
        assert!(titled("Why Voters Are Angry at the Government of the Day"));
        assert!(!titled("Joe Biden met the President of France on Monday"));
        assert!(
            !titled("United Nations"),
            "two capitalised words are a name"
        );
        assert!(!titled("Early life and career"));
    }

    #[test]
    fn adjacent_replacements_are_chosen_jointly() {
        // Neither "unique" → "special" nor "army" → "military" reads better alone (each makes
        // an unseen bigram with the other written word); together they restore a frequent
        // phrase. The search over the lattice finds it; a window-by-window choice cannot.
        let mut m = CountsModel::new(3);
        for _ in 0..30 {
            for s in [
                "they began a special military operation",
                "the special military operation began",
                "a unique chance came",
                "the army left the city",
            ] {
                m.add_sentence(&s.split(' ').collect::<Vec<_>>());
            }
        }
        let mut weights = [0f32; features::N];
        weights[0] = -2.0; // bias
        weights[1] = 1.0; // language-model gain
        let d = Decoder::new(Arc::new(m)).with_weights(weights);
        let text = "They began a unique army operation.";
        let toks = tokenize(text);
        let alone = d.analyze(text, &toks);
        for w in &alone.windows {
            let p = w.best().map_or(0.0, |b| sigmoid(b.logit));
            assert!(p < 0.5, "{} alone at {p}", w.written);
        }
        let found = d.find(text, &toks);
        let restored: Vec<(&str, &str)> = found
            .iter()
            .filter(|f| f.confidence >= 0.5)
            .map(|f| (f.text.as_str(), f.suggestion.as_str()))
            .collect();
        assert_eq!(
            restored,
            [("unique", "special"), ("army", "military")],
            "{found:?}"
        );
    }

    /// The written bigrams tighten the bound only away from windows that could be replaced:
    /// near one, the second pass may rescore a window in a new context.
    #[test]
    fn no_bigram_slack_near_a_window_that_could_be_replaced() {
        let d = Decoder::new(crate::lm::default_model()).with_weights(features::WEIGHTS);
        let text = "The old army waited near the quiet river while the young soldiers rested \
                    in the small house by the large field.";
        let toks = tokenize(text);
        let words = d.words(text, &toks);
        let ctx: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
        let spans = d.window_spans(text, &toks, &words, &ctx);
        let once: Vec<&Span> = spans
            .iter()
            .filter(|s| spans.iter().filter(|t| t.written == s.written).count() == 1)
            .collect();
        // The first window could be replaced; every other one could not.
        let replaceable = once[0];
        let bounds: FxHashMap<&str, Vec<f32>> = spans
            .iter()
            .map(|s| {
                let b = if s.written == replaceable.written {
                    1.0
                } else {
                    -5.0
                };
                (s.written.as_str(), vec![b; s.kept.candidates.len()])
            })
            .collect();
        let slack = d.form_slack(&words, &ctx, &spans, &bounds);
        let (mut near, mut far) = (0, 0);
        for s in &once[1..] {
            let own = d.word_slack(&words[s.first..s.last], s.capital_says_name);
            let bigrams = d.bigram_slack(&words, &ctx, s.first, s.last);
            if bigrams == 0.0 {
                continue;
            }
            if s.first < replaceable.last + REANALYSIS_REACH
                && replaceable.first < s.last + REANALYSIS_REACH
            {
                near += 1;
                assert_eq!(slack[s.written.as_str()], own, "{}", s.written);
            } else {
                far += 1;
                assert_eq!(slack[s.written.as_str()], own + bigrams, "{}", s.written);
            }
        }
        assert!(near > 0 && far > 0, "{near} near, {far} far");
    }

    #[test]
    fn leaves_multi_word_names_to_the_names_check() {
        let d = Decoder::new(toy_model());
        let text = "Yesterday Vladimir Putin spoke to Soviet Union veterans.";
        let found = d.find(text, &tokenize(text));
        assert!(
            found
                .iter()
                .all(|f| !f.text.contains(' ') || !f.text.starts_with(char::is_uppercase)),
            "{found:?}"
        );
    }

    /// A name joined by connectors ("Republic of China") is no window of the channel, which
    /// would offer "China" for it (WordNet lists both); its lower-case words still are.
    #[test]
    fn names_with_connectors_are_no_windows() {
        let d = Decoder::new(crate::lm::default_model());
        let text = "The Republic of China and the republic of china signed in order to trade.";
        let windows: Vec<String> = d
            .analyze(text, &tokenize(text))
            .windows
            .into_iter()
            .map(|w| text[w.start..w.end].to_string())
            .collect();
        assert!(
            !windows.iter().any(|w| w == "Republic of China"),
            "{windows:?}"
        );
        assert!(
            windows.iter().any(|w| w == "republic of china"),
            "{windows:?}"
        );
    }

    #[test]
    fn protects_names_numbers_and_unknown_words() {
        let d = Decoder::new(toy_model());
        let text = "The Zelenskyy forces said 1,700 forces";
        let toks = tokenize(text);
        let words = d.words(text, &toks);
        let z = words.iter().find(|w| w.norm == "zelenskyy").unwrap();
        assert!(z.protected);
        let f = words.iter().find(|w| w.norm == "forces").unwrap();
        assert!(!f.protected);
        assert!(words.windows(2).any(|p| p[0].segment != p[1].segment));
    }

    #[test]
    fn a_pattern_whose_original_dominates_the_document_is_not_a_spin() {
        // The same "as well as" in a text that writes "and" everywhere else (a writer's choice)
        // and in one where "and" has all but disappeared (a spinner's key).
        let d = Decoder::new(crate::lm::default_model());
        let confidence = |text: &str| -> f32 {
            d.find(text, &tokenize(text))
                .iter()
                .filter(|f| f.text == "as well as" && f.suggestion == "and")
                .map(|f| f.confidence)
                .fold(0.0, f32::max)
        };
        let written = "Cats and dogs and birds live here and there. Tea and coffee and milk and \
                       water were served, and we stayed. We bought apples as well as pears.";
        let spun = "Cats as well as dogs live here. Tea as well as coffee was served. \
                    We bought apples as well as pears.";
        let (w, s) = (confidence(written), confidence(spun));
        assert!(w < 0.5, "writer's own phrase flagged at {w}");
        assert!(s >= 0.5, "spinner's key missed ({s})");
    }

    #[test]
    fn prefers_the_attested_original() {
        let d = Decoder::new(toy_model());
        let text =
            "Ukrainian pressures advanced on the city. Russian pressures retreated from the city.";
        let toks = tokenize(text);
        let a = d.analyze(text, &toks);
        let w = a
            .windows
            .iter()
            .find(|w| w.written == "pressures")
            .expect("a window on pressures");
        assert_eq!(&*w.best().unwrap().candidate.original, "forces");
        // The second occurrence pools the first one's evidence.
        assert!(w.best().unwrap().features[12] > 0.0);
    }

    /// Scores `text` in full and with the hopeless candidates skipped at several thresholds:
    /// every candidate that could be a finding or an alternative keeps its exact logit, and the
    /// findings are the same. Returns how many candidates were scored in full and at 0.5.
    fn assert_skipping_is_exact(d: &Decoder, text: &str) -> (usize, usize) {
        let toks = tokenize(text);
        let scored = |a: &Analysis| a.windows.iter().map(|w| w.candidates.len()).sum::<usize>();
        let full_analysis = d.analyze(text, &toks);
        let likely = |a: &Analysis, floor: f32| -> Vec<(usize, usize, String, u32)> {
            let mut v: Vec<_> = a
                .windows
                .iter()
                .flat_map(|w| {
                    w.candidates
                        .iter()
                        .filter(|c| sigmoid(c.logit) >= floor)
                        .map(|c| {
                            (
                                w.first,
                                w.last,
                                c.candidate.original.to_string(),
                                c.logit.to_bits(),
                            )
                        })
                })
                .collect();
            v.sort();
            v
        };
        for min in [0.1f32, 0.3, 0.5] {
            let floor = ALTERNATIVE_SHARE * min;
            let expected = likely(&full_analysis, floor);
            assert!(!expected.is_empty());
            assert_eq!(likely(&d.analyze_above(text, &toks, min), floor), expected);
            let above = |fs: Vec<Finding>| -> Vec<Finding> {
                fs.into_iter().filter(|f| f.confidence >= min).collect()
            };
            let full = above(d.find(text, &toks));
            assert!(!full.is_empty(), "nothing found at {min}");
            assert_eq!(above(d.find_above(text, &toks, min)), full, "at {min}");
        }
        (
            scored(&full_analysis),
            scored(&d.analyze_above(text, &toks, 0.5)),
        )
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn findings_above_a_threshold_are_the_same_without_the_hopeless_candidates() {
        let mut d = Decoder::new(crate::lm::default_model());
        let (all, fewer) = assert_skipping_is_exact(&d, &fixture("serve-spun-copy.txt"));
        // Under the bigram weights the bound rules most candidates out, and the words' own
        // features (`Decoder::word_slack`) some more.
        assert!(fewer * 2 < all, "{fewer} of {all} candidates scored");
        d.tighten_by_occurrence = false;
        let (_, by_pairs_alone) = assert_skipping_is_exact(&d, &fixture("serve-spun-copy.txt"));
        assert!(
            fewer < by_pairs_alone,
            "{fewer} scored, {by_pairs_alone} by the pairs alone"
        );
    }

    /// Under the weights of order 3 the written bigrams of each occurrence tighten the bound
    /// (`Decoder::form_slack`), except near a window that could be replaced; and so do the words'
    /// own features.
    #[test]
    fn skipping_by_the_written_bigrams_is_exact_too() {
        use fst::Streamer;
        let source = fixture("serve-source.txt");
        let words: Vec<String> = source
            .split_whitespace()
            .map(|w| normalize(w.trim_matches(|c: char| !c.is_alphanumeric())).into_owned())
            .filter(|w| !w.is_empty())
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        // The embedded model's counts, and the source's trigrams: the spun copy's swaps are
        // unattested, their originals are not.
        let mut m = CountsModel::new(3);
        let embedded = crate::lm::default_model();
        for order in 1..=2 {
            let mut stream = embedded.map(order).unwrap().stream();
            while let Some((key, count)) = stream.next() {
                let key = std::str::from_utf8(key).unwrap();
                m.add_ngram(&key.split(' ').collect::<Vec<_>>(), count);
            }
        }
        for _ in 0..5 {
            m.add_sentence(&words);
        }
        let mut d = Decoder::new(Arc::new(m));
        let (all, fewer) = assert_skipping_is_exact(&d, &fixture("serve-spun-copy.txt"));
        d.tighten_by_occurrence = false;
        let (_, by_pairs_alone) = assert_skipping_is_exact(&d, &fixture("serve-spun-copy.txt"));
        assert!(
            fewer < by_pairs_alone && by_pairs_alone < all,
            "{fewer} scored, {by_pairs_alone} by the pairs' bounds alone, {all} in all"
        );
    }
}
