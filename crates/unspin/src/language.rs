//! Whether a document is written in English: the only language unspin's models read.
//!
//! Every model the engine has is English: the language model, the thesaurus, the names, the
//! rule packs, and the document score's features, which were fit on English text. Read through
//! them, a French article is a run of unknown words and unattested pairs, the very marks of a
//! garbled spin: a 400-word French news article scored 0.87 ("spun"), a German one 0.80. A
//! corpus scan of the web would call every page in another language spun. So a document is
//! first asked whether it is English, and one that is not gets no verdict of its own
//! ([`FOREIGN_SCORE`], uncertain) and no findings from the English detectors.
//!
//! Two signals must agree that a text is not English, because each fails alone:
//! - **English function words** ("the", "and", "which", "were"...) make up a quarter of English
//!   prose, and hardly occur in other languages. The list leaves out words that are common in
//!   some other language written in Latin letters ("in", "is", "was", "of", "a", "to", "die",
//!   "so", "no", "do", "i"...). Alone it would also call a Wikipedia stub of names and places
//!   foreign ("Etherton is an unincorporated community in Pomona Township, Jackson County,
//!   Illinois": 4%);
//! - **whatlang**'s trigram profiles name the language; alone they call five of the first
//!   10,000 enwiki2018 articles foreign ("Alex Reinaldo da Silva Viera (born 8 March 1991)...
//!   is a Brazilian footballer": Portuguese).
//!
//! Together, no article of the first 10,000 of enwiki2018 is taken for foreign but a list of
//! Turkish names (docs/evaluation.md). The function words are counted first: they are cheap,
//! and an English text with enough of them never pays for the trigram profile.

use crate::token::{Token, TokenKind};

/// English words that are frequent in any English text and rare as words of other languages
/// written in Latin letters.
const FUNCTION_WORDS: &[&str] = &[
    "the", "and", "that", "for", "with", "be", "by", "this", "are", "from", "at", "or", "which",
    "have", "has", "not", "but", "were", "they", "he", "she", "his", "their", "its", "been",
    "would", "there", "we", "you", "who", "more", "can", "one", "all", "after", "when", "into",
    "than", "other", "about", "only", "these", "some", "what", "out", "up", "if", "it", "my",
    "our", "your", "them", "him", "does", "did", "how", "where", "why", "then",
];

/// A text whose share of [`FUNCTION_WORDS`] is at least this reads as English whatever its
/// trigrams say. English prose has about 0.23; the lowest shares of enwiki2018's articles
/// (stubs of names and places) are 0.02–0.04; French, German and Spanish prose have none.
const ENGLISH_SHARE: f32 = 0.05;

/// Texts shorter than this are not asked: too few words for either signal.
const MIN_WORDS: usize = 20;

/// Bytes of the text whose trigrams are read: a page's language shows in its first pages.
const SAMPLE_BYTES: usize = 16 * 1024;

/// The score of a text in another language: no evidence either way, so the classes' prior
/// (the score is a probability under a 50% prior), and the verdict uncertain.
pub const FOREIGN_SCORE: f32 = 0.5;

/// A language other than English that a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Foreign {
    /// ISO 639-3 code ("fra", "deu", "spa").
    pub code: &'static str,
    /// English name ("French").
    pub name: &'static str,
}

/// The language of `text` when it is clearly not English; `None` for English text, and for
/// text too short or too mixed to tell.
pub fn foreign_language(text: &str, tokens: &[Token]) -> Option<Foreign> {
    let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
    if words < MIN_WORDS {
        return None;
    }
    // English prose passes after its first few sentences.
    let enough = (ENGLISH_SHARE * words as f32).ceil() as usize;
    let function = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word && is_function_word(t.text(text)))
        .take(enough)
        .count();
    if function >= enough {
        return None;
    }
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    (info.is_reliable() && info.lang() != whatlang::Lang::Eng).then(|| Foreign {
        code: info.lang().code(),
        name: info.lang().eng_name(),
    })
}

/// Whether a word as written is one of [`FUNCTION_WORDS`], in any case; no allocation (every
/// token of every document is asked).
fn is_function_word(word: &str) -> bool {
    word.len() <= LONGEST_FUNCTION_WORD
        && FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(word))
}

