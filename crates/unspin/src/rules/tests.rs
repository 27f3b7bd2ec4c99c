//! Tests of rule loading and matching as a whole (parsers have their own unit tests).

use super::pack::PackKind;
use super::*;
use crate::finding::{apply, resolve_overlaps};
use crate::token::tokenize;

fn set_from_csv(rows: &str) -> RuleSet {
    let mut b = RuleSetBuilder::new();
    b.add_pps_csv(
        "t.csv",
        &format!("tortured_phrase,expected_phrase,num_papers\n{rows}"),
    )
    .unwrap();
    b.build().unwrap()
}

fn find(rs: &RuleSet, text: &str) -> Vec<Finding> {
    rs.find(text, &tokenize(text))
}

fn spans(rs: &RuleSet, text: &str) -> Vec<(String, String)> {
    find(rs, text)
        .into_iter()
        .map(|f| (f.text, f.suggestion))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn rule_set_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
}

#[test]
fn matches_on_token_boundaries_only() {
    let rs = set_from_csv(
        "\"\"\"huge information\"\"\",big data,10\n\"\"\"test arrangement\"\"\",test set,5\n",
    );
    assert_eq!(
        spans(&rs, "We used huge information."),
        [pair("huge information", "big data")]
    );
    // Inside longer words: no match.
    assert!(spans(&rs, "a hugely informational text").is_empty());
    assert!(spans(&rs, "the latest arrangements").is_empty());
    assert!(spans(&rs, "huge informations").is_empty());
    // Joined by a hyphen to a neighbour: one token, no match.
    assert!(spans(&rs, "non-huge information-based").is_empty());
    // Possessive and punctuation are boundaries.
    assert_eq!(
        spans(&rs, "(huge information’s role)"),
        [pair("huge information", "big data")]
    );
    // A failed match does not hide a later one that overlaps it.
    assert_eq!(
        spans(&rs, "the latest arrangement, test arrangement"),
        [pair("test arrangement", "test set")]
    );
}

#[test]
fn case_apostrophes_hyphens_and_line_breaks() {
    let rs = set_from_csv(
        "\"\"\"huge information\"\"\",big data,10\n\"\"\"pre-prepared\"\"\",pre-trained,3\n\"\"\"Crohn's sickness\"\"\",Crohn's disease,2\n",
    );
    assert_eq!(
        spans(&rs, "Huge information. HUGE INFORMATION."),
        [
            pair("Huge information", "Big data"),
            pair("HUGE INFORMATION", "BIG DATA")
        ]
    );
    assert_eq!(
        spans(&rs, "a pre‐prepared model"),
        [pair("pre‐prepared", "pre-trained")]
    );
    assert_eq!(
        spans(&rs, "Crohn’s sickness"),
        [pair("Crohn’s sickness", "Crohn's disease")]
    );
    let t = "the huge\n  information here";
    let f = find(&rs, t);
    assert_eq!(f.len(), 1);
    assert_eq!(&t[f[0].start..f[0].end], "huge\n  information");
    // Not across a blank line (a paragraph break).
    assert!(spans(&rs, "so huge\n\ninformation").is_empty());
}

#[test]
fn and_context_is_per_document() {
    let rs = set_from_csv(
        "\"\"\"malignant growth\"\" AND \"\"cancer\"\"\",cancer,100\n\
         \"\"\"yield layer\"\" AND neural\",output layer,50\n\
         \"\"\"surface highlights\"\" NOT specular\",surface features,9\n\
         \"\"\"PC helped\"\" AND (\"\"be that as it\"\" OR \"\"on the off chance\"\")\",Computer-aided,4\n",
    );
    assert!(spans(&rs, "A malignant growth of the economy.").is_empty());
    assert_eq!(
        spans(&rs, "Cancer cells. A malignant growth was found."),
        [pair("malignant growth", "cancer")]
    );
    // The context phrase must be a whole token too.
    assert!(spans(&rs, "Cancerous cells; a malignant growth.").is_empty());
    // A context word inside a longer context-bearing phrase still counts.
    assert_eq!(
        spans(&rs, "The yield layer of the neural network."),
        [pair("yield layer", "output layer")]
    );
    assert_eq!(
        spans(&rs, "surface highlights"),
        [pair("surface highlights", "surface features")]
    );
    assert!(spans(&rs, "specular surface highlights").is_empty());
    assert!(spans(&rs, "PC helped design").is_empty());
    assert_eq!(
        spans(&rs, "On the off chance that PC helped design works"),
        [pair("PC helped", "Computer-aided")]
    );
}

