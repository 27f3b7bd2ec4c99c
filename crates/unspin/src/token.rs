//! Tokenizer: words, numbers and punctuation with UTF-8 byte spans.
//!
//! Choices that matter for the language model and the rule matcher (both use this tokenizer,
//! so a model built from a corpus and the text checked against it agree):
//! - a word is letters/digits joined by internal apostrophes (`'` or `’`) or hyphens:
//!   `counter-offensive`, `don't`, `it’ll` are one token each;
//! - a word hyphenated across a line break, as text extracted from a PDF has it (`con-` at the end
//!   of a line, `sciousness` at the start of the next, in lower case), is one token, which
//!   [`normalize`] reads as the whole word (`consciousness`);
//! - the possessive `'s` / `’s` is split off as its own token (`Kyiv’s` → `Kyiv`, `’s`), so the
//!   name and the possessive are looked up separately;
//! - a number is digits with internal `,` or `.` between digits (`1,700`, `3.5`);
//! - every other non-space character is a one-character punctuation token.
//!
//! [`normalize`] maps a token to the form used for look-ups: lower case, curly apostrophes made
//! straight, typographic ligatures spelled out (`ﬁ` → `fi`, as PDF text has them).

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

/// A token: a half-open UTF-8 byte span of the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

impl Token {
    #[inline]
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
    #[inline]
    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’' || c == 'ʼ'
}

#[inline]
pub(crate) fn is_hyphen(c: char) -> bool {
    c == '-' || c == '‐' || c == '‑'
}

/// Where the rest of a word resumes after a hyphen at the end of a line: `after` is the text just
/// past the hyphen; spaces, one line break and the next line's indent are skipped, and the word
/// must go on in lower case (a capital starts a new word: "North-\nEast" is left alone). The
/// byte length skipped, if so.
pub(crate) fn line_break_continuation(after: &str) -> Option<usize> {
    let mut skipped = 0;
    let mut newlines = 0;
    for c in after.chars() {
        match c {
            '\n' => newlines += 1,
            ' ' | '\t' | '\r' => {}
            c if c.is_lowercase() && newlines == 1 => return Some(skipped),
            _ => return None,
        }
        if newlines > 1 {
            return None;
        }
        skipped += c.len_utf8();
    }
    None
}

/// Invisible characters: the soft hyphen, zero-width space, non-joiner and joiner, the
/// direction marks and embeddings, the word joiner and invisible operators, variation selectors,
/// a byte-order mark inside a text, and the fillers and separators that render as nothing
/// (combining grapheme joiner, Arabic letter mark, Hangul fillers, Khmer inherent vowels,
/// Mongolian vowel separator): the characters "invisible character" tools insert. They render as
/// nothing, so a word with one inside reads as the word (a way to slip a phrase past exact
/// matching), and between words they are space.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// The ASCII letters of a typographic ligature (U+FB00–U+FB06), which PDF text extraction keeps.
pub(crate) fn ligature(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

/// Split `text` into tokens. Never fails; any byte sequence that is valid UTF-8 tokenizes.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, &mut tokens);
    tokens
}

