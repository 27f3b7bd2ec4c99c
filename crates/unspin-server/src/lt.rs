//! A LanguageTool-compatible `POST /v2/check`, so that LanguageTool's editor plug-ins (set to a
//! custom server URL) show unspin's findings.
//!
//! LanguageTool is written in Java and its clients count offsets in UTF-16 code units (Java and
//! JavaScript string indices), so every offset and length here is converted from unspin's UTF-8
//! byte offsets: "𝒜 as well as" has its finding at bytes 5..15 and at UTF-16 units 3..13.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use unspin::{Finding, Report};

use crate::api::{read_body, require_media_type, utf8, with_engine};
use crate::error::ApiError;
use crate::AppState;

/// Characters of context shown on each side of a match (LanguageTool's default is 40 too).
const CONTEXT_CHARS: usize = 40;

#[derive(Debug, Serialize, PartialEq)]
pub struct LtResponse {
    pub software: Software,
    pub warnings: Warnings,
    pub language: Language,
    pub matches: Vec<LtMatch>,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Software {
    pub name: &'static str,
    pub version: &'static str,
    pub build_date: &'static str,
    pub api_version: u32,
    pub premium: bool,
    pub status: &'static str,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Warnings {
    pub incomplete_results: bool,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Language {
    pub name: &'static str,
    pub code: String,
    pub detected_language: DetectedLanguage,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct DetectedLanguage {
    pub name: &'static str,
    pub code: &'static str,
    pub confidence: f32,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LtMatch {
    pub message: String,
    pub short_message: String,
    pub replacements: Vec<Replacement>,
    /// UTF-16 code units from the start of the text.
    pub offset: usize,
    /// UTF-16 code units.
    pub length: usize,
    pub context: Context,
    pub sentence: String,
    #[serde(rename = "type")]
    pub kind: MatchType,
    pub rule: Rule,
    pub ignore_for_incomplete_sentence: bool,
    pub context_for_sure_match: i32,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Replacement {
    pub value: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Context {
    pub text: String,
    /// UTF-16 code units from the start of `text`.
    pub offset: usize,
    pub length: usize,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MatchType {
    pub type_name: &'static str,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub issue_type: &'static str,
    pub category: Category,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Category {
    pub id: &'static str,
    pub name: &'static str,
}

/// LanguageTool's `data` parameter: text interleaved with markup that must not be checked but
/// counts in the offsets.
#[derive(Deserialize)]
struct AnnotatedText {
    annotation: Vec<AnnotationPart>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnnotationPart {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    markup: Option<String>,
    /// What the markup means as text (`"\n\n"` for `</p><p>`): checked in its place.
    #[serde(default)]
    interpret_as: Option<String>,
}

/// Number of UTF-16 code units in `s`.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Converts increasing UTF-8 byte offsets of one text to UTF-16 offsets in a single pass.
struct Utf16Cursor<'a> {
    text: &'a str,
    byte: usize,
    unit: usize,
}

impl<'a> Utf16Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Utf16Cursor {
            text,
            byte: 0,
            unit: 0,
        }
    }

    /// The UTF-16 offset of byte offset `to` (a char boundary). Offsets may go backwards, at
    /// the price of a rescan from the start.
    fn at(&mut self, to: usize) -> usize {
        if to < self.byte {
            self.byte = 0;
            self.unit = 0;
        }
        self.unit += utf16_len(&self.text[self.byte..to]);
        self.byte = to;
        self.unit
    }
}

/// Parse an `application/x-www-form-urlencoded` body strictly: a value whose percent-escapes
/// decode to invalid UTF-8 is an error, not silently replaced by U+FFFD.
fn parse_form(body: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for pair in body.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| -> Result<String, ApiError> {
            let plus = s.replace('+', " ");
            let bytes: Vec<u8> = percent_encoding::percent_decode_str(&plus).collect();
            String::from_utf8(bytes).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_utf8",
                    format!(
                        "form field `{}` is not valid UTF-8 after percent-decoding (first invalid byte at offset {})",
                        k,
                        e.utf8_error().valid_up_to()
                    ),
                )
            })
        };
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

/// The text to check from `text` or `data`; markup in `data` is blanked out with as many spaces
/// as it has UTF-16 code units (the unit of the answer's offsets), so finding offsets stay
/// offsets into the whole annotated text whatever characters the markup holds. Markup with an
/// `interpretAs` reads as that text, padded with spaces to the markup's length: a heading's
/// `</h1><p>` as `"\n\n"` ends a paragraph, so no name runs on across it.
fn text_from_fields(fields: &[(String, String)]) -> Result<String, ApiError> {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if let Some(text) = get("text") {
        return Ok(text.clone());
    }
    let Some(data) = get("data") else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "missing_parameter",
            "missing parameter: give `text` or `data`",
        ));
    };
    let annotated: AnnotatedText = serde_json::from_str(data).map_err(|e| {
        ApiError::bad_json(format!(
            "parameter `data` is not valid annotated-text JSON ({{\"annotation\": [{{\"text\": ...}}, {{\"markup\": ...}}]}}): {e}"
        ))
    })?;
    let mut text = String::new();
    for part in annotated.annotation {
        match (part.text, part.markup) {
            (Some(t), _) => text.push_str(&t),
            (None, Some(m)) => {
                let room = m.encode_utf16().count();
                // The interpretation when it fits in the markup's length (it nearly always does:
                // "\n\n" for "<p>"), padded with spaces; never a piece of it.
                let interpretation = part
                    .interpret_as
                    .as_deref()
                    .filter(|i| utf16_len(i) <= room)
                    .unwrap_or("");
                text.push_str(interpretation);
                text.extend(std::iter::repeat_n(' ', room - utf16_len(interpretation)));
            }
            (None, None) => {}
        }
    }
    Ok(text)
}