#[test]
fn sloppy_phrases() {
    let rs = set_from_csv(
        "\"\"\"disappearing gradient problem\"\"~5\",vanishing gradient problem,30\n\
         \"\"\"characterization relapse\"\"~5\",classification and regression,20\n",
    );
    assert_eq!(
        spans(&rs, "The characterization and relapse tree."),
        [pair(
            "characterization and relapse",
            "classification and regression"
        )]
    );
    assert_eq!(
        spans(&rs, "the disappearing gradient problem"),
        [pair(
            "disappearing gradient problem",
            "vanishing gradient problem"
        )]
    );
    assert!(spans(
        &rs,
        "the disappearing act of one two three four five six gradient problem"
    )
    .is_empty());
    // Near within a sentence, not across its end.
    assert!(spans(&rs, "It was a characterization. Relapse came later.").is_empty());
    assert_eq!(
        spans(
            &rs,
            "A first sentence. The characterization and relapse tree."
        ),
        [pair(
            "characterization and relapse",
            "classification and regression"
        )]
    );
}

#[test]
fn best_rule_wins_and_others_are_alternatives() {
    let rs = set_from_csv(
        "\"\"\"neural organization\"\"\",neural network,500\n\"\"\"neural organization\"\"\",neural organisation,2\n",
    );
    let f = find(&rs, "a neural organization");
    assert_eq!(f[0].suggestion, "neural network");
    assert_eq!(f[0].alternatives, ["neural organisation"]);
    assert_eq!(f[0].rule, "user:t.csv:2");
    assert!(f[0].confidence > 0.8);
}

#[test]
fn leftmost_longest() {
    let rs = set_from_csv(
        "\"\"\"information mining\"\"\",data mining,10\n\"\"\"information mining strategies\"\"\",data mining methods,3\n",
    );
    assert_eq!(
        spans(&rs, "information mining strategies"),
        [pair("information mining strategies", "data mining methods")]
    );
}

#[test]
fn json_pairs_are_filtered() {
    let json = r#"{"phrases":[
        {"tortured":"surface region","correct":"surface area"},
        {"tortured":"surface area","correct":"surface area"},
        {"tortured":"discriminative learning","correct":"machine learning"},
        {"tortured":"machine learning","correct":"discriminative learning (machine learning)"},
        {"tortured":"neural organization","correct":"neural network"},
        {"tortured":"neural network","correct":"[neural network] layer outputs"},
        {"tortured":"fog figuring","correct":"fog/mist/cloud computing"},
        {"tortured":"cloud computing","correct":"cloud environment"}
    ]}"#;
    let mut b = RuleSetBuilder::new();
    b.add_pps_json("p.json", json).unwrap();
    let rs = b.build().unwrap();
    let kept: Vec<&str> = rs.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(kept, ["user:p.json#1", "user:p.json#5", "user:p.json#7"]);
    // Entry 3 goes too: "discriminative learning" is part of entry 4's correction.
    assert_eq!(rs.filtered().len(), 5);
    assert!(find(
        &rs,
        "machine learning on a neural network in cloud computing"
    )
    .is_empty());
}

#[test]
fn json_context_phrases_are_filtered_across_sources() {
    let mut b = RuleSetBuilder::new();
    b.add_pps_csv(
        "t.csv",
        "tortured_phrase,expected_phrase,num_papers\n\"\"\"supply route\"\" AND artery\",artery,9\n",
    )
    .unwrap();
    b.add_pps_json(
        "p.json",
        r#"{"phrases":[{"tortured":"artery","correct":"supply route"}]}"#,
    )
    .unwrap();
    b.add_pps_json(
        "q.json",
        r#"{"phrases":[{"tortured":"supply route","correct":"artery"}]}"#,
    )
    .unwrap();
    let rs = b.build().unwrap();
    assert_eq!(rs.len(), 1);
    assert_eq!(rs.filtered()[0].reason, FilterReason::ContextOfQuery);
    assert_eq!(rs.filtered()[1].reason, FilterReason::SupersededByQuery);
    assert!(find(&rs, "a supply route").is_empty());
}