/// Like [`tokenize`], reusing a buffer (cleared first).
pub fn tokenize_into(text: &str, tokens: &mut Vec<Token>) {
    tokens.clear();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() || is_invisible(c) {
            continue;
        }
        if c.is_alphabetic() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() || is_invisible(d) {
                    chars.next();
                    end = i + d.len_utf8();
                    continue;
                }
                if is_hyphen(d) {
                    // A word hyphenated across a line break goes on after it.
                    if let Some(skip) = line_break_continuation(&text[i + d.len_utf8()..]) {
                        let resume = i + d.len_utf8() + skip;
                        while chars.peek().is_some_and(|&(j, _)| j < resume) {
                            chars.next();
                        }
                        let (j, a) = chars.next().expect("a letter follows the line break");
                        end = j + a.len_utf8();
                        continue;
                    }
                }
                if is_apostrophe(d) || is_hyphen(d) {
                    // Joiner: only when followed by a letter/digit.
                    let after = text[i + d.len_utf8()..].chars().next();
                    match after {
                        Some(a) if a.is_alphanumeric() => {
                            if is_apostrophe(d) {
                                // Possessive 's: split it off when the word ends after the s.
                                let rest = &text[i + d.len_utf8()..];
                                let mut rc = rest.chars();
                                let s = rc.next();
                                let next = rc.next();
                                if matches!(s, Some('s') | Some('S'))
                                    && !next.is_some_and(|n| n.is_alphanumeric())
                                {
                                    break;
                                }
                            }
                            chars.next();
                            let (j, a) = chars.next().expect("peeked");
                            end = j + a.len_utf8();
                            continue;
                        }
                        _ => break,
                    }
                }
                break;
            }
            tokens.push(Token {
                start,
                end,
                kind: TokenKind::Word,
            });
            continue;
        }
        if is_apostrophe(c) {
            // A split-off possessive: 's directly after a word.
            if let Some(prev) = tokens.last() {
                if prev.end == start && prev.kind == TokenKind::Word {
                    let rest = &text[start + c.len_utf8()..];
                    let mut rc = rest.chars();
                    if matches!(rc.next(), Some('s') | Some('S'))
                        && !rc.next().is_some_and(|n| n.is_alphanumeric())
                    {
                        chars.next();
                        tokens.push(Token {
                            start,
                            end: start + c.len_utf8() + 1,
                            kind: TokenKind::Word,
                        });
                        continue;
                    }
                }
            }
        }
        if c.is_ascii_digit() || (c.is_numeric() && !c.is_alphabetic()) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if d.is_ascii_digit() {
                    chars.next();
                    end = i + 1;
                    continue;
                }
                if d == ',' || d == '.' {
                    let after = text[i + 1..].chars().next();
                    if after.is_some_and(|a| a.is_ascii_digit()) {
                        chars.next();
                        continue;
                    }
                }
                break;
            }
            tokens.push(Token {
                start,
                end,
                kind: TokenKind::Number,
            });
            continue;
        }
        tokens.push(Token {
            start,
            end: start + c.len_utf8(),
            kind: TokenKind::Punct,
        });
    }
}

/// Whether a hyphen at a line break (at `hyphen`; the next line's word resumes at `resume`) is
/// a compound's own hyphen, kept ("well-⏎known" is "well-known"), rather than one that breaks a
/// word in two, dropped ("con-⏎sciousness"): the two halves joined make a word that the embedded
/// model does not know, while the halves make a pair of words it knows ("well known"; not "wide
/// band", so "wide-⏎band" is "wideband", as a rule list spells it). Read without the hyphen,
/// "well-⏎known" was "wellknown", an unknown word, kept as written and read as a garbled passage.
pub(crate) fn keeps_hyphen_at_break(text: &str, hyphen: usize, resume: usize) -> bool {
    let before_start = text[..hyphen]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(hyphen, |(i, _)| i);
    let after_end = text[resume..]
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(text.len(), |(i, _)| resume + i);
    // Read as the model's words are: lower case, ligatures spelled out.
    let (before, after) = (
        normalize(&text[before_start..hyphen]),
        normalize(&text[resume..after_end]),
    );
    if before.is_empty() || after.is_empty() {
        return false;
    }
    let joined = format!("{before}{after}");
    let (before, after) = (before.as_ref(), after.as_ref());
    !crate::lm::is_known(&[&joined]) && crate::lm::is_known(&[before, after])
}

/// The look-up form of a token: lower case, curly apostrophes and odd hyphens made ASCII,
/// ligatures spelled out, Cyrillic letters that disguise a Latin word read as the Latin letters
/// they look like (`crate::homoglyph::fold`), and a hyphen at a line break dropped with the break
/// (`con-\nsciousness` → `consciousness`), or only the break when the hyphen is the compound's
/// own (`well-\nknown` → `well-known`, [`keeps_hyphen_at_break`]).
pub fn normalize(s: &str) -> Cow<'_, str> {
    match crate::homoglyph::fold(s) {
        Cow::Borrowed(_) => normalize_latin(s),
        Cow::Owned(latin) => Cow::Owned(normalize_latin(&latin).into_owned()),
    }
}

