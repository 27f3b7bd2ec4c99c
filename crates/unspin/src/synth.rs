//! A spinner simulator, for evaluation and training only.
//!
//! Real spun articles with their originals are rare, so the engine's scorers are fitted and
//! measured on *synthetic* spins of clean text: [`spin`] replaces a chosen share of content words
//! by thesaurus synonyms ([`Lexicon::synonyms`], the direction a spinner follows), carrying the
//! inflection over (`forces` → `pressures`, `sought` → `looked for`), and, with
//! [`SpinOptions::function_words`], applies the function-word patterns real spinners add
//! ("and" → "as well as", "has gone" → "has actually gone", "will" → "will certainly").
//!
//! Like a real spinner it uses one substitution key per document (every chosen occurrence of
//! `forces` becomes the same `pressures`), keeps numbers, and by default keeps names
//! (capitalised words inside a sentence). It returns the spun text and every substitution with
//! its byte span in both texts, so span-level detectors and tracing can be scored exactly.
//!
//! Randomness: a seeded SplitMix64 generator written here rather than `rand`'s `StdRng`,
//! because `StdRng`'s algorithm may change between `rand` releases, and the synthetic sets
//! behind our published figures must come out byte-identical from the same seed forever.

use std::collections::{HashMap, HashSet};

use crate::lexicon::{Lexicon, TermId};
use crate::lm::LanguageModel;
use crate::token::{match_case, normalize, sentences, tokenize, Case, Token, TokenKind};

/// How to spin.
#[derive(Debug, Clone)]
pub struct SpinOptions {
    /// Share of eligible content words replaced, in [0, 1] (e.g. 0.3, 0.6, 0.9).
    pub rate: f32,
    /// Also apply the function-word patterns of real spinners, each eligible occurrence with
    /// probability `rate`.
    pub function_words: bool,
    /// Also spin capitalised words inside sentences (names and titles: "Battle of Narva" →
    /// "Fight of Narva"), as real spinners do. Off by default: names are kept.
    pub capitalized: bool,
    /// Seed of the generator: the same text, options and seed give the same output.
    pub seed: u64,
    /// With a language model, synonyms seen fewer than this many times in its corpus are not
    /// used (spinners pick words of common use); ignored without a model.
    pub min_count: u64,
}

impl Default for SpinOptions {
    fn default() -> Self {
        SpinOptions {
            rate: 0.6,
            function_words: true,
            capitalized: false,
            seed: 1,
            min_count: 5,
        }
    }
}

/// What kind of substitution was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubstitutionKind {
    /// A content word replaced by a thesaurus synonym.
    Synonym,
    /// A function-word pattern ("and" → "as well as").
    Function,
}

/// One substitution: `original` at `orig_start..orig_end` of the input became `spun` at
/// `spun_start..spun_end` of the output. Byte offsets, half-open.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Substitution {
    pub orig_start: usize,
    pub orig_end: usize,
    pub spun_start: usize,
    pub spun_end: usize,
    pub original: String,
    pub spun: String,
    pub kind: SubstitutionKind,
}

/// The spun text and its substitutions, in document order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spun {
    pub text: String,
    pub substitutions: Vec<Substitution>,
}