#[test]
fn ordinary_english_by_language_model() {
    let mut lm = crate::lm::CountsModel::new(3);
    for _ in 0..50 {
        lm.add_sentence(&["the", "search", "engine", "found", "it"]);
    }
    let mut b = RuleSetBuilder::new();
    b.add_pps_json(
        "p.json",
        r#"{"phrases":[{"tortured":"search engine","correct":"machine learning"},
                        {"tortured":"huge information","correct":"big data"}]}"#,
    )
    .unwrap();
    b.filter_ordinary_english(&lm, 100.0);
    let rs = b.build().unwrap();
    assert_eq!(rs.len(), 1);
    assert_eq!(rs.filtered()[0].reason, FilterReason::OrdinaryEnglish);
}

#[test]
fn user_pack_ids_and_context() {
    let mut b = RuleSetBuilder::new();
    b.add_toml(
        "mine.toml",
        "[[rule]]\nphrase = \"profound learning\"\noriginal = \"deep learning\"\nrequires = [\"neural\"]\n",
        PackKind::User,
    )
    .unwrap();
    let rs = b.build().unwrap();
    assert!(find(&rs, "a profound learning experience").is_empty());
    let f = find(&rs, "profound learning with neural nets");
    assert_eq!(f[0].rule, "user:mine.toml:1");
}

/// Every example of every rule of every pack shipped in `crates/unspin/rules/`: the rule fires
/// on `bad`, applying the pack's findings gives `good`, and the rule is silent on `good`.
#[test]
fn shipped_pack_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut packs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        packs += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let is_builtin = path.file_stem().and_then(|s| s.to_str()) == Some("builtin");
        let kind = if is_builtin {
            PackKind::Builtin
        } else {
            PackKind::User
        };
        let name = if is_builtin {
            "builtin".to_string()
        } else {
            path.display().to_string()
        };
        let mut b = RuleSetBuilder::new();
        b.add_toml(&name, &text, kind).unwrap();
        let rs = b.build().unwrap();
        assert!(!rs.is_empty());
        for rule in rs.rules() {
            assert!(!rule.examples.is_empty(), "{} has no examples", rule.id);
            for (bad, good) in &rule.examples {
                let found = find(&rs, bad);
                assert!(
                    found.iter().any(|f| f.rule == rule.id),
                    "{}: does not fire on {bad:?} (found {found:?})",
                    rule.id
                );
                let restored = apply(bad, &resolve_overlaps(found));
                assert_eq!(&restored, good, "{}: example {bad:?}", rule.id);
                assert!(
                    !find(&rs, good).iter().any(|f| f.rule == rule.id),
                    "{}: fires on its own correction {good:?}",
                    rule.id
                );
            }
        }
    }
    assert!(packs >= 1);
}

#[test]
fn builtin_pack_is_general_sized() {
    let rs = RuleSet::builtin().unwrap();
    assert!(rs.len() >= 40, "{}", rs.len());
}