/// [`normalize`] of a text whose disguised words are folded already.
fn normalize_latin(s: &str) -> Cow<'_, str> {
    let needs = s.chars().any(|c| {
        c.is_uppercase()
            || c == '\n'
            || !c.is_ascii()
                && (is_apostrophe(c) || is_hyphen(c) || is_invisible(c) || ligature(c).is_some())
    });
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_hyphen(c) {
            if let Some(skip) = line_break_continuation(&s[i + c.len_utf8()..]) {
                let resume = i + c.len_utf8() + skip;
                while chars.peek().is_some_and(|&(j, _)| j < resume) {
                    chars.next();
                }
                if keeps_hyphen_at_break(s, i, resume) {
                    out.push('-');
                }
                continue;
            }
            out.push('-');
        } else if is_apostrophe(c) {
            out.push('\'');
        } else if is_invisible(c) {
            // soft hyphen, zero-width characters: invisible, drop
        } else if let Some(letters) = ligature(c) {
            out.push_str(letters);
        } else if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The letter case of a word, to carry over to a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Lower,
    /// First letter upper, some other lower: `Head`.
    Title,
    /// All letters upper, at least two letters: `NATO`.
    Upper,
    Other,
}

pub fn case_of(s: &str) -> Case {
    let mut letters = s.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return Case::Other;
    };
    let rest: Vec<char> = letters.collect();
    if first.is_lowercase() && rest.iter().all(|c| !c.is_uppercase()) {
        Case::Lower
    } else if first.is_uppercase() && !rest.is_empty() && rest.iter().all(|c| c.is_uppercase()) {
        Case::Upper
    } else if first.is_uppercase() && rest.iter().all(|c| !c.is_uppercase()) {
        Case::Title
    } else {
        Case::Other
    }
}

/// Give `replacement` the case of `template` (the text it replaces): `Head of state` + `president`
/// → `President`; `AS WELL AS` + `and` → `AND`. A replacement that has capitals of its own
/// (a name, an acronym) is kept as written unless the template is all upper case.
pub fn match_case(template: &str, replacement: &str) -> String {
    let own_caps = replacement.chars().any(|c| c.is_uppercase());
    match case_of(template) {
        Case::Upper if template.chars().filter(|c| c.is_alphabetic()).count() > 1 => {
            replacement.to_uppercase()
        }
        Case::Title | Case::Upper => {
            let mut cs = replacement.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        }
        _ if own_caps => replacement.to_string(),
        _ => replacement.to_string(),
    }
}

/// Whether a phrase of several words is in title case, as a headline or a title of a work writes
/// it ("Will Certainly", "Right Here Waiting"): every word after the first capitalised (the
/// first is capitalised anyway at the start of a sentence), and a small letter somewhere (a
/// sentence in capitals says nothing by its case: "HAS ACTUALLY" is no title).
pub fn title_cased<'w>(words: impl Iterator<Item = &'w str> + Clone) -> bool {
    let mut rest = words.clone().skip(1).peekable();
    rest.peek().is_some()
        && rest.all(|w| w.starts_with(char::is_uppercase))
        && words.clone().any(|w| w.chars().any(char::is_lowercase))
}

/// Characters of the line that ends at byte `line_end` of `text`: from the line end before it (or
/// the start of the text). Whether a line end only wraps a line depends on it.
pub fn line_length_before(text: &str, line_end: usize) -> usize {
    let line_start = text[..line_end].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..line_end].chars().count()
}

