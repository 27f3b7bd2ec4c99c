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
//!   "so", "no", "do", "i"; "at" and "for", which are Danish, Norwegian and Tagalog words...).
//!   Alone it would also call a Wikipedia stub of names and places foreign ("Etherton is an
//!   unincorporated community in Pomona Township, Jackson County, Illinois": 4%);
//! - **whatlang**'s trigram profiles name the language; alone they call five of the first
//!   10,000 enwiki2018 articles foreign ("Alex Reinaldo da Silva Viera (born 8 March 1991)...
//!   is a Brazilian footballer": Portuguese).
//!
//! Together, of enwiki2018's 32,183 articles five are taken for foreign: three that are
//! (Spanish, Indonesian, a list of Turkish names) and two that are mostly lists of Serbian names
//! and Latin titles; of enwiki2015's 27,937, one table (docs/evaluation.md). A text is in the
//! language of most of its words, counted in runs of [`CHUNK_WORDS`] words. Where whatlang is unsure of the language (Icelandic,
//! Irish, romanised Hindi), a text of [`UNSURE_MIN_WORDS`] words or more with almost no English
//! function words ([`UNSURE_SHARE`]) is still not English: its language is undetermined
//! ([`UNDETERMINED`]). A text mostly in another script than Latin (Cyrillic, Greek, Arabic,
//! Han...) is not English however few its words (Chinese has no spaces between them). The
//! function words are counted first: they are cheap, and an English text with enough of them
//! never pays for the trigram profile.

use crate::token::{Token, TokenKind};

/// English words that are frequent in any English text and rare as words of other languages
/// written in Latin letters.
const FUNCTION_WORDS: &[&str] = &[
    "the", "and", "that", "with", "be", "by", "this", "are", "from", "or", "which", "have", "has",
    "not", "but", "were", "they", "he", "she", "his", "their", "its", "been", "would", "there",
    "we", "you", "who", "more", "can", "one", "all", "after", "when", "into", "than", "other",
    "about", "only", "these", "some", "what", "out", "up", "if", "it", "my", "our", "your", "them",
    "him", "does", "did", "how", "where", "why", "then", "born", "known", "during", "first",
    "many", "such", "between", "could", "should", "however", "while",
];

/// A text whose share of [`FUNCTION_WORDS`] is at least this reads as English whatever its
/// trigrams say. English prose has about 0.23; the lowest shares of enwiki2018's articles
/// (stubs of names and places) are a few hundredths, a handful none; French, German and Spanish
/// prose have none. Asked of each run of [`CHUNK_WORDS`] words.
const ENGLISH_SHARE: f32 = 0.05;

/// Texts in Latin letters shorter than this are not asked: too few words for either signal (at
/// 20 words, stubs about Spanish scholars read as Spanish).
const MIN_WORDS: usize = 30;

/// A text whose language whatlang is unsure of is not English when it has at least this many
/// words and a share of [`FUNCTION_WORDS`] under [`UNSURE_SHARE`].
const UNSURE_MIN_WORDS: usize = 40;
const UNSURE_SHARE: f32 = 0.02;

/// Letters a text needs before its script says anything.
const MIN_OTHER_SCRIPT_LETTERS: usize = 40;

/// Bytes of words whose trigrams are read: a page's language shows in its first pages. Words
/// only, so that a table of numbers at the top does not fill the sample.
const SAMPLE_BYTES: usize = 16 * 1024;

/// Bytes of one word that go into the sample at most.
const LONGEST_SAMPLED_WORD: usize = 256;

