//! What a person reads: the HTML report of an HTML page shows the page's prose, not its source,
//! and the human output explains a verdict that no finding supports, and a text it does not
//! judge because it is not English.

mod support;
use support::{stderr, unspin};

/// The JSON embedded in an HTML report.
fn report_data(html: &str) -> serde_json::Value {
    let open = "id=\"unspin-data\">";
    let start = html.find(open).expect("data element") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// A page saved from a browser: the report shows its article's words, with the findings on them,
/// not the markup, the head's script or the navigation.
#[test]
fn html_report_of_a_page_shows_its_prose() {
    let dir = tempfile::tempdir().unwrap();
    let page =
        "<!doctype html><html><head><title>News</title><script>var tracker = 1;</script></head>\
        <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article>\
        <h1>Research news</h1>\
        <p>Scientists who research <b>counterfeit</b> consciousness said the news &amp; the plan \
        were welcome, and the university said the programme would start in January.</p>\
        </article><footer>Copyright 2024</footer></body></html>";
    std::fs::write(dir.path().join("page.html"), page).unwrap();
    let out = unspin(dir.path(), &["check", "--format", "html", "page.html"]);
    let html = String::from_utf8(out.stdout).unwrap();
    let data = report_data(&html);
    let doc = &data["docs"][0];
    let text = doc["text"].as_str().unwrap();
    assert!(
        text.contains("counterfeit consciousness said the news & the plan"),
        "{text}"
    );
    for markup in ["<b>", "<p>", "tracker", "&amp;", "Copyright"] {
        assert!(
            !text.contains(markup),
            "{markup:?} in the shown text: {text}"
        );
    }
    // The phrase split by `<b>` is one finding on the prose, and it points at its words.
    let f = &doc["findings"][0];
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "counterfeit consciousness");
    assert_eq!(f["suggestion"], "artificial intelligence");
    let restored = doc["restored"].as_str().unwrap();
    assert!(
        restored.contains("research artificial intelligence said"),
        "{restored}"
    );
}

/// English in rare words, uncertain without a single finding: the human output names the
/// document and says the verdict has no span behind it, instead of printing nothing about it.
#[test]
fn human_output_explains_a_verdict_without_findings() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The cardinal edifice of the borough was erected by artisans whose handiwork \
        endures, and the aldermen deem its facade a paragon of vernacular masonry amid the \
        thoroughfares.\n";
    std::fs::write(dir.path().join("rare.txt"), text).unwrap();
    let json = unspin(dir.path(), &["check", "--format", "json", "rare.txt"]);
    let docs: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(docs[0]["findings"].as_array().unwrap().len(), 0);
    let verdict = docs[0]["verdict"].as_str().unwrap();
    assert_ne!(
        verdict, "clean",
        "the engine now judges this text clean: pick another"
    );
    let out = unspin(dir.path(), &["check", "rare.txt"]);
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        stdout.contains("rare.txt: score ") && stdout.contains(&format!("({verdict}), 0 findings")),
        "{stdout}{}",
        stderr(&out)
    );
    assert!(
        stdout.contains("no single span is sure enough to flag"),
        "{stdout}"
    );
    // Many such documents (a directory of texts): each is named, the note said once.
    std::fs::write(dir.path().join("rare2.txt"), text).unwrap();
    let out = unspin(dir.path(), &["check", "rare.txt", "rare2.txt"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("rare2.txt: score "), "{stdout}");
    assert_eq!(
        stdout.matches("no single span is sure").count(),
        1,
        "{stdout}"
    );
}

/// A text in another language is named with its language and not judged, in every format.
#[test]
fn a_text_in_another_language_is_named_and_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Le président Emmanuel Macron a annoncé mardi que le gouvernement allait augmenter \
        son programme d'aide aux petites entreprises, et les responsables ont confirmé que les \
        nouvelles règles entreront en vigueur en janvier. Les chercheurs en intelligence \
        artificielle ont salué l'annonce.\n";
    std::fs::write(dir.path().join("fr.txt"), text.repeat(5)).unwrap();
    let json = unspin(dir.path(), &["check", "--format", "json", "fr.txt"]);
    let docs: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(docs[0]["language"], "fra", "{docs}");
    assert_eq!(docs[0]["verdict"], "uncertain");
    assert_eq!(docs[0]["score"], 0.5);
    assert_eq!(docs[0]["findings"].as_array().unwrap().len(), 0);
    let out = unspin(dir.path(), &["check", "fr.txt"]);
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        stdout.contains("written in French, not English") && !stdout.contains("no single span"),
        "{stdout}{}",
        stderr(&out)
    );
    // English has no language field.
    std::fs::write(
        dir.path().join("en.txt"),
        "The council met on Tuesday and agreed to \
        repair the bridge over the river before the winter, which the residents had asked for.",
    )
    .unwrap();
    let json = unspin(dir.path(), &["check", "--format", "json", "en.txt"]);
    let docs: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(docs[0].get("language").is_none(), "{docs}");
}