/// Random bytes never panic the parsers; errors always name the file.
#[test]
fn parsers_survive_random_input() {
    let mut next = crate::test_rng::xorshift(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"\"'(),~ANDORNOT[]{}=:\n\\ ab12#-\xe2\x80\x99";
    for i in 0..400 {
        let len = (next() % 80) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if i % 2 == 0 {
                    alphabet[(r % alphabet.len() as u64) as usize]
                } else {
                    r as u8
                }
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let csv = format!("tortured_phrase,expected_phrase,num_papers\n{text}");
        for (name, r) in [
            ("f.csv", super::pps::parse_csv("f.csv", &csv).map(|_| ())),
            (
                "f.json",
                super::pps::parse_json("f.json", &text).map(|_| ()),
            ),
            (
                "f.toml",
                super::pack::parse("f.toml", &text, PackKind::User).map(|_| ()),
            ),
        ] {
            if let Err(e) = r {
                assert!(e.to_string().starts_with(name), "{e}");
            }
        }
        let _ = super::query::parse(&text);
        // And whatever loads must compile and match without panicking.
        let mut b = RuleSetBuilder::new();
        if b.add_pps_csv("f.csv", &csv).is_ok() {
            let rs = b.build().unwrap();
            let _ = find(&rs, &text);
        }
    }
}

/// The registry list ships with the library: a fingerprint that only it knows is found by the
/// built-in rules, under its own rule ids.
#[test]
fn registry_list_fires_by_default() {
    let rs = RuleSet::builtin().unwrap();
    assert!(rs.len() > 5_000, "{}", rs.len());
    let found = find(
        &rs,
        "We measured the greenhouse gas emanation of the plant.",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].text, "greenhouse gas emanation");
    assert!(found[0].rule.starts_with("tpe:"), "{}", found[0].rule);
    assert!(found[0].message.contains("TorturePhrases_Estimator"));
}

/// A registry query with document context fires only where the context is present, and its
/// context phrase of the same length is the expected wording.
#[test]
fn registry_queries_keep_their_context() {
    let rs = RuleSet::builtin().unwrap();
    assert!(find(&rs, "The remote detecting images were sharp.").is_empty());
    let text = "The remote detecting images were sharp. Remote sensing is a field.";
    assert_eq!(
        spans(&rs, text),
        [pair("remote detecting", "remote sensing")]
    );
}

/// Entries of the registry list that are ordinary English by the embedded model are dropped and
/// recorded, not matched.
#[test]
fn registry_entries_that_are_ordinary_english_are_dropped() {
    let rs = RuleSet::builtin().unwrap();
    assert!(find(&rs, "The drawer was a jumble of cables.").is_empty());
    assert!(rs
        .filtered()
        .iter()
        .any(|f| f.id.starts_with("tpe:") && f.detail.contains("\"jumble\"")));
}

/// Entries of the registry list that are the correct wording itself are not shipped
/// (models/tortured-correct.tsv): an honest paper about hidden Markov models or hazard ratios
/// has nothing to flag.
#[test]
fn registry_entries_that_are_correct_terms_are_not_shipped() {
    let rs = RuleSet::builtin().unwrap();
    let text =
        "A Hidden Markov Model was fitted; the hazard ratio was 1.4 with polyethylene glycol.";
    assert!(find(&rs, text).is_empty(), "{:?}", find(&rs, text));
}

/// A registry phrase that the built-in pack holds with context fires only in that context:
/// "a huge information gap" and a double agent's "counterfeit intelligence" are English.
#[test]
fn registry_phrases_gated_by_the_builtin_pack_need_its_context() {
    let rs = RuleSet::builtin().unwrap();
    let clean = "The survey found a huge information gap. The agent fed counterfeit intelligence \
                 to the enemy.";
    assert!(find(&rs, clean).is_empty(), "{:?}", find(&rs, clean));
    let spun =
        "Hadoop made huge information analytics cheap with counterfeit intelligence software.";
    assert_eq!(
        spans(&rs, spun),
        [
            pair("huge information", "big data"),
            pair("counterfeit intelligence", "artificial intelligence")
        ]
    );
    assert!(rs
        .filtered()
        .iter()
        .any(|f| f.phrase == "huge information" && f.reason == FilterReason::GatedByBuiltin));
}

/// The committed list is what `models/build-tortured.sh` wrote: its manifest names the package,
/// its licence and the list's row count.
#[test]
fn registry_list_matches_its_manifest() {
    let manifest: serde_json::Value =
        serde_json::from_str(include_str!("../../../../models/tortured.manifest.json")).unwrap();
    assert_eq!(manifest["source"]["licence"], "MIT");
    assert_eq!(
        manifest["source"]["package"],
        "PyPI TorturePhrases_Estimator==4.0"
    );
    let rows = builtin::REGISTRY_CSV.lines().count() - 1;
    assert_eq!(manifest["output"]["rows"].as_u64(), Some(rows as u64));
}