/// Which rules a LanguageTool client asked for (`disabledRules`, `disabledCategories`,
/// `enabledRules`, `enabledCategories`, `enabledOnly`). unspin's rules are all on by default and
/// all in one category, [`CATEGORY_ID`].
#[derive(Debug, Default)]
pub struct RuleSelection {
    pub disabled_rules: Vec<String>,
    pub disabled_categories: Vec<String>,
    pub enabled_rules: Vec<String>,
    pub enabled_categories: Vec<String>,
    /// Only the enabled rules and categories, none of the others.
    pub enabled_only: bool,
}

/// The category of every match unspin reports.
pub const CATEGORY_ID: &str = "UNSPIN";

impl RuleSelection {
    fn from_fields(fields: &[(String, String)]) -> Self {
        let list = |name: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
                .filter(|s| !s.is_empty())
                .collect()
        };
        // As LanguageTool's server reads it: "true" or "yes" is on, anything else off.
        let enabled_only = fields
            .iter()
            .find(|(k, _)| k == "enabledOnly")
            .is_some_and(|(_, v)| v == "true" || v == "yes");
        RuleSelection {
            disabled_rules: list("disabledRules"),
            disabled_categories: list("disabledCategories"),
            enabled_rules: list("enabledRules"),
            enabled_categories: list("enabledCategories"),
            enabled_only,
        }
    }

    /// Whether a match of rule `id` is reported.
    pub fn allows(&self, id: &str) -> bool {
        let has = |list: &[String], x: &str| list.iter().any(|v| v == x);
        if has(&self.disabled_rules, id) || has(&self.disabled_categories, CATEGORY_ID) {
            return false;
        }
        !self.enabled_only
            || has(&self.enabled_rules, id)
            || has(&self.enabled_categories, CATEGORY_ID)
    }
}

fn language_of(fields: &[(String, String)]) -> Result<String, ApiError> {
    let lang = fields
        .iter()
        .find(|(k, _)| k == "language")
        .map_or("auto", |(_, v)| v.as_str());
    let lower = lang.to_ascii_lowercase();
    if lower == "auto" || lower == "en" || lower.starts_with("en-") {
        Ok(if lower == "auto" {
            "en-US".to_string()
        } else {
            lang.to_string()
        })
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_language",
            format!("unspin checks English only (language={lang}); use `en`, `en-US`, `en-GB` or `auto`"),
        ))
    }
}

