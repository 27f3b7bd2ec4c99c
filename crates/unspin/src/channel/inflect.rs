//! Suffix rules that carry an inflection from a spun word to its candidate original.
//!
//! A thesaurus lists base forms: it knows `force → pressure`, not `forces → pressures`. The
//! channel therefore strips the written word's inflection (`pressures` → `pressure` + plural),
//! looks the lemma up, and puts the same inflection back on each candidate (`force` → `forces`).
//! The rules over-generate on purpose (`arised`, `arisen`...): the decoder keeps only forms the
//! language model knows, so a wrong guess costs a look-up, never a wrong suggestion.

/// An inflection a suffix rule can strip and re-apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Inflection {
    /// Plural noun or third-person verb: `-s`, `-es`, `-ies`.
    S,
    /// Past tense or participle: `-ed`, `-d`, `-ied`, doubled consonant.
    Ed,
    /// Present participle: `-ing`.
    Ing,
}

/// Possible lemmas of a lower-case word, each with the inflection that was stripped. The word
/// itself is not included. Empty for short words and words without an inflectional suffix.
pub fn lemmas(word: &str) -> Vec<(String, Inflection)> {
    let mut out: Vec<(String, Inflection)> = Vec::new();
    let n = word.len();
    if n < 4 || !word.is_ascii() || word.contains(' ') {
        return out;
    }
    let mut push = |s: String, i: Inflection| {
        if s.len() >= 2 && !out.iter().any(|(t, _)| *t == s) {
            out.push((s, i));
        }
    };
    if let Some(stem) = word.strip_suffix("ies") {
        push(concat(stem, "y"), Inflection::S);
    }
    if let Some(stem) = word.strip_suffix("es") {
        push(stem.to_string(), Inflection::S);
    }
    if let Some(stem) = word.strip_suffix('s') {
        if !stem.ends_with('s') && !stem.ends_with('u') && !stem.ends_with('i') {
            push(stem.to_string(), Inflection::S);
        }
    }
    if let Some(stem) = word.strip_suffix("ied") {
        push(concat(stem, "y"), Inflection::Ed);
    }
    if let Some(stem) = word.strip_suffix("ed") {
        push(stem.to_string(), Inflection::Ed);
        push(concat(stem, "e"), Inflection::Ed);
        if let Some(undoubled) = undouble(stem) {
            push(undoubled, Inflection::Ed);
        }
    }
    if let Some(stem) = word.strip_suffix("ing") {
        if stem.len() >= 2 {
            push(stem.to_string(), Inflection::Ing);
            push(concat(stem, "e"), Inflection::Ing);
            if let Some(undoubled) = undouble(stem) {
                push(undoubled, Inflection::Ing);
            }
        }
    }
    out
}

fn undouble(stem: &str) -> Option<String> {
    let b = stem.as_bytes();
    let n = b.len();
    if n >= 3
        && b[n - 1] == b[n - 2]
        && !matches!(b[n - 1], b'a' | b'e' | b'i' | b'o' | b'u' | b's' | b'l')
    {
        Some(stem[..n - 1].to_string())
    } else {
        None
    }
}

/// Forms of `lemma` carrying `inflection` (several spellings; the caller keeps the attested
/// one). For a multi-word lemma the last word is inflected for `S` (`head of state` is the
/// exception that proves the rule: the caller checks attestation) and the first word for verbs
/// (`look for` → `looked for`).
pub fn inflect(lemma: &str, inflection: Inflection) -> Vec<String> {
    if let Some((first, rest)) = lemma.split_once(' ') {
        return match inflection {
            Inflection::S => {
                let (head, last) = lemma.rsplit_once(' ').unwrap_or(("", lemma));
                inflect_word(last, inflection)
                    .into_iter()
                    .chain(inflect_word(first, inflection).into_iter().map(|f| {
                        // verbs: "gives up" rather than "give ups"
                        format!("{f} {rest}")
                    }))
                    .map(|f| {
                        if f.contains(' ') {
                            f
                        } else {
                            format!("{head} {f}")
                        }
                    })
                    .collect()
            }
            _ => inflect_word(first, inflection)
                .into_iter()
                .map(|f| format!("{f} {rest}"))
                .collect(),
        };
    }
    inflect_word(lemma, inflection)
}

