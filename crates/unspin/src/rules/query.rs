//! The Problematic Paper Screener's query syntax, as its fingerprint list publishes it.
//!
//! A fingerprint is a full-text search query run over whole papers:
//! - `"a b"` a phrase; `a b` (unquoted, as in `"business knowledge" AND business intelligence`)
//!   is read as the phrase `a b` too;
//! - `"a b"~N` a sloppy phrase: the words in order with at most N other words in between;
//! - `AND`, `OR`, `NOT` between terms, and parentheses: `"x" AND ("y" OR "z")`.
//!
//! The list never relies on operator precedence except in one row (`"a" OR "b" AND "c"`), whose
//! meaning is plainly `("a" OR "b") AND "c"`; we read operators left to right, which gives that
//! meaning and agrees with every other row.
//!
//! What fires: the terms before the first `AND`/`NOT` (joined by `OR`) are the tortured phrases
//! themselves; every later term is document context: `AND t` requires `t` somewhere in the same
//! document, `NOT t` forbids it. A rule therefore flags its first phrase only.

use std::fmt;

/// A phrase of a query: exact words, or words in order within a slop.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phrase {
    /// Words separated by single spaces, as written (case is ignored when matching).
    Exact(String),
    /// Words in order, with at most `slop` other words in between in total.
    Near { words: Vec<String>, slop: u32 },
}

impl Phrase {
    /// A phrase from text, whitespace collapsed; `None` when it has no words.
    pub fn exact(text: &str) -> Option<Phrase> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            None
        } else {
            Some(Phrase::Exact(words.join(" ")))
        }
    }

    fn near(text: &str, slop: u32) -> Option<Phrase> {
        let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            None
        } else if words.len() == 1 || slop == 0 {
            Some(Phrase::Exact(words.join(" ")))
        } else {
            Some(Phrase::Near { words, slop })
        }
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phrase::Exact(s) => write!(f, "\"{s}\""),
            Phrase::Near { words, slop } => write!(f, "\"{}\"~{slop}", words.join(" ")),
        }
    }
}

/// A parsed fingerprint: what fires, and the document context it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Tortured phrases; any of them fires.
    pub fire: Vec<Phrase>,
    /// Every group must have at least one phrase present in the document.
    pub all: Vec<Vec<Phrase>>,
    /// No phrase here may occur in the document.
    pub none: Vec<Phrase>,
}