/// Case variants of a phrase with non-ASCII letters match whatever the case of its ASCII
/// letters (the sentence-initial capital of a Greek letter, a title-cased rest).
#[test]
fn non_ascii_phrases_match_in_any_ascii_case() {
    let rs = set_from_csv("\"\"\"α-L-gulonic hyaluronic acid\"\"\",α-L-guluronic acid,2");
    for text in [
        "Α-L-gulonic hyaluronic acid is discussed.",
        "We used α-l-gulonic Hyaluronic ACID here.",
    ] {
        assert_eq!(find(&rs, text).len(), 1, "{text}");
    }
}

/// Words joined by hyphens and by spaces are one phrase, both ways and in every source; the
/// span is the text as written and the suggestion of a hyphenated compound stays a compound.
#[test]
fn hyphens_and_spaces_join_words_alike() {
    let rs = set_from_csv(
        "\"\"\"sickness-free endurance\"\"\",disease-free survival,10\n\
         \"\"\"counterfeit consciousness\"\"\",artificial intelligence,10\n\
         \"\"\"flag to commotion proportion\"\"\",signal-to-noise ratio,10\n",
    );
    assert_eq!(
        spans(&rs, "Sickness free endurance was long."),
        [pair("Sickness free endurance", "Disease-free survival")]
    );
    assert_eq!(
        spans(&rs, "sickness‐free endurance"),
        [pair("sickness‐free endurance", "disease-free survival")]
    );
    let t = "The counterfeit-consciousness model and the flag-to-commotion proportion.";
    let f = find(&rs, t);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(&t[f[0].start..f[0].end], "counterfeit-consciousness");
    assert_eq!(f[0].suggestion, "artificial-intelligence");
    assert_eq!(&t[f[1].start..f[1].end], "flag-to-commotion proportion");
    assert_eq!(f[1].suggestion, "signal-to-noise ratio");
    // A hyphen that joins the phrase to a word outside it still hides it.
    assert!(spans(
        &rs,
        "non-counterfeit consciousness, counterfeit consciousness-based"
    )
    .is_empty());
    // Across a line break the offsets are the original text's.
    let t = "the counterfeit\n  consciousness here";
    let f = find(&rs, t);
    assert_eq!(&t[f[0].start..f[0].end], "counterfeit\n  consciousness");
    // Zero-width characters inside or beside the words do not hide the phrase.
    let t = "a counter\u{200B}feit \u{200B}consciousness here";
    let f = find(&rs, t);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        &t[f[0].start..f[0].end],
        "counter\u{200B}feit \u{200B}consciousness"
    );
    // Text extracted from a PDF: a word hyphenated across a line break, and ligatures
    // (`ﬂ`, `ﬁ`), are read as their words, and the spans are the original text's.
    let t = "a counterfeit con-\nsciousness, the \u{FB02}ag-to-commotion proportion, a classi\u{FB01}er";
    let f = find(&rs, t);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(&t[f[0].start..f[0].end], "counterfeit con-\nsciousness");
    assert_eq!(f[0].suggestion, "artificial intelligence");
    assert_eq!(
        &t[f[1].start..f[1].end],
        "\u{FB02}ag-to-commotion proportion"
    );

    // JSON pairs and TOML packs read joinings the same way.
    let mut b = RuleSetBuilder::new();
    b.add_pps_json(
        "p.json",
        r#"{"phrases":[{"tortured":"irregular-timberland","correct":"random forest"}]}"#,
    )
    .unwrap();
    b.add_toml(
        "u.toml",
        "[[rule]]\nphrase = \"bosom peril\"\noriginal = \"breast cancer\"\n",
        PackKind::User,
    )
    .unwrap();
    let rs = b.build().unwrap();
    assert_eq!(
        spans(&rs, "An irregular timberland and bosom-peril screening."),
        [
            pair("irregular timberland", "random forest"),
            pair("bosom-peril", "breast-cancer")
        ]
    );
}

/// Context phrases match in either joining too.
#[test]
fn context_phrases_match_hyphenated_or_spaced() {
    let rs = set_from_csv("\"\"\"pre-prepared\"\" AND \"\"pre-trained\"\"\",pre-trained,3\n");
    for text in [
        "A pre-prepared model; pre-trained weights.",
        "A pre prepared model; pre trained weights.",
        "A pre-prepared model; pre‑trained weights.",
    ] {
        assert_eq!(find(&rs, text).len(), 1, "{text}");
    }
    assert!(find(&rs, "A pre-prepared model.").is_empty());
}