/// The ISO 639-3 code of an undetermined language.
pub const UNDETERMINED: &str = "und";

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
/// text too short to tell. A text in two languages is in the one most of its words are in:
/// the function words are counted in runs of [`CHUNK_WORDS`] words, and the runs short of them
/// must hold most of the text (an English article quoting a French paragraph stays English, a
/// French one quoting an English paragraph does not).
///
/// The engine asks it of the text read in Latin letters (`crate::homoglyph::Latin`): English
/// written wholly in Cyrillic look-alikes, read as written, is taken for Macedonian.
pub fn foreign_language(text: &str, tokens: &[Token]) -> Option<Foreign> {
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text))
        .collect();
    let other_script = !text.is_ascii() && mostly_other_script(&words);
    if !other_script && words.len() < MIN_WORDS {
        return None;
    }
    // The words of the runs that do not read as English.
    let foreign: Vec<&str> = if other_script {
        words.clone()
    } else {
        let mut foreign = Vec::new();
        let mut english_words = 0;
        for run in words.chunks(CHUNK_WORDS) {
            // English prose has enough function words after a sentence or two.
            let enough = (ENGLISH_SHARE * run.len() as f32).ceil() as usize;
            let found = run
                .iter()
                .filter(|w| is_function_word(w))
                .take(enough)
                .count();
            if found >= enough {
                english_words += run.len();
                if english_words * 2 >= words.len() {
                    return None;
                }
            } else {
                foreign.extend_from_slice(run);
            }
        }
        foreign
    };
    let Some(info) = whatlang::detect(&sample(&foreign)) else {
        // A script whatlang has no profile of (Tibetan, Lao, Mongolian): not English all the same.
        return other_script.then_some(Foreign {
            code: UNDETERMINED,
            name: UNDETERMINED_NAME,
        });
    };
    if info.lang() == whatlang::Lang::Eng {
        return None;
    }
    if info.is_reliable() {
        return Some(Foreign {
            code: info.lang().code(),
            name: info.lang().eng_name(),
        });
    }
    // Unsure of the language: the whole text must be nearly bare of English function words (a
    // list of names, or of transfers between basketball teams, has runs without them).
    let function = words.iter().filter(|w| is_function_word(w)).count();
    let unsure_but_foreign = other_script
        || words.len() >= UNSURE_MIN_WORDS && (function as f32) < UNSURE_SHARE * words.len() as f32;
    unsure_but_foreign.then_some(Foreign {
        code: UNDETERMINED,
        name: UNDETERMINED_NAME,
    })
}

/// Words per run in which [`foreign_language`] counts function words.
const CHUNK_WORDS: usize = 50;

/// Whether most letters of the text's words are of other scripts than Latin (each word counted
/// by its first letter's script, for as many letters as it has).
fn mostly_other_script(words: &[&str]) -> bool {
    let (mut latin, mut other) = (0usize, 0usize);
    for w in words {
        if w.is_ascii() {
            latin += w.len();
            continue;
        }
        let Some(first) = w.chars().find(|c| c.is_alphabetic()) else {
            continue;
        };
        let letters = w.chars().count();
        if crate::homoglyph::is_latin_letter(first) {
            latin += letters;
        } else {
            other += letters;
        }
    }
    other >= MIN_OTHER_SCRIPT_LETTERS && other > latin
}

/// The words of a text, joined by spaces, up to [`SAMPLE_BYTES`].
fn sample(words: &[&str]) -> String {
    let mut out = String::with_capacity(SAMPLE_BYTES.min(words.len() * 8));
    for w in words {
        let room = SAMPLE_BYTES.saturating_sub(out.len() + 1);
        if room == 0 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // A long word (a run of Chinese without punctuation, a DNA sequence) gives its first
        // bytes only, cut between characters, so that it neither empties nor fills the sample.
        let mut end = w.len().min(room).min(LONGEST_SAMPLED_WORD);
        while !w.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&w[..end]);
    }
    out
}

/// The English name of [`UNDETERMINED`].
const UNDETERMINED_NAME: &str = "an undetermined language";

/// Whether a word as written is one of [`FUNCTION_WORDS`], in any case; no allocation (every
/// token of every document is asked).
fn is_function_word(word: &str) -> bool {
    word.len() <= LONGEST_FUNCTION_WORD
        && FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(word))
}

/// Length in bytes of the longest of [`FUNCTION_WORDS`].
const LONGEST_FUNCTION_WORD: usize = 7;