/// Sentence boundaries as token-index ranges. A sentence ends after `.`, `!` or `?` (and any
/// closing quotes or brackets) when the next token starts with an upper-case letter, a digit, an
/// opening quote or a pictograph (an emoji: posts start sentences with them), and always at a line
/// break.
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let mut end_here = false;
        if let Some(next) = tokens.get(i + 1) {
            if text[t.end..next.start].contains('\n') {
                end_here = true;
            } else if t.kind == TokenKind::Punct && matches!(t.text(text), "." | "!" | "?") {
                // Swallow closing quotes/brackets.
                let mut j = i + 1;
                while j < tokens.len()
                    && tokens[j].kind == TokenKind::Punct
                    && matches!(tokens[j].text(text), "\"" | "”" | "’" | "'" | ")" | "]")
                    && tokens[j].start == tokens[j - 1].end
                {
                    j += 1;
                }
                // "Dr. Smith", "St. Agnes", "John F. Kennedy", "U.S. Army": the period of a
                // title or an initial does not end the sentence.
                let abbreviation = i > 0 && {
                    let prev = tokens[i - 1];
                    let word = prev.text(text);
                    prev.kind == TokenKind::Word
                        && prev.end == t.start
                        && (word.chars().count() == 1 && word.chars().all(char::is_uppercase)
                            || TITLES.contains(&word))
                };
                if let Some(n) = tokens.get(j).filter(|_| !abbreviation) {
                    let first = n.text(text).chars().next().unwrap_or(' ');
                    if first.is_uppercase()
                        || first.is_ascii_digit()
                        || matches!(first, '"' | '“' | '‘' | '(')
                        || is_pictograph(first)
                    {
                        i = j - 1;
                        end_here = true;
                    }
                }
            }
        }
        if end_here {
            out.push(begin..i + 1);
            begin = i + 1;
        }
        i += 1;
    }
    if begin < tokens.len() {
        out.push(begin..tokens.len());
    }
    out
}

/// Abbreviated titles written before a name ("Dr. Smith", "St. Agnes"), which rarely end a
/// sentence. Not "Inc.", "Co." or "Jr.", which often do.
const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Mt", "Ft", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Cmdr",
    "Adm", "Maj", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Messrs", "Mme", "Mlle",
];