/// The suggestion takes the span's case: Title Case, a first capital, ALL CAPS, lower case.
#[test]
fn suggestions_take_the_case_of_the_span() {
    let rs = set_from_csv(
        "\"\"\"counterfeit consciousness\"\"\",artificial intelligence,10\n\
         \"\"\"net of things\"\"\",internet of things,10\n\
         \"\"\"colossal information\"\"\",big data,10\n\
         \"\"\"profound learning\"\"\",deep learning (DL),10\n",
    );
    assert_eq!(
        spans(
            &rs,
            "Counterfeit Consciousness for Colossal Information. The Net of Things."
        ),
        [
            pair("Counterfeit Consciousness", "Artificial Intelligence"),
            pair("Colossal Information", "Big Data"),
            pair("Net of Things", "Internet of Things")
        ]
    );
    assert_eq!(
        spans(
            &rs,
            "Colossal information, COLOSSAL INFORMATION, colossal information"
        ),
        [
            pair("Colossal information", "Big data"),
            pair("COLOSSAL INFORMATION", "BIG DATA"),
            pair("colossal information", "big data")
        ]
    );
}

/// A pack phrase that is the plural of another of its phrases gets the plural original: the one
/// the rule lists, else the regular plural; the plural original is no alternative to the
/// singular.
#[test]
fn inflected_phrases_get_the_original_inflected_alike() {
    let pack = "[[rule]]\nphrases = [\"chance jungle\", \"chance jungles\"]\n\
                originals = [\"random forest\", \"random forests\", \"decision forest\"]\n\n\
                [[rule]]\nphrases = [\"choice tree\", \"choice trees\"]\noriginal = \"decision tree\"\n";
    let mut b = RuleSetBuilder::new();
    b.add_toml("mine.toml", pack, PackKind::User).unwrap();
    let rs = b.build().unwrap();
    let f = find(&rs, "Two chance jungles and one chance jungle.");
    assert_eq!(f[0].suggestion, "random forests");
    assert_eq!(f[0].alternatives, ["decision forest"]);
    assert_eq!(f[1].suggestion, "random forest");
    assert_eq!(f[1].alternatives, ["decision forest"]);
    assert_eq!(
        spans(&rs, "Choice trees beat a choice tree."),
        [
            pair("Choice trees", "Decision trees"),
            pair("choice tree", "decision tree")
        ]
    );
}