impl Spun {
    /// Number of word tokens of the original that were replaced.
    pub fn replaced_words(&self) -> usize {
        self.substitutions
            .iter()
            .map(|s| tokenize(&s.original).iter().filter(|t| t.is_word()).count())
            .sum()
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fixed forever (see the module doc).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Function words: never spun as content words (the patterns below handle some of them).
#[rustfmt::skip]
pub const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "again", "against", "all", "almost", "along",
    "already", "also", "although", "always", "am", "among", "an", "and", "another", "any", "are",
    "around", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either",
    "even", "ever", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in",
    "into", "is", "it", "its", "itself", "just", "less", "many", "may", "me", "might", "more",
    "most", "much", "must", "my", "myself", "neither", "never", "no", "nor", "not", "now", "of",
    "off", "often", "on", "once", "one", "only", "or", "other", "others", "our", "ours", "out",
    "over", "own", "per", "quite", "rather", "same", "shall", "she", "should", "since", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "though", "through", "thus", "to", "too", "under", "until",
    "up", "upon", "us", "very", "was", "we", "were", "what", "when", "where", "whether", "which",
    "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet",
    "you", "your", "yours", "'s", "s", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "first", "second", "third", "mr", "mrs", "ms", "dr", "st", "de", "la", "le",
    "von", "van", "der", "del", "da", "di", "du", "et", "al", "e", "g", "ie", "eg",
];

/// Function-word patterns of real spinners: a normalized token sequence, its replacements
/// (one is chosen per document), and a condition on the word that follows.
struct FunctionPattern {
    from: &'static [&'static str],
    to: &'static [&'static str],
    next: Next,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    Any,
    /// A past participle follows ("has gone"): only auxiliary "has"/"have" are spun.
    Participle,
    /// A content word follows ("any weapons", "will send").
    ContentWord,
}

#[rustfmt::skip]
const FUNCTION_PATTERNS: &[FunctionPattern] = &[
    FunctionPattern { from: &["and"], to: &["as well as"], next: Next::Any },
    FunctionPattern { from: &["has"], to: &["has actually"], next: Next::Participle },
    FunctionPattern { from: &["have"], to: &["have actually"], next: Next::Participle },
    FunctionPattern { from: &["had"], to: &["had really"], next: Next::Participle },
    FunctionPattern { from: &["will"], to: &["will certainly"], next: Next::ContentWord },
    FunctionPattern { from: &["any"], to: &["any type of", "any kind of"], next: Next::ContentWord },
    FunctionPattern { from: &["also"], to: &["additionally", "likewise"], next: Next::Any },
    FunctionPattern { from: &["but"], to: &["yet", "however"], next: Next::Any },
    FunctionPattern { from: &["because"], to: &["due to the fact that", "since"], next: Next::Any },
    FunctionPattern { from: &["about"], to: &["regarding", "concerning"], next: Next::Any },
    FunctionPattern { from: &["very"], to: &["extremely", "really"], next: Next::ContentWord },
    FunctionPattern { from: &["many"], to: &["numerous", "lots of"], next: Next::ContentWord },
    FunctionPattern { from: &["often"], to: &["frequently", "commonly"], next: Next::Any },
    FunctionPattern { from: &["now"], to: &["currently", "now"], next: Next::Any },
    FunctionPattern { from: &["how"], to: &["just how", "exactly how"], next: Next::Any },
    FunctionPattern { from: &["more"], to: &["even more", "more"], next: Next::ContentWord },
    FunctionPattern { from: &["could"], to: &["might", "can"], next: Next::ContentWord },
    FunctionPattern { from: &["even"], to: &["also", "even"], next: Next::Any },
    FunctionPattern { from: &["going", "to"], to: &["mosting likely to", "going to"], next: Next::ContentWord },
    FunctionPattern { from: &["in", "order", "to"], to: &["in order to", "to"], next: Next::Any },
    FunctionPattern { from: &["as", "well", "as"], to: &["in addition to", "along with"], next: Next::Any },
];

