//! Latin words written with look-alike letters of another script: "соunterfeit" with a Cyrillic
//! "о", "Ноwеvеr" with Cyrillic "Н", "о" and "е".
//!
//! Swapping Latin letters for Cyrillic ones that look the same is a known way to slip a copy past
//! duplicate and plagiarism detection: the page reads the same, but every disguised word is a
//! word no index or list holds. Read as written, a spun article disguised that way lost most of
//! its findings (seed001 with three letters in ten swapped: 105 → 37), and one written wholly in
//! look-alikes read as Macedonian. So every reader of words sees through the disguise: a run of
//! letters that are all Latin or look-alikes, at least one a look-alike, is read with the Latin
//! letters. The engine checks a text in Latin letters and places its findings back in the text as
//! written ([`Latin`]); `token::normalize` ([`fold`]) reads words the same, so trace sees a
//! disguised copy as its source. A word that mixes the two scripts is also reported
//! ([`findings`]): English never writes one, so it is the disguise itself (or a letter pasted by
//! mistake), and `restore` puts the Latin letters back.
//!
//! Which letters look Latin comes from Unicode's confusables (UTS #39, the `unicode-security`
//! crate): the Cyrillic, Armenian, Cherokee and Lisu letters whose skeleton is one ASCII letter
//! ("а" → "a", "Н" → "H", "օ" → "o", "Ꭺ" → "A"), and of Greek only omicron. Other Greek letters
//! are symbols in scientific text ("α-synuclein", "γ-ray", "TNF-α", and "Α-L-gulonic" at the
//! start of a sentence) and are left alone. A word with a letter of another script that looks
//! like no Latin letter ("Путин") is a word of that script, and is left alone too. Styled
//! letters (fullwidth, mathematical bold, small capitals...) are read as the letters they are, and
//! never reported: styling is no disguise.
//!
//! Latin has look-alikes of its own: dotless "ı", "ɑ", "ɡ" ([`latin_script_look_alike`]), which
//! generators put in as they put in Cyrillic ones. But Turkish and Azerbaijani write "ı" ("Diyarbakır")
//! and phoneticians "ɑ" and "ɡ" ("/ɡɑt/"), so such a word is read in basic Latin letters always and
//! reported only where that reading is a word of the thesaurus and the word is in lower case (a
//! name: "Akın") and no transcription (between slashes or brackets), and never with another
//! accented letter ("Kırşehir").

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::finding::Finding;
use crate::token::{Token, TokenKind};

/// Rule id of the findings.
pub const RULE_ID: &str = "homoglyph";

/// Confidence of a finding in a disguised text ([`DISGUISE_MIN_WORDS`]): nobody types such
/// words, and their Latin spelling is certain.
pub const CONFIDENCE: f32 = 0.95;

/// Confidence of a finding in a text with fewer mixed words: a stray letter pasted from another
/// text as often as a disguise (clean Wikipedia has "Finno-Ugriс" and "Аcademician" in one
/// article of 10,000), still worth restoring.
pub const STRAY_CONFIDENCE: f32 = 0.55;

/// Mixed words from which a text is taken to be disguised, if they are also at least
/// [`DISGUISE_MIN_SHARE`] of its words: a disguise swaps letters all over a text, while three
/// stray letters in one transliterated name ("Hаji Hеybat оghlu", clean Wikipedia) are an
/// accident.
pub const DISGUISE_MIN_WORDS: usize = 3;
pub const DISGUISE_MIN_SHARE: f32 = 0.02;

/// First and last code points of the blocks that may hold a look-alike: Greek and Coptic,
/// Cyrillic, Cyrillic Supplement and Armenian ("օ", "ս"); Cherokee ("Ꭺ", "Ꮯ"); Lisu ("ꓮ", "ꓚ").
/// Homoglyph generators draw on all of them.
const BLOCKS: [(u32, u32); 3] = [(0x370, 0x58F), (0x13A0, 0x13F5), (0xA4D0, 0xA4FF)];

/// For each block of [`BLOCKS`], for each of its code points, the ASCII letter it looks like,
/// or 0.
fn tables() -> &'static [Vec<u8>; 3] {
    static TABLES: OnceLock<[Vec<u8>; 3]> = OnceLock::new();
    TABLES.get_or_init(|| BLOCKS.map(|(first, last)| (first..=last).map(look_alike_of).collect()))
}

/// The ASCII letter that code point `cp` looks like, by its confusable skeleton, or 0.
fn look_alike_of(cp: u32) -> u8 {
    let Some(c) = char::from_u32(cp) else {
        return 0;
    };
    // Of Greek, omicron only: its other letters are symbols in scientific text, in capitals
    // too ("Α-L-gulonic" at the start of a sentence).
    if (0x370..0x400).contains(&cp) && c != 'ο' {
        return 0;
    }
    let mut buf = [0; 4];
    let mut skeleton = unicode_security::confusable_detection::skeleton(c.encode_utf8(&mut buf));
    match (skeleton.next(), skeleton.next()) {
        // Skeletons fold "I" into "l": a capital that looks like either is an I.
        (Some('l'), None) if c.is_uppercase() => b'I',
        (Some(l), None) if l.is_ascii_alphabetic() => l as u8,
        _ => 0,
    }
}