/// Build the LanguageTool answer for `text` from unspin's report.
pub fn to_languagetool(
    text: &str,
    report: &Report,
    language: &str,
    rules: &RuleSelection,
) -> LtResponse {
    let tokens = unspin::tokenize(text);
    let sentences: Vec<(usize, usize)> = unspin::token::sentences(text, &tokens)
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| (tokens[r.start].start, tokens[r.end - 1].end))
        .collect();
    let mut cursor = Utf16Cursor::new(text);
    let matches = report
        .findings
        .iter()
        .filter(|f| {
            f.end <= text.len() && text.is_char_boundary(f.start) && text.is_char_boundary(f.end)
        })
        .filter(|f| rules.allows(&f.rule))
        .map(|f| {
            let offset = cursor.at(f.start);
            let length = cursor.at(f.end) - offset;
            let sentence = sentences
                .iter()
                .find(|(s, e)| *s <= f.start && f.start < *e)
                .map_or_else(|| f.text.clone(), |(s, e)| text[*s..*e].to_string());
            lt_match(text, f, offset, length, sentence)
        })
        .collect();
    LtResponse {
        software: Software {
            name: "unspin",
            version: env!("CARGO_PKG_VERSION"),
            build_date: "",
            api_version: 1,
            premium: false,
            status: "",
        },
        warnings: Warnings {
            incomplete_results: false,
        },
        language: Language {
            name: "English",
            code: language.to_string(),
            // A text the engine took for another language was not judged: say which.
            detected_language: match report
                .language
                .as_deref()
                .and_then(unspin::language::Foreign::from_code)
            {
                Some(foreign) => DetectedLanguage {
                    // A client shows the name as a language's.
                    name: if foreign.code == unspin::language::UNDETERMINED {
                        "Undetermined"
                    } else {
                        foreign.name
                    },
                    code: foreign.code,
                    confidence: 1.0,
                },
                None => DetectedLanguage {
                    name: "English",
                    code: "en-US",
                    confidence: 1.0,
                },
            },
        },
        matches,
    }
}

