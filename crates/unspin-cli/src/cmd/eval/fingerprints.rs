//! `unspin eval fingerprints`: every fingerprint of the screener's CSV placed in ordinary
//! sentences, checked with the same engine as `unspin check`.
//!
//! Each fingerprint's first phrase (each of its `OR` phrases) goes into every template; when
//! the query needs document context (`AND`), a second sentence carries the first phrase of each
//! context group; `NOT` phrases are never placed. A placement is *caught* when a finding
//! overlaps it, and *exact* when that finding suggests the screener's expected phrase (read by
//! `unspin::rules::pps::clean_expected`; compared ignoring case). Rows whose expected phrase
//! is unknown (`???`) count for recall only.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use unspin::rules::{pps, Phrase};

use super::{pct, print_json, ReportFormat};
use crate::cmd::EngineArgs;
use crate::Outcome;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The screener's fingerprint CSV.
    #[arg(long, default_value = "../shared/data/tortured/pps_fingerprints.csv")]
    pub csv: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// How many misses to list.
    #[arg(long, default_value_t = 20)]
    pub show: usize,
    /// Engine options as for `check`; without `--rules`, the CSV itself is the rule file.
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub ordinary: super::corpus::OrdinaryArgs,
}

/// Ordinary sentences; `{}` is the fingerprint. They put it first in a sentence (capitalised),
/// after an article, before a comma, in parentheses and in curly quotes.
const TEMPLATES: [&str; 5] = [
    "{} is discussed in the next section.",
    "In this paper, we describe the {} used in our experiments.",
    "The results show that {}, as expected, matters.",
    "Earlier work (on {}) is reviewed below.",
    "We rely on \u{201c}{}\u{201d} throughout the study.",
];

#[derive(Serialize, Default)]
pub struct TemplateStats {
    pub template: String,
    pub placed: usize,
    pub caught: usize,
    pub with_expected: usize,
    pub exact: usize,
}

#[derive(Serialize)]
pub struct Miss {
    pub rule: String,
    pub phrase: String,
    pub expected: Option<String>,
    pub document: String,
    /// What was found over the placement instead (empty when nothing).
    pub found: Option<String>,
}

#[derive(Serialize)]
pub struct Report {
    pub csv: String,
    pub fingerprints: usize,
    pub placements: usize,
    pub caught: usize,
    pub recall: f64,
    /// Placements whose fingerprint has a known expected phrase.
    pub with_expected: usize,
    pub exact: usize,
    pub exact_rate: f64,
    /// Exact, or the expected phrase among the alternatives.
    pub exact_or_alternative: usize,
    pub templates: Vec<TemplateStats>,
    pub misses: Vec<Miss>,
    /// Rules loaded but dropped, per reason (a dropped fingerprint cannot be caught).
    pub filtered_by_reason: Vec<(String, usize)>,
    pub missed_total: usize,
    pub inexact_total: usize,
}

struct Outcome1 {
    template: usize,
    caught: bool,
    expected: bool,
    exact: bool,
    alternative: bool,
    miss: Option<Miss>,
}