/// The Latin letter that `c` is a look-alike of: a Cyrillic, Armenian, Cherokee or Lisu letter,
/// or Greek omicron, that looks like one.
#[inline]
pub fn latin_look_alike(c: char) -> Option<char> {
    let cp = c as u32;
    if cp < BLOCKS[0].0 {
        return None;
    }
    let (k, &(first, _)) = BLOCKS
        .iter()
        .enumerate()
        .find(|(_, &(first, last))| (first..=last).contains(&cp))?;
    match tables()[k][(cp - first) as usize] {
        0 => None,
        l => Some(l as char),
    }
}

/// First and last code points of the Mathematical Alphanumeric Symbols' letters (bold, italic,
/// script, fraktur, double-struck, sans-serif and monospace A–Z, a–z).
const MATH_FIRST: u32 = 0x1D400;
const MATH_LAST: u32 = 0x1D6A3;

/// The ASCII letter that `c` is a styled form of: a fullwidth letter ("ｃ", text set among CJK)
/// or a mathematical alphanumeric one ("𝐜", bold text pasted from a styling site), by Unicode's
/// compatibility decomposition (NFKC). Such letters are the same letters in another dress, read
/// as Latin but not reported: styling is no disguise.
#[inline]
pub fn styled_latin(c: char) -> Option<char> {
    static MATH: OnceLock<Vec<u8>> = OnceLock::new();
    let cp = c as u32;
    match cp {
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => char::from_u32(cp - 0xFEE0),
        0x0262..=0x029F | 0x1D00..=0x1D22 | 0xA730..=0xA7AF => SMALL_CAPITALS
            .iter()
            .find(|&&(l, _)| l == c)
            .map(|&(_, a)| a),
        MATH_FIRST..=MATH_LAST => {
            let table = MATH.get_or_init(|| {
                (MATH_FIRST..=MATH_LAST)
                    .map(|cp| {
                        use unicode_normalization::UnicodeNormalization;
                        let Some(c) = char::from_u32(cp) else {
                            return 0;
                        };
                        let mut nfkc = std::iter::once(c).nfkc();
                        match (nfkc.next(), nfkc.next()) {
                            (Some(l), None) if l.is_ascii_alphabetic() => l as u8,
                            _ => 0,
                        }
                    })
                    .collect()
            });
            match table[(cp - MATH_FIRST) as usize] {
                0 => None,
                l => Some(l as char),
            }
        }
        _ => None,
    }
}

/// The Latin letter that `c` is read as: a look-alike's ([`latin_look_alike`],
/// [`latin_script_look_alike`]) or a styled letter's ([`styled_latin`]).
#[inline]
pub fn latin_reading(c: char) -> Option<char> {
    latin_look_alike(c)
        .or_else(|| styled_latin(c))
        .or_else(|| latin_script_look_alike(c))
}

/// Letters of the Latin script itself (Latin Extended, IPA) that look like a basic Latin letter
/// and that homoglyph generators use: dotless i and j, alpha, script g, iota, the dental click.
/// UTS #39 lists each as confusable with the letter given; its other Latin look-alikes are
/// accented letters or symbols nobody takes for a plain letter.
const LATIN_SCRIPT_LOOK_ALIKES: [(char, char); 6] = [
    ('\u{0131}', 'i'), // ı
    ('\u{0237}', 'j'), // ȷ
    ('\u{0251}', 'a'), // ɑ
    ('\u{0261}', 'g'), // ɡ
    ('\u{0269}', 'i'), // ɩ
    ('\u{01C0}', 'l'), // ǀ
];

/// The basic Latin letter that a letter of the Latin script itself looks like (see
/// [`LATIN_SCRIPT_LOOK_ALIKES`]).
#[inline]
pub fn latin_script_look_alike(c: char) -> Option<char> {
    if (c as u32) < 0x131 {
        return None;
    }
    LATIN_SCRIPT_LOOK_ALIKES
        .iter()
        .find(|&&(l, _)| l == c)
        .map(|&(_, a)| a)
}