impl Query {
    pub fn is_conditional(&self) -> bool {
        !self.all.is_empty() || !self.none.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Phrase(String, Option<u32>),
    Word(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn lex(q: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut it = q.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
        } else if c == '"' {
            it.next();
            let start = i + 1;
            let mut end = None;
            for (j, d) in it.by_ref() {
                if d == '"' {
                    end = Some(j);
                    break;
                }
            }
            let Some(end) = end else {
                return Err(format!("unclosed quote at column {}", i + 1));
            };
            let text = q[start..end].to_string();
            let mut slop = None;
            if let Some(&(_, '~')) = it.peek() {
                it.next();
                let mut digits = String::new();
                while let Some(&(_, d)) = it.peek() {
                    if d.is_ascii_digit() {
                        digits.push(d);
                        it.next();
                    } else {
                        break;
                    }
                }
                slop = Some(
                    digits
                        .parse::<u32>()
                        .map_err(|_| format!("`~` after {text:?} needs a number"))?,
                );
            }
            out.push(Tok::Phrase(text, slop));
        } else if c == '(' {
            it.next();
            out.push(Tok::Open);
        } else if c == ')' {
            it.next();
            out.push(Tok::Close);
        } else {
            let start = i;
            let mut end = q.len();
            while let Some(&(j, d)) = it.peek() {
                if d.is_whitespace() || d == '"' || d == '(' || d == ')' {
                    end = j;
                    break;
                }
                it.next();
            }
            let w = &q[start..end];
            out.push(match w {
                "AND" => Tok::And,
                "OR" => Tok::Or,
                "NOT" => Tok::Not,
                _ => Tok::Word(w.to_string()),
            });
        }
    }
    Ok(out)
}

/// One operand: a phrase or a parenthesised OR-group of phrases.
fn operand(toks: &[Tok], pos: &mut usize) -> Result<Vec<Phrase>, String> {
    match toks.get(*pos) {
        Some(Tok::Phrase(text, slop)) => {
            *pos += 1;
            let p = match slop {
                Some(s) => Phrase::near(text, *s),
                None => Phrase::exact(text),
            };
            p.map(|p| vec![p])
                .ok_or_else(|| "empty phrase \"\"".to_string())
        }
        Some(Tok::Word(_)) => {
            // Unquoted words up to the next operator or bracket form one phrase.
            let mut words = Vec::new();
            while let Some(Tok::Word(w)) = toks.get(*pos) {
                words.push(w.as_str());
                *pos += 1;
            }
            Ok(vec![Phrase::Exact(words.join(" "))])
        }
        Some(Tok::Open) => {
            *pos += 1;
            let mut group = operand(toks, pos)?;
            loop {
                match toks.get(*pos) {
                    Some(Tok::Or) => {
                        *pos += 1;
                        group.extend(operand(toks, pos)?);
                    }
                    Some(Tok::Close) => {
                        *pos += 1;
                        return Ok(group);
                    }
                    Some(Tok::And) | Some(Tok::Not) => {
                        return Err("only OR is supported inside parentheses".into())
                    }
                    Some(_) => return Err("expected OR or `)` inside parentheses".into()),
                    None => return Err("unclosed `(`".into()),
                }
            }
        }
        Some(Tok::Close) => Err("unexpected `)`".into()),
        Some(Tok::And) | Some(Tok::Or) | Some(Tok::Not) => {
            Err("an operator needs a phrase before and after it".into())
        }
        None => Err("query ends where a phrase was expected".into()),
    }
}

/// Parse one fingerprint query. Errors say what is wrong (the caller adds file and line).
pub fn parse(q: &str) -> Result<Query, String> {
    let toks = lex(q)?;
    if toks.is_empty() {
        return Err("empty query".into());
    }
    let mut pos = 0;
    let mut query = Query {
        fire: operand(&toks, &mut pos)?,
        ..Query::default()
    };
    // 0: still in the leading OR-group (fire phrases); 1: last clause was AND; 2: NOT.
    let mut state = 0u8;
    while pos < toks.len() {
        let op = toks[pos].clone();
        pos += 1;
        // `AND NOT x` is read as `NOT x`.
        let op = if op == Tok::And && toks.get(pos) == Some(&Tok::Not) {
            pos += 1;
            Tok::Not
        } else {
            op
        };
        let rhs = operand(&toks, &mut pos)?;
        match (op, state) {
            (Tok::Or, 0) => query.fire.extend(rhs),
            (Tok::Or, 1) => query
                .all
                .last_mut()
                .expect("state 1 has a clause")
                .extend(rhs),
            (Tok::Or, _) => query.none.extend(rhs),
            (Tok::And, _) => {
                query.all.push(rhs);
                state = 1;
            }
            (Tok::Not, _) => {
                query.none.extend(rhs);
                state = 2;
            }
            _ => return Err("expected AND, OR or NOT between phrases".into()),
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(s: &str) -> Phrase {
        Phrase::Exact(s.into())
    }

    #[test]
    fn plain_and_context() {
        let q = parse(r#""malignant growth" AND "cancer""#).unwrap();
        assert_eq!(q.fire, [ex("malignant growth")]);
        assert_eq!(q.all, [vec![ex("cancer")]]);
        assert!(q.none.is_empty());
    }

    #[test]
    fn unquoted_words_are_a_phrase() {
        let q = parse(r#""business knowledge" AND business intelligence"#).unwrap();
        assert_eq!(q.all, [vec![ex("business intelligence")]]);
    }

    #[test]
    fn slop_not_or_groups() {
        let q = parse(r#""gatherings clustering"~10"#).unwrap();
        assert_eq!(
            q.fire,
            [Phrase::Near {
                words: vec!["gatherings".into(), "clustering".into()],
                slop: 10
            }]
        );
        let q = parse(r#""surface highlights" NOT specular"#).unwrap();
        assert_eq!(q.none, [ex("specular")]);
        let q = parse(r#""PC helped" AND ("be that as it" OR "on the off chance")"#).unwrap();
        assert_eq!(q.all, [vec![ex("be that as it"), ex("on the off chance")]]);
        let q = parse(r#""fit record" OR "fit file" AND "fit index""#).unwrap();
        assert_eq!(q.fire, [ex("fit record"), ex("fit file")]);
        assert_eq!(q.all, [vec![ex("fit index")]]);
    }

    #[test]
    fn errors() {
        assert!(parse(r#""unclosed"#).is_err());
        assert!(parse(r#""a" AND"#).is_err());
        assert!(parse(r#""a" AND ("b""#).is_err());
        assert!(parse(r#""""#).is_err());
        assert!(parse("").is_err());
        assert!(parse(r#""a"~x"#).is_err());
    }
}