impl Foreign {
    /// The language of an ISO 639-3 code that [`foreign_language`] gave (`Report::language`).
    pub fn from_code(code: &str) -> Option<Foreign> {
        if code == UNDETERMINED {
            return Some(Foreign {
                code: UNDETERMINED,
                name: UNDETERMINED_NAME,
            });
        }
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

    const DANISH: &str = "Byrådet besluttede torsdag aften at bygge en ny skole i bymidten. \
        Borgmesteren siger, at det er vigtigt for byen at komme i gang, og han håber, at arbejdet \
        kan begynde allerede til foråret. Oppositionen mener, at projektet er for dyrt, og at \
        pengene burde bruges på ældreplejen i stedet.";
    const NORWEGIAN: &str = "Kommunestyret vedtok torsdag å bygge en ny skole i sentrum. \
        Ordføreren sier at det er viktig for byen å komme i gang, og han håper at arbeidet kan \
        starte allerede til våren. Opposisjonen mener at prosjektet er for dyrt, og at pengene \
        heller burde brukes på eldreomsorgen i kommunen.";
    const TAGALOG: &str = "Sinabi ng alkalde na magsisimula ang trabaho sa tag-araw at tatagal \
        ito ng dalawang taon. Ayon sa mga residente, matagal na nilang hinihintay ang bagong tulay \
        at umaasa sila na makakatulong ito sa mga negosyo sa bayan at sa mga magsasaka na \
        nagdadala ng kanilang ani sa palengke.";
    const CHINESE: &str = "北京时间周二，政府宣布了一系列支持家庭购买力的新措施。根据政府的说法，\
        这些援助将从下个月开始生效，并将惠及数百万个家庭。工会对此表示欢迎，但认为面对能源和食品\
        价格的上涨，这些努力仍然不够。";

    /// "at" and "for" are Danish, Norwegian and Tagalog words: they are no English evidence.
    #[test]
    fn languages_that_share_english_words_are_foreign() {
        // Danish and Norwegian are close enough that whatlang may be unsure which: either way
        // the text is not English.
        for (text, code) in [(DANISH, "dan"), (NORWEGIAN, "nob")] {
            let found = language(text);
            assert!(
                found == Some(code) || found == Some(UNDETERMINED),
                "{found:?}"
            );
        }
        assert_eq!(language(TAGALOG), Some("tgl"));
    }

    /// Chinese has no spaces between words: its script says it is not English.
    #[test]
    fn another_script_is_foreign_however_few_its_words() {
        assert_eq!(language(CHINESE), Some("cmn"));
        // Cyrillic look-alike letters in English words do not make it foreign.
        let homoglyphs = "The committee hаs асtually approved the budget for the new school \
            building, and the work will start in the spring when the weather is better and \
            the contractors are free again after the winter.";
        assert_eq!(language(homoglyphs), None);
    }

    /// A script that whatlang has no profile of is not English either.
    #[test]
    fn a_script_without_a_profile_is_undetermined() {
        let tibetan = "བཀྲ་ཤིས་བདེ་ལེགས། ང་ཚོས་དེ་རིང་སློབ་གྲྭ་གསར་པ་ཞིག་བཙུགས། ".repeat(8);
        assert_eq!(language(&tibetan), Some(UNDETERMINED));
    }

    /// One word longer than the sample (Chinese without punctuation, a DNA sequence) fills it
    /// with what fits instead of emptying it.
    #[test]
    fn a_long_word_does_not_empty_the_sample() {
        let dna = format!(
            "Séquence: {} {FRENCH} {FRENCH} {FRENCH}",
            "ACGT".repeat(4200)
        );
        assert_eq!(language(&dna), Some("fra"));
        let chinese = CHINESE.replace(['，', '。'], "").repeat(100);
        assert!(chinese.len() > SAMPLE_BYTES);
        assert_eq!(language(&chinese), Some("cmn"));
    }

    /// A table of numbers at the top of a report does not fill the trigram sample.
    #[test]
    fn the_sample_is_words() {
        let table: String = (0..3000)
            .map(|i| format!("{i} | {} | {}\n", i * 7, i % 13))
            .collect();
        assert!(table.len() > SAMPLE_BYTES);
        assert_eq!(language(&format!("{table}\n{FRENCH}")), Some("fra"));
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