/// Small capitals (Phonetic Extensions, IPA Extensions, Latin Extended-D): "ᴛɪɴʏ ᴛᴇxᴛ" from a
/// styling site, read as the lower-case letters they are (no small x exists: such sites write "x").
const SMALL_CAPITALS: [(char, char); 25] = [
    ('\u{1D00}', 'a'),
    ('\u{0299}', 'b'),
    ('\u{1D04}', 'c'),
    ('\u{1D05}', 'd'),
    ('\u{1D07}', 'e'),
    ('\u{A730}', 'f'),
    ('\u{0262}', 'g'),
    ('\u{029C}', 'h'),
    ('\u{026A}', 'i'),
    ('\u{1D0A}', 'j'),
    ('\u{1D0B}', 'k'),
    ('\u{029F}', 'l'),
    ('\u{1D0D}', 'm'),
    ('\u{0274}', 'n'),
    ('\u{1D0F}', 'o'),
    ('\u{1D18}', 'p'),
    ('\u{A7AF}', 'q'),
    ('\u{0280}', 'r'),
    ('\u{A731}', 's'),
    ('\u{1D1B}', 't'),
    ('\u{1D1C}', 'u'),
    ('\u{1D20}', 'v'),
    ('\u{1D21}', 'w'),
    ('\u{028F}', 'y'),
    ('\u{1D22}', 'z'),
];

/// Latin letters: ASCII, Latin-1, Latin Extended-A/B and Additional, and the ligatures.
pub fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' | '\u{FB00}'..='\u{FB06}')
}

/// What a run of letters is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// Nothing to read otherwise, or a letter of another script that looks like no Latin one:
    /// as written.
    AsWritten,
    /// Latin letters, some of them styled ("𝐁𝐨𝐥𝐝", "ｆｕｌｌ"): read as Latin, not reported.
    Styled,
    /// Look-alikes only ("сор", "ɑ"): read as Latin, not reported (a short word of another
    /// script may be made of them).
    LookAlikes,
    /// Latin letters and look-alikes: a disguised word, read as Latin and reported.
    Mixed,
    /// Basic Latin letters and Latin look-alikes of the Latin script ("counterfeıt", and
    /// "Diyarbakır"): read in basic Latin letters, reported where that reading is a word of the
    /// thesaurus ([`findings`]).
    LatinMixed,
}

/// What the run of letters `run` (no non-letter in it) is made of.
pub fn classify(run: &str) -> Run {
    let (mut latin, mut styled, mut look_alike) = (false, false, false);
    // Latin look-alikes of the Latin script, and accented letters (Turkish writes "ı" beside
    // "ş", "ğ", "ç": such a word is Turkish, not disguised).
    let (mut latin_alike, mut accented) = (false, false);
    for c in run.chars() {
        if latin_look_alike(c).is_some() {
            look_alike = true;
        } else if styled_latin(c).is_some() {
            styled = true;
        } else if latin_script_look_alike(c).is_some() {
            latin_alike = true;
        } else if is_latin_letter(c) {
            latin = true;
            accented |= !c.is_ascii();
        } else {
            return Run::AsWritten;
        }
    }
    match (look_alike, latin || styled || latin_alike) {
        (true, true) => Run::Mixed,
        (true, false) => Run::LookAlikes,
        (false, _) if latin_alike => match (accented, latin, styled) {
            (true, _, _) => Run::AsWritten,
            (false, true, _) => Run::LatinMixed,
            // Styled letters with one ("𝐛ı𝐠"): read as Latin, styling is no disguise.
            (false, false, true) => Run::Styled,
            // "ɑ" alone, the article in a disguised text (or a phonetic symbol).
            (false, false, false) => Run::LookAlikes,
        },
        (false, _) if styled => Run::Styled,
        (false, _) => Run::AsWritten,
    }
}

/// Whether `s` holds a character that may be read as a Latin letter (cheap: most text has none).
#[inline]
pub fn may_read_as_latin(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(|c| latin_reading(c).is_some())
}

/// The bounds of the run of letters around byte `i` of `text` (a letter at `i`).
pub fn run_around(text: &str, i: usize) -> std::ops::Range<usize> {
    let start = text[..i]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(i, |(j, _)| j);
    let end = text[i..]
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(text.len(), |(j, _)| i + j);
    start..end
}

/// The look-alikes of `s` that are read as Latin letters, in order: each one's byte offset and
/// the Latin letter (those of each run of letters that is Latin but for them, see [`classify`]).
fn folds(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut run_end = 0;
    let mut folds_run = false;
    s.char_indices().filter_map(move |(i, c)| {
        let latin = latin_reading(c)?;
        if i >= run_end {
            let run = run_around(s, i);
            folds_run = classify(&s[run.clone()]) != Run::AsWritten;
            run_end = run.end;
        }
        folds_run.then_some((i, latin))
    })
}

/// `s` with the look-alikes of each run of letters that is Latin but for them read as the Latin
/// letters they look like (see [`classify`]); borrowed when nothing changes.
pub fn fold(s: &str) -> Cow<'_, str> {
    match Latin::of(s) {
        Some(latin) => Cow::Owned(latin.text),
        None => Cow::Borrowed(s),
    }
}