/// Irregular verbs: base, past, past participle. Used both to analyse an original word
/// ("fought" → fight + past) and to inflect a synonym ("seek" + past → "sought").
#[rustfmt::skip]
const IRREGULAR: &[(&str, &str, &str)] = &[
    ("be", "was", "been"), ("become", "became", "become"), ("begin", "began", "begun"),
    ("bend", "bent", "bent"), ("bind", "bound", "bound"), ("bite", "bit", "bitten"),
    ("blow", "blew", "blown"), ("break", "broke", "broken"), ("breed", "bred", "bred"),
    ("bring", "brought", "brought"), ("build", "built", "built"), ("buy", "bought", "bought"),
    ("catch", "caught", "caught"), ("choose", "chose", "chosen"), ("come", "came", "come"),
    ("cost", "cost", "cost"), ("cut", "cut", "cut"), ("deal", "dealt", "dealt"),
    ("dig", "dug", "dug"), ("do", "did", "done"), ("draw", "drew", "drawn"),
    ("drink", "drank", "drunk"), ("drive", "drove", "driven"), ("eat", "ate", "eaten"),
    ("fall", "fell", "fallen"), ("feed", "fed", "fed"), ("feel", "felt", "felt"),
    ("fight", "fought", "fought"), ("find", "found", "found"), ("flee", "fled", "fled"),
    ("fly", "flew", "flown"), ("forget", "forgot", "forgotten"), ("freeze", "froze", "frozen"),
    ("get", "got", "gotten"), ("give", "gave", "given"), ("go", "went", "gone"),
    ("grow", "grew", "grown"), ("hang", "hung", "hung"), ("have", "had", "had"),
    ("hear", "heard", "heard"), ("hide", "hid", "hidden"), ("hit", "hit", "hit"),
    ("hold", "held", "held"), ("hurt", "hurt", "hurt"), ("keep", "kept", "kept"),
    ("know", "knew", "known"), ("lay", "laid", "laid"), ("lead", "led", "led"),
    ("leave", "left", "left"), ("lend", "lent", "lent"), ("let", "let", "let"),
    ("lie", "lay", "lain"), ("light", "lit", "lit"), ("lose", "lost", "lost"),
    ("make", "made", "made"), ("mean", "meant", "meant"), ("meet", "met", "met"),
    ("pay", "paid", "paid"), ("put", "put", "put"), ("read", "read", "read"),
    ("ride", "rode", "ridden"), ("ring", "rang", "rung"), ("rise", "rose", "risen"),
    ("run", "ran", "run"), ("say", "said", "said"), ("see", "saw", "seen"),
    ("seek", "sought", "sought"), ("sell", "sold", "sold"), ("send", "sent", "sent"),
    ("set", "set", "set"), ("shake", "shook", "shaken"), ("shoot", "shot", "shot"),
    ("show", "showed", "shown"), ("shut", "shut", "shut"), ("sing", "sang", "sung"),
    ("sink", "sank", "sunk"), ("sit", "sat", "sat"), ("sleep", "slept", "slept"),
    ("speak", "spoke", "spoken"), ("spend", "spent", "spent"), ("spread", "spread", "spread"),
    ("stand", "stood", "stood"), ("steal", "stole", "stolen"), ("stick", "stuck", "stuck"),
    ("strike", "struck", "struck"), ("swear", "swore", "sworn"), ("take", "took", "taken"),
    ("teach", "taught", "taught"), ("tear", "tore", "torn"), ("tell", "told", "told"),
    ("think", "thought", "thought"), ("throw", "threw", "thrown"),
    ("understand", "understood", "understood"), ("wake", "woke", "woken"), ("wear", "wore", "worn"),
    ("win", "won", "won"), ("write", "wrote", "written"),
];

/// Irregular plurals: singular, plural ("individuals" is a spinner's "people": person + S).
#[rustfmt::skip]
const IRREGULAR_PLURAL: &[(&str, &str)] = &[
    ("person", "people"), ("man", "men"), ("woman", "women"), ("child", "children"),
    ("foot", "feet"), ("tooth", "teeth"), ("mouse", "mice"), ("goose", "geese"),
];