fn inflect_word(w: &str, inflection: Inflection) -> Vec<String> {
    let mut out = Vec::with_capacity(3);
    if w.is_empty() || !w.is_ascii() {
        return out;
    }
    let ends_cons_y = w.len() >= 2
        && w.ends_with('y')
        && !matches!(w.as_bytes()[w.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u');
    let stem_y = &w[..w.len() - 1];
    match inflection {
        Inflection::S => {
            if ends_cons_y {
                out.push(concat(stem_y, "ies"));
            } else if w.ends_with('s')
                || w.ends_with('x')
                || w.ends_with('z')
                || w.ends_with("ch")
                || w.ends_with("sh")
            {
                out.push(concat(w, "es"));
            } else {
                out.push(concat(w, "s"));
            }
        }
        Inflection::Ed => {
            if ends_cons_y {
                out.push(concat(stem_y, "ied"));
            } else if w.ends_with('e') {
                out.push(concat(w, "d"));
            } else {
                out.push(concat(w, "ed"));
                if let Some(d) = doubled(w) {
                    out.push(concat(&d, "ed"));
                }
            }
        }
        Inflection::Ing => {
            if let Some(stem) = w.strip_suffix("ie") {
                out.push(concat(stem, "ying"));
            } else if w.ends_with('e') && !w.ends_with("ee") {
                out.push(concat(&w[..w.len() - 1], "ing"));
            } else {
                out.push(concat(w, "ing"));
                if let Some(d) = doubled(w) {
                    out.push(concat(&d, "ing"));
                }
            }
        }
    }
    out
}

/// `stem` + `suffix` in one allocation of the right size (`format!` costs several times more,
/// and the channel inflects hundreds of candidates for each new word form).
fn concat(stem: &str, suffix: &str) -> String {
    let mut s = String::with_capacity(stem.len() + suffix.len());
    s.push_str(stem);
    s.push_str(suffix);
    s
}

/// `stop` → `stopp` (consonant-vowel-consonant ending).
fn doubled(w: &str) -> Option<String> {
    let b = w.as_bytes();
    let n = b.len();
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    if n >= 3
        && !vowel(b[n - 1])
        && !matches!(b[n - 1], b'w' | b'x' | b'y')
        && vowel(b[n - 2])
        && !vowel(b[n - 3])
    {
        Some(concat(w, &w[n - 1..]))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(v: &[(String, Inflection)], s: &str, i: Inflection) -> bool {
        v.iter().any(|(t, j)| t == s && *j == i)
    }

    #[test]
    fn strips_and_reapplies() {
        assert!(has(&lemmas("pressures"), "pressure", Inflection::S));
        assert!(has(&lemmas("boosted"), "boost", Inflection::Ed));
        assert!(has(&lemmas("dealing"), "deal", Inflection::Ing));
        assert!(has(&lemmas("making"), "make", Inflection::Ing));
        assert!(has(&lemmas("stopped"), "stop", Inflection::Ed));
        assert!(has(&lemmas("countries"), "country", Inflection::S));
        assert!(lemmas("bus").is_empty());
        assert_eq!(inflect("force", Inflection::S), ["forces"]);
        assert_eq!(inflect("country", Inflection::S), ["countries"]);
        assert!(inflect("stop", Inflection::Ed).contains(&"stopped".to_string()));
        assert_eq!(inflect("emerge", Inflection::Ed), ["emerged"]);
        assert_eq!(inflect("make", Inflection::Ing), ["making"]);
        assert_eq!(inflect("look for", Inflection::Ed), ["looked for"]);
        assert!(inflect("head of state", Inflection::S).contains(&"head of states".to_string()));
        assert!(inflect("give up", Inflection::S).contains(&"gives up".to_string()));
    }
}
