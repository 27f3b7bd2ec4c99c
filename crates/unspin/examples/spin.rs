//! Spin stdin with the synthetic spinner and print the spun text, then the substitutions as JSON
//! lines: `cargo run -p unspin --example spin -- RATE SEED [--names] < clean.txt`.

use std::io::Read;

use unspin::lexicon::Lexicon;
use unspin::synth::{spin, SpinOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rate: f32 = args.first().map_or(Ok(0.6), |a| a.parse())?;
    let seed: u64 = args.get(1).map_or(Ok(1), |a| a.parse())?;
    let capitalized = args.iter().any(|a| a == "--names");
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let options = SpinOptions {
        rate,
        seed,
        capitalized,
        ..SpinOptions::default()
    };
    let spun = spin(&text, Lexicon::embedded(), &options, None);
    println!("{}", spun.text);
    for s in &spun.substitutions {
        println!("{}", serde_json::to_string(s)?);
    }
    Ok(())
}