/// The inflection of a word relative to its lemma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Inflection {
    None,
    /// Plural noun or third-person verb: `forces`, `goes`.
    S,
    Past,
    Participle,
    Ing,
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Candidate (lemma, inflection) readings of a normalized word, most specific first; the word
/// itself (uninflected) always comes last.
pub fn analyses(word: &str) -> Vec<(String, Inflection)> {
    let mut out = Vec::new();
    for &(base, past, part) in IRREGULAR {
        if word == past {
            out.push((base.to_string(), Inflection::Past));
        }
        if word == part && part != past && part != base {
            out.push((base.to_string(), Inflection::Participle));
        }
    }
    for &(singular, plural) in IRREGULAR_PLURAL {
        if word == plural {
            out.push((singular.to_string(), Inflection::S));
        }
    }
    let b = word.as_bytes();
    let n = b.len();
    if n > 4 && word.ends_with("ies") {
        out.push((format!("{}y", &word[..n - 3]), Inflection::S));
    }
    if n > 4
        && (word.ends_with("ses")
            || word.ends_with("xes")
            || word.ends_with("zes")
            || word.ends_with("ches")
            || word.ends_with("shes"))
    {
        out.push((word[..n - 2].to_string(), Inflection::S));
    }
    if n > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        out.push((word[..n - 1].to_string(), Inflection::S));
    }
    if n > 4 && word.ends_with("ied") {
        out.push((format!("{}y", &word[..n - 3]), Inflection::Past));
    }
    if n > 4 && word.ends_with("ed") {
        let stem = &word[..n - 2];
        let sb = stem.as_bytes();
        if sb.len() >= 3 && sb[sb.len() - 1] == sb[sb.len() - 2] && !is_vowel(sb[sb.len() - 1]) {
            out.push((stem[..stem.len() - 1].to_string(), Inflection::Past));
        }
        out.push((format!("{stem}e"), Inflection::Past));
        out.push((stem.to_string(), Inflection::Past));
    }
    if n > 5 && word.ends_with("ing") {
        let stem = &word[..n - 3];
        let sb = stem.as_bytes();
        if sb.len() >= 3 && sb[sb.len() - 1] == sb[sb.len() - 2] && !is_vowel(sb[sb.len() - 1]) {
            out.push((stem[..stem.len() - 1].to_string(), Inflection::Ing));
        }
        out.push((format!("{stem}e"), Inflection::Ing));
        out.push((stem.to_string(), Inflection::Ing));
    }
    out.push((word.to_string(), Inflection::None));
    out
}

/// Inflect one word: `inflect_word("pressure", S)` = `pressures`.
pub fn inflect_word(word: &str, infl: Inflection) -> String {
    if let Some(&(_, past, part)) = IRREGULAR.iter().find(|(b, _, _)| *b == word) {
        match infl {
            Inflection::Past => return past.to_string(),
            Inflection::Participle => return part.to_string(),
            _ => {}
        }
    }
    if infl == Inflection::S {
        if let Some(&(_, plural)) = IRREGULAR_PLURAL.iter().find(|(s, _)| *s == word) {
            return plural.to_string();
        }
    }
    let b = word.as_bytes();
    let n = b.len();
    let last = b.last().copied().unwrap_or(b'x');
    let before_last = if n >= 2 { b[n - 2] } else { b'a' };
    let consonant_y = last == b'y' && !is_vowel(before_last);
    // Doubling a final consonant (stop → stopped) only for short consonant-vowel-consonant words.
    let doubles = (3..=4).contains(&n)
        && !is_vowel(last)
        && !matches!(last, b'w' | b'x' | b'y')
        && is_vowel(before_last)
        && !is_vowel(b[n - 3]);
    match infl {
        Inflection::None => word.to_string(),
        Inflection::S => {
            if word.ends_with('s')
                || word.ends_with('x')
                || word.ends_with('z')
                || word.ends_with("ch")
                || word.ends_with("sh")
            {
                format!("{word}es")
            } else if consonant_y {
                format!("{}ies", &word[..n - 1])
            } else {
                format!("{word}s")
            }
        }
        Inflection::Past | Inflection::Participle => {
            if last == b'e' {
                format!("{word}d")
            } else if consonant_y {
                format!("{}ied", &word[..n - 1])
            } else if doubles {
                format!("{word}{}ed", last as char)
            } else {
                format!("{word}ed")
            }
        }
        Inflection::Ing => {
            if last == b'e' && !word.ends_with("ee") && n > 2 {
                format!("{}ing", &word[..n - 1])
            } else if doubles {
                format!("{word}{}ing", last as char)
            } else {
                format!("{word}ing")
            }
        }
    }
}