fn phrase_text(p: &Phrase) -> String {
    match p {
        Phrase::Exact(s) => s.clone(),
        Phrase::Near { words, .. } => words.join(" "),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn run(mut args: Args) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(&args.csv)
        .map_err(|e| anyhow::anyhow!("{}", super::corpus::missing_data(&args.csv, &e)))?;
    let name = args.csv.display().to_string();
    let rows = pps::parse_csv(&name, &text)?;
    if args.engine.rules.is_empty() {
        args.engine.rules.push(args.csv.clone());
    }
    let mut engine = args.engine.build()?;
    super::corpus::apply_ordinary(&mut engine, &args.ordinary)?;
    let filtered_by_reason = super::clean::filtered_by_reason(&engine);

    let mut jobs = Vec::new();
    for row in &rows {
        for phrase in &row.query.fire {
            for t in 0..TEMPLATES.len() {
                jobs.push((row, phrase, t));
            }
        }
    }
    let outcomes: Vec<Outcome1> = jobs
        .par_iter()
        .map(|&(row, phrase, t)| {
            let p = phrase_text(phrase);
            let (before, after) = TEMPLATES[t].split_once("{}").expect("template has {}");
            let p_placed = if before.is_empty() {
                capitalise(&p)
            } else {
                p.clone()
            };
            let mut doc = format!("{before}{p_placed}{after}");
            let (ps, pe) = (before.len(), before.len() + p_placed.len());
            for group in &row.query.all {
                doc.push_str(&format!(
                    " The study also covers {}.",
                    phrase_text(&group[0])
                ));
            }
            let report = engine.check(&doc);
            let hit = report
                .findings
                .iter()
                .find(|f| f.start < pe && f.end > ps);
            let expected = row.suggestion.as_deref();
            let exact = match (hit, expected) {
                (Some(f), Some(e)) => f.suggestion.to_lowercase() == e.to_lowercase(),
                _ => false,
            };
            let alternative = exact
                || match (hit, expected) {
                    (Some(f), Some(e)) => f
                        .alternatives
                        .iter()
                        .any(|a| a.to_lowercase() == e.to_lowercase()),
                    _ => false,
                };
            let miss = (hit.is_none() || (expected.is_some() && !exact)).then(|| Miss {
                rule: row.id.clone(),
                phrase: p.clone(),
                expected: expected.map(str::to_string),
                document: doc.clone(),
                found: hit.map(|f| format!("{:?} → {:?} ({})", f.text, f.suggestion, f.rule)),
            });
            Outcome1 {
                template: t,
                caught: hit.is_some(),
                expected: expected.is_some(),
                exact,
                alternative,
                miss,
            }
        })
        .collect();

    let mut templates: Vec<TemplateStats> = TEMPLATES
        .iter()
        .map(|t| TemplateStats {
            template: t.to_string(),
            ..Default::default()
        })
        .collect();
    let (mut caught, mut with_expected, mut exact, mut alt) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    let (mut missed_total, mut inexact_total) = (0, 0);
    for o in outcomes {
        let ts = &mut templates[o.template];
        ts.placed += 1;
        ts.caught += o.caught as usize;
        ts.with_expected += o.expected as usize;
        ts.exact += o.exact as usize;
        caught += o.caught as usize;
        with_expected += o.expected as usize;
        exact += o.exact as usize;
        alt += o.alternative as usize;
        if let Some(m) = o.miss {
            if m.found.is_none() {
                missed_total += 1;
            } else {
                inexact_total += 1;
            }
            // List misses of recall first, then inexact suggestions.
            misses.push(m);
        }
    }
    misses.sort_by_key(|m| m.found.is_some());
    misses.truncate(args.show);
    let placements = templates.iter().map(|t| t.placed).sum::<usize>();
    let report = Report {
        csv: name,
        fingerprints: rows.len(),
        placements,
        caught,
        recall: caught as f64 / placements.max(1) as f64,
        with_expected,
        exact,
        exact_rate: exact as f64 / with_expected.max(1) as f64,
        exact_or_alternative: alt,
        templates,
        misses,
        filtered_by_reason,
        missed_total,
        inexact_total,
    };
    match args.format {
        ReportFormat::Json => print_json(&report)?,
        ReportFormat::Human => print_human(&report),
    }
    Ok(Outcome::Clean)
}

fn print_human(r: &Report) {
    println!("fingerprints: {} rows of {}", r.fingerprints, r.csv);
    println!(
        "{:<64} {:>7} {:>8} {:>8}",
        "template", "placed", "caught", "exact"
    );
    for t in &r.templates {
        println!(
            "{:<64} {:>7} {:>8} {:>8}",
            t.template,
            t.placed,
            pct(t.caught, t.placed),
            pct(t.exact, t.with_expected)
        );
    }
    println!(
        "{:<64} {:>7} {:>8} {:>8}",
        "all",
        r.placements,
        pct(r.caught, r.placements),
        pct(r.exact, r.with_expected)
    );
    println!(
        "recall {} ({} of {}); exact suggestion {} ({} of {} with a known expected phrase; {} with alternatives)",
        pct(r.caught, r.placements),
        r.caught,
        r.placements,
        pct(r.exact, r.with_expected),
        r.exact,
        r.with_expected,
        pct(r.exact_or_alternative, r.with_expected),
    );
    for (reason, n) in &r.filtered_by_reason {
        println!("filtered {n}: {reason}");
    }
    println!(
        "missed {}, inexact {}; first {}:",
        r.missed_total,
        r.inexact_total,
        r.misses.len()
    );
    for m in &r.misses {
        println!(
            "  {} {:?} expected {:?}: {}",
            m.rule,
            m.phrase,
            m.expected.as_deref().unwrap_or("?"),
            m.found.as_deref().unwrap_or("not found")
        );
    }
}