/// A text read in Latin letters ([`fold`]), with the way back to the offsets of the text as
/// written: each letter read from a look-alike or a styled letter (two, three or four bytes) is
/// one ASCII byte.
#[derive(Debug, Clone)]
pub struct Latin {
    pub text: String,
    /// For each letter read so, ascending: its offset in `text`, and the bytes that it and the
    /// ones before it saved (the written offset of what follows it is the Latin one plus that).
    folded: Vec<(usize, usize)>,
}

impl Latin {
    /// `text` in Latin letters, or `None` when it holds nothing to read so.
    pub fn of(text: &str) -> Option<Latin> {
        if !may_read_as_latin(text) {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut folded = Vec::new();
        let mut copied = 0;
        let mut saved = 0;
        for (i, latin) in folds(text) {
            out.push_str(&text[copied..i]);
            let len = latin_len_in(text, i);
            saved += len - 1;
            folded.push((out.len(), saved));
            out.push(latin);
            copied = i + len;
        }
        if folded.is_empty() {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(Latin { text: out, folded })
    }

    /// The offset in the text as written of offset `p` of [`Latin::text`] (a character
    /// boundary: the start of a letter read from a look-alike is the look-alike's start, the end
    /// of one its end).
    pub fn to_written(&self, p: usize) -> usize {
        match self.folded.partition_point(|&(f, _)| f < p) {
            0 => p,
            k => p + self.folded[k - 1].1,
        }
    }

    /// The offset in [`Latin::text`] of offset `o` of the text as written (a character boundary).
    pub fn from_written(&self, o: usize) -> usize {
        // The k-th letter read so starts at `f + saved before it` as written (increasing in k):
        // count those that start before `o`, and take off what they saved.
        let before = |k: usize| if k == 0 { 0 } else { self.folded[k - 1].1 };
        let (mut lo, mut hi) = (0, self.folded.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.folded[mid].0 + before(mid) < o {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        o - before(lo)
    }
}

/// Bytes of the character at `i` of `text`.
fn latin_len_in(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(0, char::len_utf8)
}

/// Whether `s` holds an invisible character other than the soft hyphen (which pages put in long
/// words as a hint where to break them) that may hide inside a word: a zero-width space, a
/// direction mark... (`token::is_invisible`). Cheap: most text has none.
#[inline]
pub fn may_hide_characters(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(hides)
}

/// An invisible character inside a word that says something: not the soft hyphen.
fn hides(c: char) -> bool {
    c != '\u{AD}' && crate::token::is_invisible(c)
}

/// Whether `word` has such a character between two of its letters (one at its end, as
/// "filled\u{200D}" in enwiki2018, splits nothing). A zero-width space before a capital after a
/// small letter ("Li\u{200B}Wei", "Java\u{200B}Script") is a page's hint where a line may break,
/// or a space typed as one, not a disguise.
fn hides_inside(word: &str) -> bool {
    let has_letter = |s: &str| s.chars().any(char::is_alphanumeric);
    word.char_indices().any(|(i, c)| {
        let (before, after) = (&word[..i], &word[i + c.len_utf8()..]);
        let break_hint = c == '\u{200B}'
            && before.chars().next_back().is_some_and(char::is_lowercase)
            && after.chars().next().is_some_and(char::is_uppercase);
        hides(c) && !break_hint && has_letter(before) && has_letter(after)
    })
}

/// A finding for each disguised word, its suggestion the word as it reads: one that mixes Latin
/// letters with look-alikes of another script (in Latin letters), or a Latin word with an
/// invisible character inside ("coun⁠terfeit" with a zero-width space; without it), which tools
/// insert for the same purpose and which clean English never holds (enwiki2018 has none; its
/// three are zero-width non-joiners in Persian words, which this leaves alone). In a disguised
/// text (see [`DISGUISE_MIN_WORDS`]), a word made only of look-alikes is disguised too (the
/// article "а", "Мау" for "May") unless a word beside it is of another script (a Russian
/// quotation); elsewhere it is a word of its own script ("(Russian: Сосо)"). A word with Latin
/// look-alikes of the Latin script ([`Run::LatinMixed`]) counts only where it reads as a word of the
/// thesaurus and is no transcription ([`reads_as_a_word`]); in a disguised text, every such word
/// outside a transcription does ("Machıne" at the start of a sentence, "Dıyarbakır").
pub fn findings(text: &str, tokens: &[Token]) -> Vec<Finding> {
    if !may_read_as_latin(text) && !may_hide_characters(text) {
        return Vec::new();
    }
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .collect();
    let kinds: Vec<Run> = words
        .iter()
        .map(|t| {
            let word = t.text(text);
            if word.is_ascii() {
                return Run::AsWritten;
            }
            // A hidden character inside a Latin word disguises it as a look-alike does.
            if hides_inside(word) && word.chars().any(is_latin_letter) {
                return Run::Mixed;
            }
            let mut kind = Run::AsWritten;
            for run in word.split(|c: char| !c.is_alphabetic()) {
                match classify(run) {
                    Run::Mixed => return Run::Mixed,
                    // A transcription ("/ðə stɑrt/") is no disguise, even in a disguised text.
                    Run::LatinMixed if !in_transcription(text, t) => {
                        if reads_as_a_word(run) {
                            return Run::Mixed;
                        }
                        kind = Run::LatinMixed;
                    }
                    Run::LookAlikes => kind = Run::LookAlikes,
                    Run::LatinMixed | Run::Styled | Run::AsWritten => {}
                }
            }
            kind
        })
        .collect();
    let mixed = kinds.iter().filter(|&&k| k == Run::Mixed).count();
    if mixed == 0 {
        return Vec::new();
    }
    let disguise =
        mixed >= DISGUISE_MIN_WORDS && mixed as f32 >= DISGUISE_MIN_SHARE * words.len() as f32;
    // A word with a letter of another script that looks like no Latin one ("Путин").
    let other_script = |k: usize| {
        words.get(k).is_some_and(|t| {
            t.text(text)
                .chars()
                .any(|c| c.is_alphabetic() && !is_latin_letter(c) && latin_reading(c).is_none())
        })
    };
    let mut out = Vec::new();
    for (k, (t, kind)) in words.iter().zip(&kinds).enumerate() {
        let report = match kind {
            Run::Mixed => true,
            Run::LookAlikes => disguise && !(k > 0 && other_script(k - 1)) && !other_script(k + 1),
            // In a disguised text, a name or a word the thesaurus lacks is disguised alike.
            Run::LatinMixed => disguise,
            Run::Styled | Run::AsWritten => false,
        };
        if report {
            out.push(finding(t, t.text(text), disguise));
        }
    }
    out
}

/// Whether `run`, a run of letters of a word outside a transcription, in lower case, read in
/// basic Latin letters, is a word of the thesaurus ("counterfeıt" is, "Diyarbakır" is not: the
/// language model's unigrams hold place names too; each run of "machıne-learnıng" is).
fn reads_as_a_word(run: &str) -> bool {
    // A capitalised one is a name ("Akın", clean Wikipedia), however it reads ("Akin"); a short
    // one may be a Turkish word or a transcription that reads as English ("sır" as "sir", "tıp"
    // as "tip", "kɑt" as "kat"): from four letters, they seldom do.
    if !run.starts_with(char::is_lowercase) || run.chars().count() < LATIN_LOOK_ALIKE_MIN_LETTERS {
        return false;
    }
    let read = fold(run).to_lowercase();
    crate::channel::Channel::new(crate::lexicon::Lexicon::embedded()).knows(&read)
}

/// Fewest letters of a word with the Latin script's own look-alikes that is taken for a disguise
/// ([`reads_as_a_word`]).
const LATIN_LOOK_ALIKE_MIN_LETTERS: usize = 4;

/// How far, in characters, [`in_transcription`] looks for the slashes or brackets around a word.
const TRANSCRIPTION_REACH: usize = 80;

/// Whether word `t` is inside a phonetic transcription, between slashes or square brackets on its
/// line ("/ðə stɑrt ɪz/", "[ɡɑt]"): the nearest slash or opening bracket before it comes before
/// any sentence punctuation, and so does the nearest slash or closing bracket after it.
fn in_transcription(text: &str, t: &Token) -> bool {
    let stop = |c: char| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\n');
    let opened = text[..t.start]
        .chars()
        .rev()
        .take(TRANSCRIPTION_REACH)
        .find(|&c| stop(c) || matches!(c, '/' | '['))
        .is_some_and(|c| matches!(c, '/' | '['));
    opened
        && text[t.end..]
            .chars()
            .take(TRANSCRIPTION_REACH)
            .find(|&c| stop(c) || matches!(c, '/' | ']'))
            .is_some_and(|c| matches!(c, '/' | ']'))
}

/// The finding of one word with look-alike letters or hidden characters, in a `disguise`d text
/// or not.
fn finding(t: &Token, word: &str, disguise: bool) -> Finding {
    let latin: String = fold(word).chars().filter(|&c| !hides(c)).collect();
    let letters: std::collections::BTreeSet<String> = word
        .chars()
        .filter(|&c| latin_look_alike(c).is_some() || latin_script_look_alike(c).is_some())
        .map(|c| format!("{c} U+{:04X}", c as u32))
        .collect();
    let hidden: std::collections::BTreeSet<String> = word
        .chars()
        .filter(|&c| hides(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    let list = |set: &std::collections::BTreeSet<String>| {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    };
    let how = match (letters.len(), hidden.len()) {
        (0, n) => format!(
            "holds {} ({})",
            if n == 1 {
                "an invisible character"
            } else {
                "invisible characters"
            },
            list(&hidden)
        ),
        (n, _) => format!(
            "is written with {} ({}){}",
            match (n, word.chars().any(|c| latin_look_alike(c).is_some())) {
                (1, true) => "a letter of another script that looks Latin",
                (_, true) => "letters of another script that look Latin",
                (1, false) => "a look-alike letter",
                (_, false) => "look-alike letters",
            },
            list(&letters),
            if hidden.is_empty() {
                String::new()
            } else {
                format!(" and invisible characters ({})", list(&hidden))
            }
        ),
    };
    Finding {
        start: t.start,
        end: t.end,
        text: word.to_string(),
        alternatives: Vec::new(),
        confidence: if disguise {
            CONFIDENCE
        } else {
            STRAY_CONFIDENCE
        },
        rule: RULE_ID.to_string(),
        message: format!(
            "\u{201c}{latin}\u{201d} {how}: {}",
            if disguise {
                "one of many disguised words, a way to slip a copy past duplicate detection"
            } else {
                "a stray character pasted from another text, or a disguise"
            }
        ),
        suggestion: latin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_look_alikes_read_as_latin() {
        assert_eq!(latin_look_alike('а'), Some('a'));
        assert_eq!(latin_look_alike('Н'), Some('H'));
        assert_eq!(latin_look_alike('ѕ'), Some('s'));
        assert_eq!(latin_look_alike('ο'), Some('o'), "Greek omicron");
        assert_eq!(latin_look_alike('\u{0585}'), Some('o'), "Armenian oh");
        assert_eq!(latin_look_alike('\u{13AA}'), Some('A'), "Cherokee go");
        assert_eq!(latin_look_alike('\u{A4EE}'), Some('A'), "Lisu letter a");
        // Letters that look like no Latin one, and Greek (scientific symbols).
        for c in ['п', 'и', 'д', 'α', 'γ', 'μ', 'ν', 'Α', 'Τ', 'a', 'é', '1'] {
            assert_eq!(latin_look_alike(c), None, "{c}");
        }
    }

    /// UTS #39 skeletons fold "I" into "l" (they tell confusables apart, they do not read
    /// them): a Cyrillic capital І or palochka is the capital I it looks like ("Іt", "ІBM").
    #[test]
    fn a_capital_that_looks_like_i_reads_as_i() {
        assert_eq!(latin_look_alike('\u{0406}'), Some('I'));
        assert_eq!(latin_look_alike('\u{04C0}'), Some('I'));
        assert_eq!(latin_look_alike('\u{04CF}'), Some('l'), "small palochka");
        assert_eq!(latin_look_alike('\u{0456}'), Some('i'));
        assert_eq!(fold("\u{0406}t is \u{0406}BM"), "It is IBM");
    }

    #[test]
    fn a_disguised_word_folds_and_a_word_of_another_script_does_not() {
        assert_eq!(
            fold("соunterfeit соnsciousness"),
            "counterfeit consciousness"
        );
        assert_eq!(fold("Ноwеvеr, thе"), "However, the");
        // A Russian word with letters that look like no Latin one stays as it is; so do Greek
        // symbols and plain text (borrowed).
        assert_eq!(fold("Путин сказал"), "Путин сказал");
        assert_eq!(fold("α-synuclein and γ-rays"), "α-synuclein and γ-rays");
        assert!(matches!(fold("plain café"), Cow::Borrowed(_)));
        assert!(matches!(fold("Путин"), Cow::Borrowed(_)));
        // A word made only of look-alikes reads as Latin too ("а" for the article).
        assert_eq!(fold("in а way"), "in a way");
    }

    #[test]
    fn words_that_mix_scripts_are_reported() {
        let text = "The соunterfeit wоrd is а trick; a Russian name (Путин) and the TNF-α lеvel.";
        let tokens = crate::token::tokenize(text);
        let found = findings(text, &tokens);
        let spans: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (&text[f.start..f.end], f.suggestion.as_str()))
            .collect();
        // The mixed words, and the look-alike article between Latin words.
        assert_eq!(
            spans,
            [
                ("соunterfeit", "counterfeit"),
                ("wоrd", "word"),
                ("а", "a"),
                ("lеvel", "level")
            ]
        );
        assert_eq!(found[0].rule, RULE_ID);
        assert_eq!(found[0].confidence, CONFIDENCE);
        assert!(
            found[0].message.contains("о U+043E"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("disguised"),
            "{}",
            found[0].message
        );
    }

    /// The Latin script's own look-alikes (dotless i, alpha, script g) disguise a word as Cyrillic
    /// ones do, but Turkish writes "ı" and phoneticians "ɑ" and "ɡ": a word is taken for a
    /// disguise only in lower case, read as a word of the thesaurus, with no other accented letter
    /// and outside a transcription. In a text disguised so, names are disguised too. Each is read
    /// in basic Latin letters all the same.
    #[test]
    fn the_latin_scripts_own_look_alikes_are_reported_where_they_read_as_a_word() {
        let read = |text: &str| -> Vec<(String, f32)> {
            findings(text, &crate::token::tokenize(text))
                .into_iter()
                .map(|f| (f.suggestion, f.confidence))
                .collect()
        };
        let clean = "Akın spoke in Dıyarbakır and Kırşehir about the machıne, pronounced /ɡɑt/.";
        assert_eq!(read(clean), [("machine".to_string(), STRAY_CONFIDENCE)]);
        let disguised = "The machıne learnıng model, bıg data and counterfeıt consciousness, said \
                         Akın in Dıyarbakır and Kırşehir, /ɡɑt/.";
        let words: Vec<String> = read(disguised).into_iter().map(|(w, _)| w).collect();
        assert_eq!(
            words,
            [
                "machine",
                "learning",
                "big",
                "counterfeit",
                "Akin",
                "Diyarbakir"
            ]
        );
        let found = findings(disguised, &crate::token::tokenize(disguised));
        assert!(found.iter().all(|f| f.confidence == CONFIDENCE));
        assert!(
            found[0].message.contains("look-alike letter (ı U+0131)"),
            "{}",
            found[0].message
        );
        assert_eq!(fold("Dıyarbakır /ɡɑt/"), "Diyarbakir /gat/");
        // Inside a transcription, a slash away from the word; each run of a compound; a slash
        // after a word that opens no transcription.
        let ipa = "It is said /ðə stɑrt ɪz/ there, and [ðə stɑrt] here.";
        assert!(read(ipa).is_empty(), "{:?}", read(ipa));
        let compound = "The machıne-learnıng team.";
        assert_eq!(read(compound).len(), 1, "{:?}", read(compound));
        let slash = "A counterfeıt/fake watch.";
        assert_eq!(read(slash).len(), 1, "{:?}", read(slash));
        // Styled letters with a look-alike among them are styling, read as Latin.
        assert_eq!(fold("\u{1D41B}\u{0131}\u{1D420}"), "big");
        assert_eq!(
            fold("Kırşehir"),
            "Kırşehir",
            "a Turkish word is left as written"
        );
    }

    /// Short Turkish words read as English ones ("sır" as "sir", "tıp" as "tip") and a zero-width
    /// space where a page may break a line between two parts of a name ("Li\u{200B}Wei") are no
    /// disguise.
    #[test]
    fn short_turkish_words_and_break_hints_are_no_disguise() {
        let text = "The word sır means secret: sır değil, sır perdesi, the tıp fakültesi, \"Su \
                    kıt\" she said, and Li\u{200B}Wei and Java\u{200B}Script agreed.";
        assert!(findings(text, &crate::token::tokenize(text)).is_empty());
        assert_eq!(fold("sır"), "sir", "read as Latin all the same");
    }

    /// Small capitals from a styling site are read as the letters they are, and never reported.
    #[test]
    fn small_capitals_read_as_lower_case_letters() {
        let text = "\u{1D1B}\u{029C}\u{026A}s \u{026A}s s\u{1D0D}\u{1D00}\u{029F}\u{029F} text";
        assert_eq!(fold(text), "this is small text");
        assert!(findings(text, &crate::token::tokenize(text)).is_empty());
    }

    /// One or two mixed words are as often letters pasted by mistake: reported, less sure, and
    /// a lone look-alike word beside them is not taken for a disguise.
    #[test]
    fn a_stray_letter_is_reported_with_less_confidence() {
        let text = "Languages: Finno-Ugriс and others, as а rule.";
        let found = findings(text, &crate::token::tokenize(text));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].suggestion, "Finno-Ugric");
        assert_eq!(found[0].confidence, STRAY_CONFIDENCE);
        assert!(
            found[0].message.contains("stray character"),
            "{}",
            found[0].message
        );
    }

    /// Invisible characters inside Latin words disguise them as look-alikes do: each word is
    /// reported with its letters only, many of them make a disguise. A soft hyphen (a hint where
    /// to break a long word) and a zero-width non-joiner in a Persian word are no disguise.
    #[test]
    fn words_with_invisible_characters_inside_are_reported() {
        let text = "The wea\u{200B}ther is nice tod\u{200B}ay, and the ma\u{2060}yor spoke about \
                    the pa\u{200E}rk.";
        let found = findings(text, &crate::token::tokenize(text));
        let read: Vec<&str> = found.iter().map(|f| f.suggestion.as_str()).collect();
        assert_eq!(read, ["weather", "today", "mayor", "park"]);
        assert!(found.iter().all(|f| f.confidence == CONFIDENCE));
        assert!(
            found[0].message.contains("invisible character (U+200B)"),
            "{}",
            found[0].message
        );
        let stray = "The wea\u{200B}ther is nice today, and the mayor spoke.";
        let found = findings(stray, &crate::token::tokenize(stray));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].confidence, STRAY_CONFIDENCE);
        let clean = "Anti\u{AD}dis\u{AD}establishment, by Peyman Maheripour \
                     (\u{067E}\u{06CC}\u{0645}\u{0627}\u{0646} \u{0645}\u{0627}\u{0647}\u{0631}\u{06CC}\u{200C}\u{067E}\u{0648}\u{0631}).";
        assert!(findings(clean, &crate::token::tokenize(clean)).is_empty());
        let trailing = "The jars were filled\u{200D} with water.";
        assert!(findings(trailing, &crate::token::tokenize(trailing)).is_empty());
    }

    /// A word of look-alikes alone is a word of its own script when nothing else is disguised.
    #[test]
    fn look_alikes_alone_are_not_reported() {
        let text = "Stalin's nickname (Russian: Сосо) was used by his friends.";
        assert!(findings(text, &crate::token::tokenize(text)).is_empty());
    }

    /// Each of `words` (its last occurrence in the Latin text) maps to the written text, where
    /// it folds back to itself, and from there back to where it was.
    fn assert_words_map_both_ways(written: &str, latin: &Latin, words: &[&str]) {
        for word in words {
            let p = latin.text.rfind(word).unwrap();
            let (s, e) = (latin.to_written(p), latin.to_written(p + word.len()));
            assert_eq!(fold(&written[s..e]), *word);
            assert_eq!(
                (latin.from_written(s), latin.from_written(e)),
                (p, p + word.len())
            );
        }
    }

    #[test]
    fn offsets_map_between_the_written_and_the_latin_text() {
        let written = "a \u{0441}at on\u{0435} \u{0430} mat";
        let latin = Latin::of(written).unwrap();
        assert_eq!(latin.text, "a cat one a mat");
        assert_words_map_both_ways(written, &latin, &["a", "cat", "one", "mat"]);
        assert!(Latin::of("plain text, Путин").is_none());
    }

    /// Styled letters (fullwidth, mathematical bold) are the same letters in another dress:
    /// read as Latin, with their three or four bytes mapped back, and never reported.
    #[test]
    fn styled_letters_read_as_latin_and_are_not_reported() {
        assert_eq!(styled_latin('\u{FF43}'), Some('c'), "fullwidth c");
        assert_eq!(styled_latin('\u{1D41C}'), Some('c'), "mathematical bold c");
        assert_eq!(styled_latin('\u{1D6A8}'), None, "mathematical bold Alpha");
        let written = "The \u{FF43}\u{FF41}t and T\u{1D421}\u{1D41E} \u{1D41C}\u{1D428}w.";
        let latin = Latin::of(written).unwrap();
        assert_eq!(latin.text, "The cat and The cow.");
        assert_words_map_both_ways(written, &latin, &["cat", "The", "cow", "."]);
        assert!(findings(written, &crate::token::tokenize(written)).is_empty());
        // With a Cyrillic look-alike among them, the word is disguised all the same.
        let mixed = "\u{1D41C}\u{043E}w";
        assert_eq!(classify(mixed), Run::Mixed);
        assert_eq!(fold(mixed), "cow");
    }

    /// Random texts of Latin letters, every kind of letter read as Latin (Cyrillic, the Latin
    /// script's own look-alikes, fullwidth, mathematical, small capitals), accented letters,
    /// letters of other scripts, invisible characters and punctuation: the reading maps every
    /// character boundary back and forth, and every finding is a word of the text as written.
    #[test]
    fn random_texts_map_back_and_report_whole_words() {
        const ALPHABET: &[char] = &[
            'a',
            'c',
            'e',
            'i',
            'o',
            'T',
            'н',
            'а',
            'о',
            'ı',
            'ɑ',
            'ɡ',
            'ȷ',
            'ǀ',
            '\u{FF43}',
            '\u{1D41C}',
            '\u{1D1B}',
            '\u{026A}',
            'é',
            'ş',
            'п',
            'α',
            '\u{200B}',
            '\u{AD}',
            ' ',
            '/',
            '[',
            '.',
            '\n',
        ];
        let mut next = crate::test_rng::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if let Some(latin) = Latin::of(&text) {
                for (o, _) in text.char_indices().chain([(text.len(), ' ')]) {
                    let p = latin.from_written(o);
                    assert!(latin.text.is_char_boundary(p), "{text:?} at {o}");
                    assert_eq!(latin.to_written(p), o, "{text:?} at {o}");
                }
            }
            for f in findings(&text, &crate::token::tokenize(&text)) {
                assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                assert_eq!(f.text, text[f.start..f.end], "{text:?}");
                assert!(!f.suggestion.is_empty(), "{text:?}");
            }
        }
    }

    #[test]
    fn a_long_run_is_classified_once() {
        // A million look-alikes in one run: classified once, not once per letter (which would
        // not finish).
        let long = "а".repeat(1 << 20);
        assert_eq!(fold(&long), "a".repeat(1 << 20));
    }
}