/// Length in bytes of the longest of [`FUNCTION_WORDS`].
const LONGEST_FUNCTION_WORD: usize = 5;

impl Foreign {
    /// The language of an ISO 639-3 code that [`foreign_language`] gave (`Report::language`).
    pub fn from_code(code: &str) -> Option<Foreign> {
        whatlang::Lang::from_code(code).map(|l| Foreign {
            code: l.code(),
            name: l.eng_name(),
        })
    }
}

/// The English name of an ISO 639-3 code that [`foreign_language`] gave, or the code itself.
pub fn name_of(code: &str) -> &str {
    Foreign::from_code(code).map_or(code, |f| f.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    fn language(text: &str) -> Option<&'static str> {
        foreign_language(text, &tokenize(text)).map(|f| f.code)
    }

    const FRENCH: &str = "Le président de la République a annoncé mardi une série de mesures \
        destinées à soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides \
        devraient entrer en vigueur dès le mois prochain et concerner plusieurs millions de foyers.";
    const GERMAN: &str = "Die Bundesregierung hat am Dienstag ein neues Gesetz zur Förderung \
        erneuerbarer Energien beschlossen. Nach Angaben des Ministeriums sollen damit bis zum Jahr \
        2030 mindestens achtzig Prozent des Stroms aus Wind und Sonne stammen.";
    const SPANISH: &str = "El gobierno anunció el martes un nuevo plan para mejorar la educación \
        pública en todo el país. Según el ministro, la inversión permitirá contratar a miles de \
        profesores y renovar cientos de escuelas antes del próximo año escolar.";
    const DUTCH: &str = "De regering heeft dinsdag een nieuw plan gepresenteerd om het openbaar \
        vervoer in het hele land te verbeteren. Volgens de minister is het geld bedoeld voor \
        nieuwe treinen en voor het onderhoud van het spoor, dat al jaren achterloopt.";

    #[test]
    fn the_longest_function_word_is_known() {
        let longest = FUNCTION_WORDS.iter().map(|w| w.len()).max();
        assert_eq!(longest, Some(LONGEST_FUNCTION_WORD));
        assert!(is_function_word("Which") && is_function_word("THE"));
        assert!(!is_function_word("thesis") && !is_function_word("in"));
    }

    #[test]
    fn prose_in_other_languages_is_foreign() {
        assert_eq!(language(FRENCH), Some("fra"));
        assert_eq!(language(GERMAN), Some("deu"));
        assert_eq!(language(SPANISH), Some("spa"));
        assert_eq!(language(DUTCH), Some("nld"));
        assert_eq!(name_of("fra"), "French");
    }

    #[test]
    fn english_is_english_even_among_foreign_names() {
        // whatlang alone reads these as Portuguese and Spanish.
        assert_eq!(
            language(
                "Alex Reinaldo da Silva Viera (born 8 March 1991), simply known as Alex \
                 Reinaldo, is a Brazilian footballer who plays for Associação Desportiva São \
                 Caetano as a forward."
            ),
            None
        );
        assert_eq!(
            language(
                "Adrián Ramos de la Torre (born December 30, 1995 in Tijuana, Baja California) \
                 is a Mexican professional footballer who last played for Dorados de Sinaloa."
            ),
            None
        );
        // Few function words, but English trigrams.
        assert_eq!(
            language(
                "Etherton is an unincorporated community in Pomona Township, Jackson County, \
                 Illinois, United States. Etherton is located on Illinois Route 127 north of \
                 Pomona."
            ),
            None
        );
        let readme = include_str!("../../../README.md");
        let end = (0..=readme.len().min(4000))
            .rev()
            .find(|&i| readme.is_char_boundary(i))
            .unwrap();
        assert_eq!(language(&readme[..end]), None);
    }

    #[test]
    fn short_or_mixed_texts_are_not_asked() {
        assert_eq!(
            language("Le président a annoncé mardi une série de mesures."),
            None
        );
        // An English article quoting a French sentence stays English.
        let mixed = format!(
            "The president said on Tuesday that the measures, which the unions have welcomed, \
             would come into force next month. {FRENCH} The government has not said how much \
             they would cost, and the opposition called them too little, too late."
        );
        assert_eq!(language(&mixed), None);
    }
}