/// Inflect a (possibly multi-word) synonym. Verbal inflections go on the first word
/// ("look for" → "looked for"); plurals on the first word before "of" ("head of state" →
/// "heads of state"), otherwise on the last ("armed force" → "armed forces").
pub fn inflect_phrase(phrase: &str, infl: Inflection) -> String {
    if infl == Inflection::None {
        return phrase.to_string();
    }
    let words: Vec<&str> = phrase.split(' ').collect();
    if words.len() == 1 {
        return inflect_word(phrase, infl);
    }
    let at = match infl {
        Inflection::S if !words.contains(&"of") => words.len() - 1,
        _ => 0,
    };
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == at {
                inflect_word(w, infl)
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_participle(word: &str) -> bool {
    (word.len() > 3 && (word.ends_with("ed") || word.ends_with("en")))
        || IRREGULAR.iter().any(|&(_, _, p)| p == word)
        || word == "not"
}

/// A usable synonym: lower-case letters (spaces, hyphens, apostrophes inside), 1–3 words, not
/// containing the head itself.
fn usable_synonym(head: &str, syn: &str) -> bool {
    !syn.is_empty()
        && syn.split(' ').count() <= 3
        && syn
            .chars()
            .all(|c| c.is_lowercase() || c == ' ' || c == '-' || c == '\'')
        && !syn.split(' ').any(|w| w == head)
        && syn.len() > 2
}

/// The synonyms a spinner would pick for `head`, best tier first: edges both thesauri list and
/// that run both ways, then edges that run both ways, then any edge. Loose one-way associates
/// of Moby are a last resort, as in the spinners' own curated thesauri.
fn synonym_tiers(
    lexicon: &Lexicon,
    head_id: TermId,
    lm: Option<&dyn LanguageModel>,
    min_count: u64,
) -> Vec<TermId> {
    let head = lexicon.term(head_id);
    let mut tiers: [Vec<TermId>; 3] = Default::default();
    for e in lexicon.synonyms(head_id) {
        let syn = lexicon.term(e.term);
        if !usable_synonym(head, syn) {
            continue;
        }
        if let Some(lm) = lm {
            let words: Vec<&str> = syn.split(' ').collect();
            if words.iter().any(|w| lm.count(&[w]) < min_count) {
                continue;
            }
        }
        let mutual = lexicon.synonyms(e.term).any(|b| b.term == head_id);
        let tier = if mutual && e.sources.moby && e.sources.wordnet {
            0
        } else if mutual {
            1
        } else {
            2
        };
        tiers[tier].push(e.term);
    }
    tiers
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// Spin `text`. Deterministic in (`text`, `options`, the lexicon, `lm`).
pub fn spin(
    text: &str,
    lexicon: &Lexicon,
    options: &SpinOptions,
    lm: Option<&dyn LanguageModel>,
) -> Spun {
    let tokens = tokenize(text);
    let mut rng = SplitMix64::new(options.seed ^ 0x5EED_0F5B_1A00);
    let rate = options.rate.clamp(0.0, 1.0);
    let function: HashSet<&str> = FUNCTION_WORDS.iter().copied().collect();
    let lower: Vec<String> = tokens
        .iter()
        .map(|t| normalize(t.text(text)).into_owned())
        .collect();

    let mut sentence_start = vec![false; tokens.len()];
    for r in sentences(text, &tokens) {
        if let Some(i) = (r.start..r.end).find(|&i| tokens[i].kind != TokenKind::Punct) {
            sentence_start[i] = true;
        }
    }
    // A capitalised word at a sentence start may be a name ("Ukrainian forces ..."); it is
    // spun only when the document also writes it in lower case somewhere.
    let mut common: HashSet<&str> = HashSet::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.is_word() && !case_of_first(t.text(text)) {
            common.insert(&lower[i]);
        }
    }

    // Planned replacements: token range → replacement text (case applied later).
    let mut plan: Vec<(usize, usize, String, SubstitutionKind)> = Vec::new();
    let mut taken = vec![false; tokens.len()];

    if options.function_words {
        let mut choice: HashMap<usize, usize> = HashMap::new();
        let mut i = 0;
        while i < tokens.len() {
            let mut matched = false;
            for (pi, p) in FUNCTION_PATTERNS.iter().enumerate() {
                let n = p.from.len();
                if i + n > tokens.len()
                    || !(0..n).all(|k| tokens[i + k].is_word() && lower[i + k] == p.from[k])
                {
                    continue;
                }
                let next = tokens
                    .get(i + n)
                    .filter(|t| t.is_word())
                    .map(|_| lower[i + n].as_str());
                let ok = match p.next {
                    Next::Any => true,
                    Next::Participle => next.is_some_and(is_participle),
                    Next::ContentWord => next.is_some_and(|w| !function.contains(w)),
                };
                // "Arts and Letters": a function word between capitalised words belongs to a name.
                let in_name = i > 0
                    && tokens[i - 1].is_word()
                    && case_of_first(tokens[i - 1].text(text))
                    && tokens
                        .get(i + n)
                        .is_some_and(|t| case_of_first(t.text(text)));
                if !ok || (in_name && !options.capitalized) {
                    continue;
                }
                matched = true;
                let pick = *choice.entry(pi).or_insert_with(|| rng.below(p.to.len()));
                if rng.next_f32() < rate && p.to[pick] != p.from.join(" ") {
                    plan.push((i, i + n, p.to[pick].to_string(), SubstitutionKind::Function));
                    for t in &mut taken[i..i + n] {
                        *t = true;
                    }
                }
                i += n;
                break;
            }
            if !matched {
                i += 1;
            }
        }
    }

    // Content words: eligible tokens, then a random share of them.
    let mut key: HashMap<String, Option<String>> = HashMap::new();
    let mut eligible: Vec<(usize, String)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if taken[i] || !t.is_word() {
            continue;
        }
        let w = &lower[i];
        let surface = t.text(text);
        if w.len() < 3
            || function.contains(w.as_str())
            || surface.chars().any(|c| c.is_ascii_digit())
            || !w.chars().all(|c| c.is_alphabetic() || c == '-')
        {
            continue;
        }
        let capital = case_of_first(surface);
        if capital && !options.capitalized && (!sentence_start[i] || !common.contains(w.as_str())) {
            continue;
        }
        if crate::token::case_of(surface) == Case::Upper
            || crate::token::case_of(surface) == Case::Other
        {
            // Acronyms and mixed case (NATO, iPhone) are never spun.
            continue;
        }
        let replacement = key
            .entry(w.clone())
            .or_insert_with(|| choose_synonym(lexicon, w, lm, options.min_count, &mut rng))
            .clone();
        if let Some(r) = replacement {
            eligible.push((i, r));
        }
    }
    rng.shuffle(&mut eligible);
    let k = ((eligible.len() as f32) * rate).round() as usize;
    for (i, r) in eligible.into_iter().take(k) {
        plan.push((i, i + 1, r, SubstitutionKind::Synonym));
    }
    plan.sort_by_key(|p| p.0);

    // Write the output, copying everything between replacements verbatim.
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut substitutions = Vec::with_capacity(plan.len());
    let mut last = 0;
    for (a, b, replacement, kind) in plan {
        let (os, oe) = (tokens[a].start, tokens[b - 1].end);
        out.push_str(&text[last..os]);
        let original = &text[os..oe];
        let spun = match_case(tokens[a].text(text), &replacement);
        let ss = out.len();
        out.push_str(&spun);
        substitutions.push(Substitution {
            orig_start: os,
            orig_end: oe,
            spun_start: ss,
            spun_end: out.len(),
            original: original.to_string(),
            spun,
            kind,
        });
        last = oe;
    }
    out.push_str(&text[last..]);
    Spun {
        text: out,
        substitutions,
    }
}

fn case_of_first(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Pick a synonym for a normalized word with its inflection carried over, or `None` when the
/// thesaurus has nothing usable for any reading of the word.
fn choose_synonym(
    lexicon: &Lexicon,
    word: &str,
    lm: Option<&dyn LanguageModel>,
    min_count: u64,
    rng: &mut SplitMix64,
) -> Option<String> {
    for (lemma, infl) in analyses(word) {
        let Some(id) = lexicon.id(&lemma) else {
            continue;
        };
        let cands = synonym_tiers(lexicon, id, lm, min_count);
        if cands.is_empty() {
            continue;
        }
        let syn = lexicon.term(cands[rng.below(cands.len())]);
        let inflected = inflect_phrase(syn, infl);
        if inflected != word {
            return Some(inflected);
        }
    }
    None
}

/// Map a token list of `text` to the substitution (if any) covering each token: handy for
/// span-level evaluation of detectors. Returns, per token, the index into `spun.substitutions`
/// whose spun span contains the token.
pub fn spun_token_labels(spun: &Spun, tokens: &[Token]) -> Vec<Option<usize>> {
    let mut out = vec![None; tokens.len()];
    let mut j = 0;
    for (i, t) in tokens.iter().enumerate() {
        while j < spun.substitutions.len() && spun.substitutions[j].spun_end <= t.start {
            j += 1;
        }
        if let Some(s) = spun.substitutions.get(j) {
            if s.spun_start <= t.start && t.end <= s.spun_end {
                out[i] = Some(j);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Ukrainian forces advanced quickly near the river, and the army has taken \
        the city. The government will send more weapons to Joe Biden in 2022. President Joe \
        Biden said the war is costly and the soldiers are tired.";

    fn opts(rate: f32, seed: u64) -> SpinOptions {
        SpinOptions {
            rate,
            function_words: true,
            capitalized: false,
            seed,
            min_count: 0,
        }
    }

    #[test]
    fn inflection_round_trips() {
        assert_eq!(inflect_word("pressure", Inflection::S), "pressures");
        assert_eq!(inflect_word("battle", Inflection::Ing), "battling");
        assert_eq!(inflect_word("seek", Inflection::Past), "sought");
        assert_eq!(inflect_word("stop", Inflection::Past), "stopped");
        assert_eq!(inflect_word("worry", Inflection::S), "worries");
        assert_eq!(inflect_word("church", Inflection::S), "churches");
        assert_eq!(inflect_word("person", Inflection::S), "people");
        assert!(analyses("people").contains(&("person".to_string(), Inflection::S)));
        assert_eq!(inflect_phrase("look for", Inflection::Past), "looked for");
        assert_eq!(
            inflect_phrase("head of state", Inflection::S),
            "heads of state"
        );
        assert_eq!(inflect_phrase("armed force", Inflection::S), "armed forces");
        assert!(analyses("forces").contains(&("force".to_string(), Inflection::S)));
        assert!(analyses("fought").contains(&("fight".to_string(), Inflection::Past)));
        assert!(analyses("stopped").contains(&("stop".to_string(), Inflection::Past)));
        assert!(analyses("mobilizing").contains(&("mobilize".to_string(), Inflection::Ing)));
    }

    #[test]
    fn spans_are_exact_in_both_texts() {
        let lex = Lexicon::embedded();
        let s = spin(TEXT, lex, &opts(0.9, 7), None);
        assert!(!s.substitutions.is_empty());
        let mut last = 0;
        for sub in &s.substitutions {
            assert_eq!(&TEXT[sub.orig_start..sub.orig_end], sub.original);
            assert_eq!(&s.text[sub.spun_start..sub.spun_end], sub.spun);
            assert_ne!(sub.original, sub.spun);
            assert!(sub.orig_start >= last);
            last = sub.orig_end;
        }
        // Undoing the substitutions gives the original back.
        let mut undone = String::new();
        let mut at = 0;
        for sub in &s.substitutions {
            undone.push_str(&s.text[at..sub.spun_start]);
            undone.push_str(&sub.original);
            at = sub.spun_end;
        }
        undone.push_str(&s.text[at..]);
        assert_eq!(undone, TEXT);
    }

    #[test]
    fn deterministic_and_rate_controls_share() {
        let lex = Lexicon::embedded();
        let a = spin(TEXT, lex, &opts(0.6, 3), None);
        let b = spin(TEXT, lex, &opts(0.6, 3), None);
        assert_eq!(a, b);
        let low = spin(TEXT, lex, &opts(0.3, 3), None);
        let high = spin(TEXT, lex, &opts(0.9, 3), None);
        let count = |s: &Spun| {
            s.substitutions
                .iter()
                .filter(|x| x.kind == SubstitutionKind::Synonym)
                .count()
        };
        assert!(
            count(&low) < count(&high),
            "{} vs {}",
            count(&low),
            count(&high)
        );
        let none = spin(TEXT, lex, &opts(0.0, 3), None);
        assert_eq!(none.text, TEXT);
        assert!(none.substitutions.is_empty());
    }

    #[test]
    fn keeps_names_and_numbers() {
        let lex = Lexicon::embedded();
        for seed in 0..20 {
            let s = spin(TEXT, lex, &opts(1.0, seed), None);
            for sub in &s.substitutions {
                assert!(!sub.original.contains("Joe") && !sub.original.contains("Biden"));
                assert!(!sub.original.contains("2022"));
                assert_ne!(sub.original, "President");
                assert_ne!(sub.original, "Ukrainian");
            }
            assert!(s.text.contains("Joe Biden") && s.text.contains("2022"));
        }
    }

    #[test]
    fn one_key_per_document_and_function_patterns() {
        let lex = Lexicon::embedded();
        let text = "The forces moved. Their forces stayed and the forces left. He has gone and \
                    she will leave.";
        let s = spin(text, lex, &opts(1.0, 11), None);
        let forces: HashSet<&str> = s
            .substitutions
            .iter()
            .filter(|x| x.original == "forces")
            .map(|x| x.spun.as_str())
            .collect();
        assert_eq!(forces.len(), 1, "{:?}", s.substitutions);
        assert!(s.text.contains("as well as"), "{}", s.text);
        assert!(s.text.contains("has actually "), "{}", s.text);
        assert!(s.text.contains("will certainly"), "{}", s.text);
        let plain = spin(
            text,
            lex,
            &SpinOptions {
                function_words: false,
                ..opts(1.0, 11)
            },
            None,
        );
        assert!(plain
            .substitutions
            .iter()
            .all(|x| x.kind == SubstitutionKind::Synonym));
        // "has" as a main verb is not spun.
        let main_verb = spin("She has a house.", lex, &opts(1.0, 1), None);
        assert!(!main_verb.text.contains("actually"));
        let name = spin("the Order of Arts and Letters", lex, &opts(1.0, 1), None);
        assert!(name.text.contains("Arts and Letters"), "{}", name.text);
    }

    #[test]
    fn capitalized_option_spins_names_with_case() {
        let lex = Lexicon::embedded();
        let text = "He fought in the Battle of Narva during the Great Northern War.";
        let mut spun_any = false;
        for seed in 0..10 {
            let s = spin(
                text,
                lex,
                &SpinOptions {
                    capitalized: true,
                    ..opts(1.0, seed)
                },
                None,
            );
            for sub in &s.substitutions {
                if sub.original == "Battle" || sub.original == "War" {
                    spun_any = true;
                    assert!(sub.spun.chars().next().unwrap().is_uppercase(), "{sub:?}");
                }
            }
        }
        assert!(spun_any);
    }

    #[test]
    fn labels_tokens() {
        let lex = Lexicon::embedded();
        let s = spin(TEXT, lex, &opts(0.9, 5), None);
        let toks = tokenize(&s.text);
        let labels = spun_token_labels(&s, &toks);
        let labelled = labels.iter().filter(|l| l.is_some()).count();
        assert!(labelled >= s.substitutions.len());
        for (t, l) in toks.iter().zip(&labels) {
            if let Some(j) = l {
                let sub = &s.substitutions[*j];
                assert!(sub.spun_start <= t.start && t.end <= sub.spun_end);
            }
        }
    }
}