fn lt_match(text: &str, f: &Finding, offset: usize, length: usize, sentence: String) -> LtMatch {
    let ctx_start = text[..f.start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let ctx_end = text[f.end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| f.end + i);
    let context_text: String = text[ctx_start..ctx_end]
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let mut values: Vec<String> = Vec::new();
    for v in std::iter::once(&f.suggestion).chain(f.alternatives.iter()) {
        if !v.is_empty() && !values.contains(v) {
            values.push(v.clone());
        }
    }
    let base = if f.message.is_empty() {
        format!(
            "“{}” looks machine-spun; the original was probably “{}”.",
            f.text, f.suggestion
        )
    } else {
        f.message.clone()
    };
    LtMatch {
        message: format!("{base} (confidence {:.0}%)", f.confidence * 100.0),
        short_message: "Spun wording".to_string(),
        replacements: values
            .into_iter()
            .map(|value| Replacement { value })
            .collect(),
        offset,
        length,
        context: Context {
            text: context_text,
            offset: utf16_len(&text[ctx_start..f.start]),
            length,
        },
        sentence,
        kind: MatchType { type_name: "Other" },
        rule: Rule {
            id: f.rule.clone(),
            description: "Machine-spun wording (synonym substitution), found by unspin".to_string(),
            issue_type: "style",
            category: Category {
                id: CATEGORY_ID,
                name: "Spun text",
            },
        },
        ignore_for_incomplete_sentence: false,
        context_for_sure_match: 0,
    }
}

pub async fn check(
    State(st): State<Arc<AppState>>,
    req: Request,
) -> Result<Json<LtResponse>, ApiError> {
    require_media_type(req.headers(), "application/x-www-form-urlencoded")?;
    let bytes = read_body(req.into_body(), st.config.body_limit).await?;
    let fields = parse_form(utf8(&bytes)?)?;
    let language = language_of(&fields)?;
    let text = text_from_fields(&fields)?;
    let rules = RuleSelection::from_fields(&fields);
    let answer = with_engine(&st, move |engine| {
        let report = engine.check(&text);
        to_languagetool(&text, &report, &language, &rules)
    })
    .await?;
    Ok(Json(answer))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LtLanguage {
    name: &'static str,
    code: &'static str,
    long_code: &'static str,
}

/// `GET /v2/languages`: LanguageTool clients ask this to fill their language menu.
pub async fn languages() -> Json<Vec<LtLanguage>> {
    Json(
        [
            ("English", "en", "en"),
            ("English (US)", "en", "en-US"),
            ("English (GB)", "en", "en-GB"),
        ]
        .into_iter()
        .map(|(name, code, long_code)| LtLanguage {
            name,
            code,
            long_code,
        })
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin::Verdict;

    fn finding(text: &str, needle: &str, suggestion: &str) -> Finding {
        let start = text.find(needle).expect("needle in text");
        Finding {
            start,
            end: start + needle.len(),
            text: needle.to_string(),
            suggestion: suggestion.to_string(),
            alternatives: vec!["plus".to_string(), suggestion.to_string()],
            confidence: 0.9,
            rule: "test:and".to_string(),
            message: String::new(),
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            score: 0.9,
            verdict: Verdict::Spun,
            findings,
            words: 10,
            language: None,
        }
    }

    #[test]
    fn markup_is_blanked_by_its_utf16_length() {
        // The answer's offsets count UTF-16 units of the whole annotated text, markup included:
        // markup with é (2 bytes, 1 unit) or 😀 (4 bytes, 2 units) must not shift them.
        for markup in ["<p title=\"café\">", "<p title=\"😀\">", "<p>"] {
            let data = serde_json::json!({"annotation": [
                {"markup": markup}, {"text": "Head of state Joe Biden."}, {"markup": "</p>"}
            ]})
            .to_string();
            let text = text_from_fields(&[("data".to_string(), data)]).unwrap();
            let f = finding(&text, "Head of state", "President");
            let lt = to_languagetool(&text, &report(vec![f]), "en-US", &RuleSelection::default());
            let annotated: Vec<u16> = format!("{markup}Head of state Joe Biden.</p>")
                .encode_utf16()
                .collect();
            let m = &lt.matches[0];
            assert_eq!(
                String::from_utf16(&annotated[m.offset..m.offset + m.length]).unwrap(),
                "Head of state",
                "{markup}"
            );
        }
    }

    #[test]
    fn a_text_in_another_language_is_detected_as_such() {
        let mut r = report(vec![]);
        r.language = Some("fra".to_string());
        let lt = to_languagetool("Le président.", &r, "en-US", &RuleSelection::default());
        assert_eq!(lt.language.detected_language.name, "French");
        assert_eq!(lt.language.detected_language.code, "fra");
        let lt = to_languagetool(
            "The president.",
            &report(vec![]),
            "en-US",
            &RuleSelection::default(),
        );
        assert_eq!(lt.language.detected_language.name, "English");
    }

    #[test]
    fn offsets_are_utf16_code_units_with_astral_characters() {
        // 𝒜 is outside the BMP: 4 UTF-8 bytes, 2 UTF-16 units; é is 2 bytes, 1 unit.
        let text = "𝒜 café 😀😀 as well as Kyiv";
        let f = finding(text, "as well as", "and");
        let lt = to_languagetool(text, &report(vec![f]), "en-US", &RuleSelection::default());
        let m = &lt.matches[0];
        let js_offset = "𝒜 café 😀😀 ".encode_utf16().count();
        assert_eq!(m.offset, js_offset);
        assert_eq!(m.offset, 13);
        assert_eq!(m.length, 10);
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&units[m.offset..m.offset + m.length]).unwrap(),
            "as well as"
        );
        let ctx: Vec<u16> = m.context.text.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&ctx[m.context.offset..m.context.offset + m.context.length])
                .unwrap(),
            "as well as"
        );
        // The suggestion comes first and is not repeated from the alternatives.
        let values: Vec<&str> = m.replacements.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(values, ["and", "plus"]);
    }

    #[test]
    fn several_matches_keep_their_own_offsets() {
        let text = "😀 as well as 😀😀\nHead of state Biden 𝒜";
        let a = finding(text, "as well as", "and");
        let b = finding(text, "Head of state", "President");
        let lt = to_languagetool(text, &report(vec![a, b]), "en", &RuleSelection::default());
        let units: Vec<u16> = text.encode_utf16().collect();
        let got: Vec<String> = lt
            .matches
            .iter()
            .map(|m| String::from_utf16(&units[m.offset..m.offset + m.length]).unwrap())
            .collect();
        assert_eq!(got, ["as well as", "Head of state"]);
        assert_eq!(lt.matches[1].sentence, "Head of state Biden 𝒜");
        assert!(!lt.matches[1].context.text.contains('\n'));
    }

    #[test]
    fn disabled_rules_are_left_out() {
        let text = "this as well as that";
        let matches = |fields: &[(&str, &str)]| {
            let fields: Vec<(String, String)> = fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let rules = RuleSelection::from_fields(&fields);
            let r = report(vec![finding(text, "as well as", "and")]);
            to_languagetool(text, &r, "en", &rules).matches.len()
        };
        assert_eq!(matches(&[]), 1);
        assert_eq!(matches(&[("disabledRules", "x, test:and")]), 0);
        assert_eq!(matches(&[("disabledCategories", "UNSPIN")]), 0);
        assert_eq!(matches(&[("disabledCategories", "TYPOS")]), 1);
        // enabledOnly keeps only what is enabled by id or category.
        assert_eq!(
            matches(&[("enabledOnly", "true"), ("enabledRules", "names")]),
            0
        );
        assert_eq!(
            matches(&[("enabledOnly", "true"), ("enabledRules", "test:and")]),
            1
        );
        assert_eq!(
            matches(&[("enabledOnly", "true"), ("enabledCategories", "UNSPIN")]),
            1
        );
        assert_eq!(
            matches(&[("enabledOnly", "false"), ("enabledRules", "names")]),
            1
        );
        assert_eq!(
            matches(&[("enabledOnly", "yes"), ("enabledRules", "names")]),
            0
        );
        assert_eq!(
            matches(&[("enabledOnly", "0"), ("enabledRules", "names")]),
            1
        );
    }

    #[test]
    fn form_parsing_is_strict_about_utf8() {
        let ok = parse_form("text=caf%C3%A9+%F0%9F%98%80&language=en-US").unwrap();
        assert_eq!(ok[0], ("text".to_string(), "café 😀".to_string()));
        let err = parse_form("text=%FF%FE").unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(err.code, "invalid_utf8");
    }

    #[test]
    fn annotated_markup_is_blanked_but_counted() {
        let fields = vec![(
            "data".to_string(),
            r#"{"annotation":[{"markup":"<p>"},{"text":"as well as"},{"markup":"</p>"}]}"#
                .to_string(),
        )];
        assert_eq!(text_from_fields(&fields).unwrap(), "   as well as    ");
        // Markup read as its interpretation, padded to its own length: a paragraph break
        // between a heading and the next line keeps their capitalised words apart.
        let fields = vec![(
            "data".to_string(),
            r#"{"annotation":[{"text":"Head of State"},{"markup":"</h1><p>","interpretAs":"\n\n"},{"text":"Joe"},{"markup":"<br>","interpretAs":"longer than four"}]}"#
                .to_string(),
        )];
        let text = text_from_fields(&fields).unwrap();
        assert_eq!(text, "Head of State\n\n      Joe    ");
        assert_eq!(utf16_len(&text), utf16_len("Head of State</h1><p>Joe<br>"));
        assert!(language_of(&[("language".into(), "de-DE".into())]).is_err());
        assert_eq!(language_of(&[]).unwrap(), "en-US");
    }
}