/// Emoji and other pictographs: Miscellaneous Symbols and Dingbats, Miscellaneous Symbols and
/// Arrows, and the supplementary planes' symbol blocks (U+1F000–U+1FAFF).
fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zero-width characters render as nothing: inside a word they are dropped, between words
    /// they are space (a way to slip a phrase past exact matching).
    #[test]
    fn zero_width_characters_are_invisible() {
        assert_eq!(
            normalized_words("counter\u{200B}feit \u{200B}consciousness\u{2060} is\u{FEFF}"),
            ["counterfeit", "consciousness", "is"]
        );
        // The soft hyphen, direction marks, variation selectors and fillers too.
        assert_eq!(
            normalized_words(
                "conscious\u{AD}ness ar\u{200E}tifi\u{FE0F}cial in\u{3164}tel\u{180E}ligence"
            ),
            ["consciousness", "artificial", "intelligence"]
        );
    }

    /// Text extracted from a PDF: words hyphenated across line breaks, and ligatures.
    #[test]
    fn pdf_text_reads_as_its_words() {
        let text = "counterfeit con-\nsciousness and a classi\u{FB01}er; well-\n  known\nNorth-\nEast, end-\n\nnext";
        let toks = tokenize(text);
        assert_eq!(
            normalized_words(text),
            [
                "counterfeit",
                "consciousness",
                "and",
                "a",
                "classifier",
                // The compound's own hyphen stays: "wellknown" is no word, "well" and "known" are.
                "well-known",
                "north",
                "east",
                "end",
                "next"
            ]
        );
        // The token spans the break, so a finding replaces the whole hyphenated word.
        assert_eq!(toks[1].text(text), "con-\nsciousness");
        assert_eq!(normalize("\u{FB02}ag"), "flag");
        assert_eq!(normalize("state-of-the-art"), "state-of-the-art");
        assert_eq!(normalize("state-of-the-\nart"), "state-of-the-art");
        assert_eq!(normalize("self-\nesteem"), "self-esteem");
        assert_eq!(normalize("informa-\ntion"), "information");
    }

    /// The words of `s` as look-ups read them.
    #[test]
    fn title_case_is_capitals_after_the_first_word_not_all_capitals() {
        let titled = |s: &str| title_cased(s.split_whitespace());
        assert!(titled("Will Certainly"));
        assert!(titled("right Here Waiting"));
        assert!(!titled("will certainly"));
        assert!(!titled("Will certainly"));
        assert!(!titled("HAS ACTUALLY"), "capitals say nothing");
        assert!(!titled("Certainly"), "one word is no phrase");
    }

    fn normalized_words(s: &str) -> Vec<String> {
        tokenize(s)
            .iter()
            .filter(|t| t.is_word())
            .map(|t| normalize(t.text(s)).into_owned())
            .collect()
    }

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn splits_possessive_and_keeps_contractions() {
        assert_eq!(
            words("Kyiv’s counter-offensive"),
            ["Kyiv", "’s", "counter-offensive"]
        );
        assert_eq!(
            words("it’ll don't Russians’ arms"),
            ["it’ll", "don't", "Russians", "’", "arms"]
        );
        assert_eq!(words("John's"), ["John", "'s"]);
        assert_eq!(words("'sup"), ["'", "sup"]);
    }

    #[test]
    fn numbers_and_punct() {
        assert_eq!(
            words("In 1,700 (3.5%)."),
            ["In", "1,700", "(", "3.5", "%", ")", "."]
        );
        assert_eq!(words("age– so"), ["age", "–", "so"]);
    }

    #[test]
    fn spans_are_byte_offsets() {
        let s = "Ça “unique” é";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
        }
        assert_eq!(words(s), ["Ça", "“", "unique", "”", "é"]);
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("Kyiv’s"), "kyiv's");
        assert_eq!(normalize("plain"), "plain");
    }

    #[test]
    fn case_transfer() {
        assert_eq!(match_case("Head of state", "president"), "President");
        assert_eq!(match_case("AS WELL AS", "and"), "AND");
        assert_eq!(match_case("as well as", "and"), "and");
        assert_eq!(match_case("fight", "Battle of Narva"), "Battle of Narva");
    }

    /// The text of each sentence of `s`.
    fn sentence_texts(s: &str) -> Vec<&str> {
        let toks = tokenize(s);
        sentences(s, &toks)
            .into_iter()
            .map(|r| &s[toks[r.start].start..toks[r.end - 1].end])
            .collect()
    }

    #[test]
    fn sentence_split() {
        let s = "It rained. Then it stopped!\nNew line here \"quoted.\" Next one";
        assert_eq!(
            sentence_texts(s),
            [
                "It rained.",
                "Then it stopped!",
                "New line here \"quoted.\"",
                "Next one"
            ]
        );
    }

    /// The period of a title or an initial before a name does not end the sentence; other
    /// abbreviations and a sentence's last word do.
    #[test]
    fn titles_and_initials_do_not_end_sentences() {
        let s =
            "Dr. Smith met Sen. Jones at St. Agnes in the U.S. Capitol with John F. Kennedy Jr. \
                 He left. Acme Inc. Then rain.";
        assert_eq!(
            sentence_texts(s),
            [
                "Dr. Smith met Sen. Jones at St. Agnes in the U.S. Capitol with John F. Kennedy Jr.",
                "He left.",
                "Acme Inc.",
                "Then rain."
            ]
        );
    }

    #[test]
    fn a_sentence_may_start_with_an_emoji() {
        let s = "We won. 🎉 Great game! ❤️ thanks. ok then";
        assert_eq!(
            sentence_texts(s),
            ["We won.", "🎉 Great game!", "❤️ thanks. ok then"]
        );
    }
}
