//! Tortured phrases that no shipped list knows, inside documents that other fingerprints already
//! mark as tortured: how a tortured paper reads, where one sentence alone carries too little
//! evidence (`unspin eval fingerprints` places each phrase alone).
//!
//! ```text
//! cargo run --release -p unspin --example tortured_docs_eval -- [--lm default|file:PATH] [--docs N] [--known K] [--show N]
//! ```
//! The screener's CSV (`../shared/data/tortured/pps_fingerprints.csv`) is split by whether the
//! built-in rules (built-in pack and registry list) already know a row's phrase. Each document
//! holds `--known` (default 4) sentences with known phrases and one with an unknown phrase, all in
//! ordinary scientific templates; the engine is built as `unspin check` builds it. Reported: how
//! often the unknown phrase is under a finding, and how often that finding's suggestion is the
//! screener's expected phrase; the same phrase alone in its sentence for comparison.

mod support;

use std::collections::HashSet;

use unspin::decode::Decoder;
use unspin::rules::query::Phrase;
use unspin::rules::RuleSet;
use unspin::token::normalize;
use unspin::{Engine, EngineOptions};

const TEMPLATES: [&str; 5] = [
    "In this paper, we describe the {} used in our experiments.",
    "The {} is discussed in the next section.",
    "Earlier work on the {} is reviewed below.",
    "The results show that the {} matters for the final accuracy.",
    "We compare the {} with two baselines from the literature.",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!(
            "usage: tortured_docs_eval [--lm default|file:PATH] [--docs N] [--known K] [--show N]"
        );
        return;
    }
    let shared = std::path::PathBuf::from(support::arg(&args, "--shared", "../shared"));
    let lm = support::build_lm(&support::arg(&args, "--lm", "default"), &shared);
    let docs: usize = support::arg(&args, "--docs", "500")
        .parse()
        .expect("--docs N");
    let known_per_doc: usize = support::arg(&args, "--known", "4")
        .parse()
        .expect("--known K");
    let show: usize = support::arg(&args, "--show", "0")
        .parse()
        .expect("--show N");
    let builtin = RuleSet::builtin().expect("the built-in rules are valid");
    let engine = Engine::new(
        RuleSet::builtin().expect("the built-in rules are valid"),
        Some(Decoder::new(lm)),
        EngineOptions::default(),
    );

    // Phrases the built-in rules fire on as written.
    let path = shared.join("data/tortured/pps_fingerprints.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows = unspin::rules::pps::parse_csv("pps", &text).expect("the screener's CSV parses");
    let mut known: Vec<String> = Vec::new();
    let mut unknown: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for r in &rows {
        if r.query.is_conditional() || r.query.fire.len() != 1 {
            continue;
        }
        let (Some(expected), Phrase::Exact(p)) = (&r.suggestion, &r.query.fire[0]) else {
            continue;
        };
        let p = normalize(p).into_owned();
        if !p.chars().all(|c| c.is_alphabetic() || c == ' ') || !seen.insert(p.clone()) {
            continue; // plain words only: the templates read them as a noun phrase
        }
        let sentence = TEMPLATES[1].replace("{}", &p);
        if builtin
            .find(&sentence, &unspin::token::tokenize(&sentence))
            .is_empty()
        {
            unknown.push((p, normalize(expected).into_owned()));
        } else {
            known.push(p);
        }
    }
    println!(
        "{} rows with a plain phrase: {} known to the built-in rules, {} unknown",
        known.len() + unknown.len(),
        known.len(),
        unknown.len()
    );

    let (mut n, mut caught_doc, mut exact_doc, mut caught_alone, mut exact_alone) = (0, 0, 0, 0, 0);
    let mut spun_docs = 0;
    let (mut elsewhere, mut template_words) = (0usize, 0usize);
    let mut false_alarms: std::collections::BTreeMap<String, usize> = Default::default();
    for (i, (phrase, expected)) in unknown.iter().take(docs).enumerate() {
        n += 1;
        // Known phrases in the first sentences, the unknown one last.
        let mut doc = String::new();
        let mut slots: Vec<std::ops::Range<usize>> = Vec::new();
        for k in 0..known_per_doc {
            let p = &known[(i * known_per_doc + k) % known.len()];
            let t = TEMPLATES[k % TEMPLATES.len()];
            let at = doc.len() + t.find("{}").expect("a slot");
            slots.push(at..at + p.len());
            doc.push_str(&t.replace("{}", p));
            doc.push(' ');
        }
        let template = TEMPLATES[(i + known_per_doc) % TEMPLATES.len()];
        let at = doc.len() + template.find("{}").expect("a slot");
        let span = at..at + phrase.len();
        doc.push_str(&template.replace("{}", phrase));
        let alone = template.replace("{}", phrase);
        let alone_span =
            span.start - (doc.len() - alone.len())..span.end - (doc.len() - alone.len());

        slots.push(span.clone());
        let report = engine.check(&doc);
        spun_docs += usize::from(report.score >= 0.7);
        // Findings in the templates' own words are false alarms.
        for f in report
            .findings
            .iter()
            .filter(|f| !slots.iter().any(|s| f.start < s.end && f.end > s.start))
        {
            elsewhere += 1;
            *false_alarms
                .entry(format!("{} → {}", f.text, f.suggestion))
                .or_insert(0usize) += 1;
        }
        template_words += doc.split_whitespace().count()
            - slots
                .iter()
                .map(|s| doc[s.clone()].split_whitespace().count())
                .sum::<usize>();
        let (c, e) = judge(&doc, &report.findings, &span, expected);
        caught_doc += usize::from(c);
        exact_doc += usize::from(e);
        let alone_report = engine.check(&alone);
        let (c, e) = judge(&alone, &alone_report.findings, &alone_span, expected);
        caught_alone += usize::from(c);
        exact_alone += usize::from(e);
        if show > 0 && i % show == 0 {
            let under: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.start < span.end && f.end > span.start)
                .map(|f| format!("{} → {}", f.text, f.suggestion))
                .collect();
            println!("  {phrase} (expected {expected}): {under:?}");
        }
    }
    let pct = |a: usize| 100.0 * a as f64 / n.max(1) as f64;
    println!("{n} documents ({known_per_doc} known phrases and one unknown each); {spun_docs} judged spun");
    println!(
        "  in a document: unknown phrase under a finding {caught_doc} ({:.1}%), suggestion exact {exact_doc} ({:.1}%)",
        pct(caught_doc),
        pct(exact_doc)
    );
    println!(
        "  findings in the templates' own words: {elsewhere} in {template_words} words ({:.2} per 2,000)",
        elsewhere as f64 * 2000.0 / template_words.max(1) as f64
    );
    let mut top: Vec<(&String, &usize)> = false_alarms.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (what, n) in top.iter().take(8) {
        println!("    {n:4}  {what}");
    }
    println!(
        "  alone:         unknown phrase under a finding {caught_alone} ({:.1}%), suggestion exact {exact_alone} ({:.1}%)",
        pct(caught_alone),
        pct(exact_alone)
    );
}

/// Whether a finding overlaps `span` of `text`, and whether applying the findings inside it
/// gives the expected phrase (a finding reaching outside the span counts as caught, not exact).
fn judge(
    text: &str,
    findings: &[unspin::Finding],
    span: &std::ops::Range<usize>,
    expected: &str,
) -> (bool, bool) {
    let mut inside: Vec<&unspin::Finding> = findings
        .iter()
        .filter(|f| f.start < span.end && f.end > span.start)
        .collect();
    if inside.is_empty() {
        return (false, false);
    }
    if inside
        .iter()
        .any(|f| f.start < span.start || f.end > span.end)
    {
        return (true, false);
    }
    inside.sort_by_key(|f| f.start);
    let mut out = String::new();
    let mut last = span.start;
    for f in inside {
        out.push_str(&text[last..f.start]);
        out.push_str(&f.suggestion);
        last = f.end;
    }
    out.push_str(&text[last..span.end]);
    (true, normalize(&out) == expected)
}