/// Rules of two files never share an id, whichever format; ids name the file, not a folder, and
/// messages name the file rather than the screener.
#[test]
fn rule_ids_are_unique_across_files() {
    let dir = std::env::temp_dir().join(format!("unspin-rule-ids-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let csv = |row: &str| format!("tortured_phrase,expected_phrase,num_papers\n{row}\n");
    let d = dir.join("d.csv");
    let e = dir.join("e.csv");
    let e2 = dir.join("sub").join("e.csv");
    std::fs::write(&d, csv("\"gore sugar\",blood sugar,3")).unwrap();
    std::fs::write(&e, csv("\"chance jungle\",random forest,50")).unwrap();
    std::fs::write(&e2, csv("\"bosom peril\",breast cancer,50")).unwrap();
    let mut b = RuleSetBuilder::new();
    for p in [&d, &e, &e2] {
        b.load_path(p).unwrap();
    }
    let ids: Vec<String> = b.rules().iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids[0], "user:d.csv:2");
    assert_eq!(ids[1], "user:e.csv:2");
    assert_eq!(ids[2], format!("user:{}:2", e2.display()));
    let m = &b.rules()[0].message;
    assert!(m.contains("from d.csv") && !m.contains("Screener"), "{m}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A lone common word whose only context is its synonym fires on clean text about the topic
/// ("bosom" beside "breast"); such rules are filtered, in the registry list and in any CSV.
/// A lone word with other context is kept.
#[test]
fn lone_words_with_synonym_context_are_filtered() {
    let rs = set_from_csv(
        "\"\"\"bosom\"\" AND \"\"breast\"\"\",breast,9\n\
         \"\"\"prosciutto\"\" AND \"\"perovskite\"\"\",perovskite,9\n",
    );
    assert!(find(
        &rs,
        "The breast is compressed; bosom is an old word for it."
    )
    .is_empty());
    assert!(rs
        .filtered()
        .iter()
        .any(|f| f.reason == FilterReason::SynonymContext && f.id == "user:t.csv:2"));
    assert_eq!(
        find(&rs, "Prosciutto solar cells beat perovskite.").len(),
        1
    );
    let rs = RuleSet::builtin().unwrap();
    assert!(find(
        &rs,
        "In mammography, the breast is compressed; the bosom is an old word."
    )
    .is_empty());
}

/// "Web of Things" is also the W3C's standard: a text naming the standard is clean, a spun text
/// about IoT devices is not.
#[test]
fn web_of_things_standard_is_not_flagged() {
    let rs = RuleSet::builtin().unwrap();
    let clean = "The W3C Web of Things architecture describes devices with Thing Descriptions.";
    assert!(find(&rs, clean).is_empty(), "{:?}", find(&rs, clean));
    assert_eq!(
        spans(&rs, "The web of things links cheap sensors and devices."),
        [pair("web of things", "internet of things")]
    );
}

/// Phrases set as PDF text at random (a word hyphenated across a line break at any place,
/// ligatures, line wraps, double spaces, upper case), between random neighbours (hyphens, blank
/// lines, letters): every finding is a valid span of the original text on its token boundaries,
/// and a phrase left whole is found.
#[test]
fn pdf_style_text_gives_valid_spans() {
    let rs = RuleSet::builtin().unwrap();
    let phrases = [
        "counterfeit consciousness",
        "flag to commotion proportion",
        "irregular woodland",
    ];
    let around = ["", " ", "\n", "\n\n", "-", "-\n", "a", "é", ".", " the "];
    let mut rng = 0x9E3779B97F4A7C15u64;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let (mut whole, mut found) = (0, 0);
    for _ in 0..3000 {
        let phrase = phrases[next(phrases.len())];
        let mut set = String::new();
        for (k, word) in phrase.split(' ').enumerate() {
            if k > 0 {
                set.push_str(["  ", "\n", " \n  ", " "][next(4)]);
            }
            let mut word = word.to_string();
            if next(3) == 0 {
                word = word.to_uppercase();
            }
            if next(2) == 0 && word.len() > 3 {
                let cut = 1 + next(word.len() - 2);
                word = format!("{}-\n{}{}", &word[..cut], ["", "  "][next(2)], &word[cut..]);
            }
            set.push_str(&word.replace("fl", "\u{FB02}").replace("fi", "\u{FB01}"));
        }
        let (before, after) = (around[next(around.len())], around[next(around.len())]);
        let text = format!("{before}{set}{after}");
        let findings = find(&rs, &text);
        let toks = tokenize(&text);
        for f in &findings {
            assert!(
                f.start < f.end && text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
                "{f:?} in {text:?}"
            );
            assert_eq!(&text[f.start..f.end], f.text, "{text:?}");
            assert!(toks.iter().any(|t| t.start == f.start), "{f:?} in {text:?}");
            assert!(toks.iter().any(|t| t.end == f.end), "{f:?} in {text:?}");
        }
        // Nothing glued to the phrase's ends: it must be found, spanning the whole set text.
        let glued = |s: &str| s.ends_with(['-', 'a', 'é']) || s.starts_with(['-', 'a', 'é']);
        let upper_cut = set.contains("-\n")
            && set
                .split("-\n")
                .skip(1)
                .any(|r| r.trim_start().starts_with(char::is_uppercase));
        if !glued(before) && !glued(after) && !upper_cut {
            whole += 1;
            let at = before.len();
            if findings
                .iter()
                .any(|f| f.start == at && f.end == at + set.len())
            {
                found += 1;
            } else {
                panic!("{text:?}: {findings:?}");
            }
        }
    }
    assert!(whole > 500 && found == whole, "{found} of {whole}");
}
