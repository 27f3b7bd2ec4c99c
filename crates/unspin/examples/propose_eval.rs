//! How often the engine's proposed original of a known tortured phrase is the screener's
//! expected phrase: the list's rows are read with their expected phrases hidden from the
//! proposal (`unspin::decode::propose`), then compared.
//!
//! ```text
//! cargo run --release -p unspin --example propose_eval -- [--lm default|file:PATH|wiki:N] [--show N]
//! ```
//! Rows whose query fires on an exact phrase and whose expected phrase is known are used. The
//! report gives the share proposed, exact at rank 1 and within the first three, and the
//! precision of the proposals by their margin over the runner-up (the engine uses a proposal
//! as its suggestion from `propose::CLEAR_MARGIN` on).

mod support;

use unspin::decode::Decoder;
use unspin::rules::query::Phrase;
use unspin::token::normalize;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!("usage: propose_eval [--lm default|file:PATH|wiki:N] [--show N] [--shared DIR]");
        return;
    }
    let shared = std::path::PathBuf::from(support::arg(&args, "--shared", "../shared"));
    let lm = support::build_lm(&support::arg(&args, "--lm", "default"), &shared);
    let show: usize = support::arg(&args, "--show", "0")
        .parse()
        .expect("--show N");
    let decoder = Decoder::new(lm);
    let path = shared.join("data/tortured/pps_fingerprints.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rules = unspin::rules::pps::parse_csv(&path.display().to_string(), &text)
        .expect("the screener's CSV parses");
    let (mut rows, mut proposed, mut exact, mut top3) = (0usize, 0usize, 0usize, 0usize);
    let mut margins: Vec<(f64, bool)> = Vec::new();
    for rule in &rules {
        let Some(expected) = &rule.suggestion else {
            continue;
        };
        let Some(Phrase::Exact(phrase)) = rule.query.fire.first() else {
            continue;
        };
        let phrase = normalize(phrase).into_owned();
        let expected = normalize(expected).into_owned();
        let words: Vec<&str> = phrase.split(' ').collect();
        rows += 1;
        let scored = decoder.scored_originals(&words, 3);
        if let Some((best, reading)) = scored.first() {
            proposed += 1;
            let margin = best - scored.get(1).map_or(f64::NEG_INFINITY, |s| s.0);
            margins.push((margin, *reading == expected));
            exact += usize::from(*reading == expected);
        }
        top3 += usize::from(scored.iter().any(|(_, r)| *r == expected));
        if show > 0 && rows % show == 0 {
            let readings: Vec<&str> = scored.iter().map(|(_, r)| r.as_str()).collect();
            println!("{phrase} → {readings:?} (expected {expected})");
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "{rows} rows with an exact phrase and an expected wording: proposed {proposed} ({:.1}%), \
         exact {exact} ({:.1}%), expected within the first three {top3} ({:.1}%)",
        pct(proposed, rows),
        pct(exact, rows),
        pct(top3, rows)
    );
    for m in [0.0, 1.0, 2.0, 3.0, 5.0] {
        let kept: Vec<_> = margins.iter().filter(|x| x.0 >= m).collect();
        let ok = kept.iter().filter(|x| x.1).count();
        println!(
            "  margin ≥ {m}: {} proposals, {ok} exact ({:.1}%)",
            kept.len(),
            pct(ok, kept.len())
        );
    }
}
