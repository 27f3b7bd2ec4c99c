//! Prints the decoder's windows for a text: each window's best-ranked candidates with their
//! features and scores (a debugging aid for the scorer).
//!
//! ```text
//! cargo run --release -p unspin --example explain -- [--lm default|file:PATH|wiki:N] FILE [WORD...]
//! ```
//! With WORDs, only windows whose written text contains one of them are printed.

mod support;

use unspin::decode::features::{sigmoid, NAMES};
use unspin::decode::Decoder;
use unspin::token::tokenize;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (lm_spec, rest) = if args.first().map(String::as_str) == Some("--lm") {
        (args[1].clone(), &args[2..])
    } else {
        ("default".to_string(), &args[..])
    };
    if rest.is_empty() {
        eprintln!("usage: explain [--lm default|file:PATH|wiki:N|symspell:DIR] FILE [WORD...]");
        std::process::exit(2);
    }
    let lm = support::build_lm(&lm_spec, std::path::Path::new("../shared"));
    let text = std::fs::read_to_string(&rest[0]).expect("a readable text file");
    let only: Vec<&str> = rest[1..].iter().map(String::as_str).collect();
    let decoder = Decoder::new(lm);
    let analysis = decoder.analyze(&text, &tokenize(&text));
    for w in &analysis.windows {
        if !only.is_empty() && !only.iter().any(|o| w.written.split(' ').any(|x| x == *o)) {
            continue;
        }
        let Some(best) = w.best() else { continue };
        println!("{} [p={:.3}]", w.written, sigmoid(best.logit));
        for c in w.candidates.iter().take(4) {
            let feats: Vec<String> = c
                .features
                .iter()
                .zip(NAMES)
                .skip(1)
                .filter(|(v, _)| **v != 0.0)
                .map(|(v, n)| format!("{n}={v:.2}"))
                .collect();
            println!(
                "   {:<20} logit {:>6.2}  {}",
                c.candidate.original,
                c.logit,
                feats.join(" ")
            );
        }
    }
}
