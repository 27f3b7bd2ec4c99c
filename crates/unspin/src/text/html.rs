//! HTML → the article's main text, with an offset map into the page's bytes.
//!
//! Parsing: `html5tokenizer`, a WHATWG-conformant tokenizer (it passes the html5lib tokenizer
//! tests) that reports the source byte range of every token, character references included: the
//! `&` decoded from `&amp;` comes with the range of all five bytes. That is what the offset map
//! needs. `html5ever`/`scraper` build a spec-exact tree but keep no byte offsets, and `tl` keeps
//! offsets but does not follow the spec for script/style raw text or character references. Tree
//! construction here is the small, forgiving subset a text extractor needs: implied `</p>` and
//! `</li>`, void elements, end tags matched against the open elements, nesting capped.
//!
//! Extraction follows the readability family (Arc90 readability, Mozilla's Readability.js):
//! 1. drop elements that are never article text: script/style/nav/aside/footer/form/…,
//!    hidden elements, ARIA landmarks that are not the main content, and elements whose class/id
//!    names boilerplate (comments, share buttons, related posts, sidebars, cookie banners…);
//! 2. score paragraphs (1 + commas + length/100, at most 3 for length) and credit their parent in
//!    full and their grandparent by half; weigh each candidate by its tag and class names and by
//!    `1 - link density`; take the best candidate and its siblings that score near it;
//! 3. in the kept subtree, drop link-heavy blocks (navigation lists, "related posts") and blocks
//!    whose whole text is boilerplate ("Leave a reply", "Share this:").
//!
//! If that leaves almost nothing (a fragment, a page without paragraphs), the whole page's text
//! minus step 1 is used, so short inputs are never silently emptied.
//!
//! Inline code (`<code>` outside `<pre>`, `<kbd>`, `<samp>`) is kept, as in Markdown, and its
//! ranges returned ([`extract_with_code`]) so that nothing inside it is reported or rewritten.

use std::ops::Range;

use html5tokenizer::offset::PosTrackingReader;
use html5tokenizer::trace::Trace;
use html5tokenizer::{NaiveParser, Token, TracingEmitter};

use super::offsets::{OffsetMap, TextBuilder};
use super::SUPPRESSION_PREFIX;

/// Deeper nesting than this is flattened (keeps every walk bounded on hostile input).
const MAX_DEPTH: usize = 256;
/// An extraction shorter than this (in non-space characters) falls back to the whole page.
const MIN_ARTICLE_CHARS: usize = 200;

#[derive(Debug, Clone)]
enum Seg {
    /// Source bytes copied as they are.
    Verbatim(Range<usize>),
    /// A character that the source writes differently (a character reference, `\r\n`).
    Char(char, Range<usize>),
}

#[derive(Debug)]
enum Kind {
    Element {
        name: String,
        /// Lower-cased `class` and `id`, space-separated.
        names: String,
        dropped: bool,
    },
    Text(Vec<Seg>),
    /// `<br>`, at this source offset.
    Break(usize),
    /// A comment carrying a suppression marker.
    Marker(String, Range<usize>),
}

#[derive(Debug)]
struct Node {
    kind: Kind,
    parent: usize,
    children: Vec<usize>,
}

struct Dom<'s> {
    src: &'s str,
    nodes: Vec<Node>,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements that end an open `<p>` (HTML's "close a p element" list, abridged).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Never article text.
const DROP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "nav", "aside", "footer", "form",
    "iframe", "button", "select", "textarea", "input", "label", "menu", "dialog", "canvas",
    "object", "embed", "head", "title", "video", "audio", "map", "frameset", "noembed",
];

/// Never dropped for their class names (a WordPress `<body>` lists "has-sidebar" and the like).
const NEVER_DROP: &[&str] = &["html", "body", "main", "article"];

/// Class/id fragments that mark boilerplate whatever else the names say.
const STRONG_NEGATIVE: &[&str] = &[
    "comment",
    "disqus",
    "respond",
    "reply",
    "share",
    "sharing",
    "social",
    "related",
    "sidebar",
    "widget",
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscribe",
    "popup",
    "modal",
    "breadcrumb",
    "pagination",
    "pager",
    "sponsor",
    "promo",
    "advert",
    "banner",
    "skyscraper",
    "shoutbox",
    "navbar",
    "masthead",
    "menu",
    "rss",
    "outbrain",
    "taboola",
    "post-navigation",
    "nav-links",
];

/// Class/id fragments that mark boilerplate unless a positive fragment is also there.
const WEAK_NEGATIVE: &[&str] = &[
    "header",
    "footer",
    "meta",
    "nav",
    "tags",
    "tool",
    "byline",
    "author",
    "hidden",
    "combx",
    "extra",
    "foot",
    "community",
    "remark",
    "supplemental",
];

const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "main", "post", "story", "text", "blog", "hentry",
];

/// ARIA roles of page furniture.
const DROP_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "banner",
    "contentinfo",
    "menu",
    "menubar",
    "dialog",
    "alertdialog",
    "alert",
    "search",
];

/// Whole-block texts that are page furniture, compared lower-cased without trailing `:`/`…`.
const BOILERPLATE: &[&str] = &[
    "leave a reply",
    "leave a comment",
    "leave a reply cancel reply",
    "post a comment",
    "comments",
    "share this",
    "share this article",
    "share this post",
    "share",
    "share on facebook",
    "share on twitter",
    "like this",
    "related",
    "related posts",
    "related articles",
    "related stories",
    "you may also like",
    "you might also like",
    "more stories",
    "read more",
    "click to share on twitter (opens in new window)",
    "click to share on facebook (opens in new window)",
    "post navigation",
    "previous post",
    "next post",
    "advertisement",
    "subscribe",
    "follow us",
    "tags",
    "categories",
];

fn class_weight(names: &str) -> i32 {
    let mut w = 0;
    if STRONG_NEGATIVE.iter().any(|n| names.contains(n))
        || WEAK_NEGATIVE.iter().any(|n| names.contains(n))
    {
        w -= 25;
    }
    if POSITIVE.iter().any(|n| names.contains(n)) {
        w += 25;
    }
    w
}

fn is_dropped(name: &str, attrs: &html5tokenizer::attr::AttributeMap, names: &str) -> bool {
    if DROP_TAGS.contains(&name) {
        return true;
    }
    if attrs.get("hidden").is_some() || attrs.get("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = attrs.get("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if let Some(role) = attrs.get("role") {
        if DROP_ROLES.contains(&role.trim().to_ascii_lowercase().as_str()) {
            return true;
        }
    }
    if NEVER_DROP.contains(&name) || names.is_empty() {
        return false;
    }
    if STRONG_NEGATIVE.iter().any(|n| names.contains(n)) {
        return true;
    }
    WEAK_NEGATIVE.iter().any(|n| names.contains(n)) && !POSITIVE.iter().any(|n| names.contains(n))
}

impl<'s> Dom<'s> {
    fn parse(src: &'s str) -> Dom<'s> {
        let mut dom = Dom {
            src,
            nodes: vec![Node {
                kind: Kind::Element {
                    name: "#root".into(),
                    names: String::new(),
                    dropped: false,
                },
                parent: 0,
                children: Vec::new(),
            }],
        };
        let mut stack: Vec<usize> = vec![0];
        let parser =
            NaiveParser::new_with_emitter(PosTrackingReader::new(src), TracingEmitter::default());
        for (token, trace) in parser.flatten() {
            let top = *stack.last().unwrap_or(&0);
            match (token, trace) {
                (Token::Char(c), Trace::Char(range)) => dom.push_char(top, c, range),
                (Token::StartTag(tag), trace) => {
                    let name = tag.name.to_ascii_lowercase();
                    let at = match &trace {
                        Trace::StartTag(t) => t.span.start,
                        _ => 0,
                    };
                    dom.close_implied(&mut stack, &name);
                    let top = *stack.last().unwrap_or(&0);
                    if name == "br" {
                        dom.add(top, Kind::Break(at));
                        continue;
                    }
                    let mut names = String::new();
                    for key in ["class", "id"] {
                        if let Some(v) = tag.attributes.get(key) {
                            names.push_str(&v.to_ascii_lowercase());
                            names.push(' ');
                        }
                    }
                    let dropped = is_dropped(&name, &tag.attributes, &names);
                    let void = VOID.contains(&name.as_str()) || tag.self_closing;
                    let id = dom.add(
                        top,
                        Kind::Element {
                            name,
                            names,
                            dropped,
                        },
                    );
                    if !void && stack.len() < MAX_DEPTH {
                        stack.push(id);
                    }
                }
                (Token::EndTag(tag), trace) => {
                    let name = tag.name.to_ascii_lowercase();
                    if name == "br" {
                        let at = match &trace {
                            Trace::EndTag(t) => t.span.start,
                            _ => 0,
                        };
                        dom.add(top, Kind::Break(at));
                        continue;
                    }
                    if let Some(pos) = stack.iter().rposition(|&n| dom.name(n) == name) {
                        if pos > 0 {
                            stack.truncate(pos);
                        }
                    }
                }
                (Token::Comment(data), Trace::Comment(t)) if data.contains(SUPPRESSION_PREFIX) => {
                    dom.add(top, Kind::Marker(data.trim().to_string(), t.data_span));
                }
                _ => {}
            }
        }
        dom
    }

    fn add(&mut self, parent: usize, kind: Kind) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind,
            parent,
            children: Vec::new(),
        });
        self.nodes[parent].children.push(id);
        id
    }

    fn name(&self, n: usize) -> &str {
        match &self.nodes[n].kind {
            Kind::Element { name, .. } => name,
            _ => "",
        }
    }

    fn push_char(&mut self, parent: usize, c: char, range: Range<usize>) {
        // Ranges from the tokenizer are trusted only as far as they are valid for the source.
        let mut end = range.end.min(self.src.len());
        while !self.src.is_char_boundary(end) {
            end -= 1;
        }
        let mut start = range.start.min(end);
        while !self.src.is_char_boundary(start) {
            start -= 1;
        }
        let range = start..end;
        let mut buf = [0u8; 4];
        let verbatim = self.src.get(range.clone()) == Some(c.encode_utf8(&mut buf));
        let last = self.nodes[parent].children.last().copied();
        if let Some(Kind::Text(segs)) = last.map(|l| &mut self.nodes[l].kind) {
            if verbatim {
                if let Some(Seg::Verbatim(r)) = segs.last_mut() {
                    if r.end == range.start {
                        r.end = range.end;
                        return;
                    }
                }
                segs.push(Seg::Verbatim(range));
            } else {
                segs.push(Seg::Char(c, range));
            }
            return;
        }
        let seg = if verbatim {
            Seg::Verbatim(range)
        } else {
            Seg::Char(c, range)
        };
        self.add(parent, Kind::Text(vec![seg]));
    }

    /// The implied end tags of the HTML parsing rules that matter for text structure.
    fn close_implied(&self, stack: &mut Vec<usize>, name: &str) {
        let close_to = |stack: &mut Vec<usize>, target: &[&str], barrier: &[&str]| {
            for i in (1..stack.len()).rev() {
                let n = self.name(stack[i]);
                if target.contains(&n) {
                    stack.truncate(i);
                    return;
                }
                if barrier.contains(&n) {
                    return;
                }
            }
        };
        if CLOSES_P.contains(&name) {
            close_to(
                stack,
                &["p"],
                &[
                    "div",
                    "td",
                    "th",
                    "li",
                    "blockquote",
                    "section",
                    "article",
                    "body",
                    "table",
                    "button",
                ],
            );
        }
        match name {
            "li" => close_to(stack, &["li"], &["ul", "ol", "menu"]),
            "dt" | "dd" => close_to(stack, &["dt", "dd"], &["dl"]),
            "td" | "th" => close_to(stack, &["td", "th"], &["tr", "table"]),
            "tr" => close_to(stack, &["tr"], &["table", "tbody", "thead", "tfoot"]),
            "option" => close_to(stack, &["option"], &["select"]),
            _ => {}
        }
    }
}

/// Per-node measures, accumulated bottom-up over the kept (not dropped) nodes.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    /// Non-space characters of text.
    chars: usize,
    /// Non-space characters inside links.
    link_chars: usize,
    commas: usize,
}

fn measure(dom: &Dom) -> Vec<Measure> {
    let mut m = vec![Measure::default(); dom.nodes.len()];
    // Children always have larger indices than their parent: one reverse pass sums subtrees.
    for i in (0..dom.nodes.len()).rev() {
        match &dom.nodes[i].kind {
            Kind::Text(segs) => {
                for seg in segs {
                    match seg {
                        Seg::Verbatim(r) => {
                            for c in dom.src[r.clone()].chars() {
                                if !c.is_whitespace() {
                                    m[i].chars += 1;
                                }
                                if c == ',' {
                                    m[i].commas += 1;
                                }
                            }
                        }
                        Seg::Char(c, _) => {
                            if !c.is_whitespace() {
                                m[i].chars += 1;
                            }
                        }
                    }
                }
            }
            Kind::Element { dropped: true, .. } => {
                m[i] = Measure::default();
                continue;
            }
            Kind::Element { name, .. } if name == "a" => m[i].link_chars = m[i].chars,
            _ => {}
        }
        if i > 0 {
            let p = dom.nodes[i].parent;
            let child = m[i];
            m[p].chars += child.chars;
            m[p].link_chars += child.link_chars;
            m[p].commas += child.commas;
        }
    }
    m
}

fn link_density(m: &Measure) -> f32 {
    if m.chars == 0 {
        0.0
    } else {
        m.link_chars as f32 / m.chars as f32
    }
}

fn tag_weight(name: &str) -> f32 {
    match name {
        "div" | "article" | "main" => 5.0,
        "section" | "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// Pick the nodes whose text is the article (readability's candidate scoring).
fn select(dom: &Dom, m: &[Measure]) -> Vec<usize> {
    let n = dom.nodes.len();
    let mut score: Vec<Option<f32>> = vec![None; n];
    let kept = |i: usize| -> bool {
        // A node is kept when neither it nor an ancestor is dropped.
        let mut j = i;
        loop {
            if let Kind::Element { dropped: true, .. } = dom.nodes[j].kind {
                return false;
            }
            if j == 0 {
                return true;
            }
            j = dom.nodes[j].parent;
        }
    };
    for i in 1..n {
        let Kind::Element { name, .. } = &dom.nodes[i].kind else {
            continue;
        };
        let is_para = matches!(name.as_str(), "p" | "pre" | "td" | "blockquote")
            || (matches!(name.as_str(), "div" | "section" | "article")
                && dom.nodes[i]
                    .children
                    .iter()
                    .any(|&c| matches!(dom.nodes[c].kind, Kind::Text(_)) && m[c].chars >= 25));
        if !is_para || m[i].chars < 25 || !kept(i) {
            continue;
        }
        let content = 1.0 + m[i].commas as f32 + (m[i].chars as f32 / 100.0).floor().min(3.0);
        let mut anc = dom.nodes[i].parent;
        for level in 0..3 {
            if let Kind::Element { name, names, .. } = &dom.nodes[anc].kind {
                let s =
                    score[anc].get_or_insert_with(|| tag_weight(name) + class_weight(names) as f32);
                *s += match level {
                    0 => content,
                    1 => content / 2.0,
                    _ => content / (level as f32 * 3.0),
                };
            }
            if anc == 0 {
                break;
            }
            anc = dom.nodes[anc].parent;
        }
    }
    let mut best: Option<(usize, f32)> = None;
    for (i, s) in score.iter().enumerate() {
        if let Some(s) = s {
            let s = s * (1.0 - link_density(&m[i]));
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
    }
    let Some((top, top_score)) = best else {
        return vec![0];
    };
    if top == 0 {
        return vec![0];
    }
    let threshold = (top_score * 0.2).max(10.0);
    let parent = dom.nodes[top].parent;
    let mut chosen = Vec::new();
    for &s in &dom.nodes[parent].children {
        if s == top {
            chosen.push(s);
            continue;
        }
        let Kind::Element { name, dropped, .. } = &dom.nodes[s].kind else {
            continue;
        };
        if *dropped {
            continue;
        }
        let ld = link_density(&m[s]);
        let s_score = score[s].map(|v| v * (1.0 - ld)).unwrap_or(0.0);
        let good_para =
            name == "p" && ((m[s].chars > 80 && ld < 0.25) || (ld == 0.0 && m[s].chars > 0));
        // The article's title usually sits just before its body, outside the best candidate.
        let title_before = s < top && matches!(name.as_str(), "h1" | "h2" | "header") && ld < 0.5;
        if s_score >= threshold || good_para || title_before {
            chosen.push(s);
        }
    }
    chosen
}

struct Emitter<'d, 's> {
    dom: &'d Dom<'s>,
    m: &'d [Measure],
    out: TextBuilder,
    /// Ranges of the text that are inline code (`<code>`, `<kbd>`, `<samp>`), in order.
    code: Vec<Range<usize>>,
}

impl Emitter<'_, '_> {
    fn emit(&mut self, i: usize, pre: bool, depth: usize) {
        let node = &self.dom.nodes[i];
        match &node.kind {
            Kind::Text(segs) => self.emit_text(segs, pre),
            Kind::Break(at) => self.out.line_break(*at),
            Kind::Marker(text, range) => {
                self.out.push_mapped(&format!(" {text} "), range.clone());
            }
            Kind::Element { name, dropped, .. } => {
                if *dropped || depth > MAX_DEPTH + 8 || self.is_furniture(i, name) {
                    return;
                }
                let at = self.start_of(i);
                let block = BLOCK.contains(&name.as_str());
                let line = matches!(name.as_str(), "li" | "tr" | "dt" | "dd");
                if block && !line {
                    self.out.block_break(at);
                } else if line {
                    self.out.line_break(at);
                }
                let pre = pre || name == "pre";
                let code_from = self.out.text().len();
                for &c in &node.children {
                    // Code inside <pre> is a code block: not prose.
                    if pre && self.dom.name(c) == "code" {
                        continue;
                    }
                    self.emit(c, pre, depth + 1);
                }
                // Inline code reads as part of the sentence, as in Markdown, but is code: nothing
                // in it is reported or rewritten.
                if matches!(name.as_str(), "code" | "kbd" | "samp") {
                    let to = self.out.text().len();
                    if to > code_from && self.code.last().is_none_or(|r| r.end <= code_from) {
                        self.code.push(code_from..to);
                    }
                }
                let end = self.end_of(i);
                if matches!(name.as_str(), "td" | "th") && !self.out.ends_with_space() {
                    self.out.push_mapped(" ", end..end);
                } else if block && !line {
                    self.out.block_break(end);
                } else if line {
                    self.out.line_break(end);
                }
            }
        }
    }

    /// Link-heavy blocks and blocks whose whole text is boilerplate.
    fn is_furniture(&self, i: usize, name: &str) -> bool {
        let m = &self.m[i];
        let ld = link_density(m);
        let container = matches!(
            name,
            "ul" | "ol" | "div" | "section" | "table" | "dl" | "header" | "figure"
        );
        if container && ld > 0.5 && m.chars < 2000 {
            return true;
        }
        if matches!(name, "p" | "li") && ld > 0.5 && m.chars < 120 {
            return true;
        }
        if BLOCK.contains(&name) && m.chars > 0 && m.chars <= 60 {
            let text = self.plain_text(i).to_lowercase();
            let text = text.trim().trim_end_matches([':', '…', '.', '!']).trim();
            if BOILERPLATE.contains(&text) {
                return true;
            }
        }
        false
    }

    fn plain_text(&self, i: usize) -> String {
        let mut s = String::new();
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            match &self.dom.nodes[n].kind {
                Kind::Text(segs) => {
                    for seg in segs {
                        match seg {
                            Seg::Verbatim(r) => s.push_str(&self.dom.src[r.clone()]),
                            Seg::Char(c, _) => s.push(*c),
                        }
                    }
                }
                Kind::Element { dropped: false, .. } => {
                    s.push(' ');
                    stack.extend(self.dom.nodes[n].children.iter().rev());
                }
                _ => {}
            }
        }
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn start_of(&self, i: usize) -> usize {
        first_offset(self.dom, i).unwrap_or(0)
    }

    fn end_of(&self, i: usize) -> usize {
        last_offset(self.dom, i).unwrap_or_else(|| self.start_of(i))
    }

    fn emit_text(&mut self, segs: &[Seg], pre: bool) {
        for seg in segs {
            match seg {
                Seg::Verbatim(r) => {
                    let s = &self.dom.src[r.clone()];
                    if pre {
                        self.out.push_verbatim(s, r.start);
                        continue;
                    }
                    for (off, c) in s.char_indices() {
                        let at = r.start + off;
                        if c.is_whitespace() {
                            if !self.out.ends_with_space() {
                                if c == ' ' {
                                    self.out.push_verbatim(" ", at);
                                } else {
                                    self.out.push_mapped(" ", at..at + c.len_utf8());
                                }
                            }
                        } else {
                            self.out.push_verbatim(&s[off..off + c.len_utf8()], at);
                        }
                    }
                }
                Seg::Char(c, r) => {
                    if c.is_whitespace() && !pre {
                        if !self.out.ends_with_space() {
                            self.out.push_mapped(" ", r.clone());
                        }
                    } else {
                        let mut buf = [0u8; 4];
                        self.out.push_mapped(c.encode_utf8(&mut buf), r.clone());
                    }
                }
            }
        }
    }
}

fn first_offset(dom: &Dom, i: usize) -> Option<usize> {
    let mut stack = vec![i];
    while let Some(n) = stack.pop() {
        match &dom.nodes[n].kind {
            Kind::Text(segs) => {
                if let Some(s) = segs.first() {
                    return Some(match s {
                        Seg::Verbatim(r) | Seg::Char(_, r) => r.start,
                    });
                }
            }
            Kind::Break(at) => return Some(*at),
            Kind::Marker(_, r) => return Some(r.start),
            Kind::Element { .. } => stack.extend(dom.nodes[n].children.iter().rev()),
        }
    }
    None
}

fn last_offset(dom: &Dom, i: usize) -> Option<usize> {
    let mut stack = vec![i];
    while let Some(n) = stack.pop() {
        match &dom.nodes[n].kind {
            Kind::Text(segs) => {
                if let Some(s) = segs.last() {
                    return Some(match s {
                        Seg::Verbatim(r) | Seg::Char(_, r) => r.end,
                    });
                }
            }
            Kind::Break(at) => return Some(*at),
            Kind::Marker(_, r) => return Some(r.end),
            Kind::Element { .. } => stack.extend(dom.nodes[n].children.iter()),
        }
    }
    None
}

/// Extract the main text of an HTML page (or fragment).
pub fn extract(src: &str) -> (String, OffsetMap) {
    let (text, map, _) = extract_with_code(src);
    (text, map)
}

/// Text to write into HTML (a restored suggestion put in a page): `&`, `<` and `>` escaped, so
/// it reads back as the same words and never as markup.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// [`extract`], with the ranges of the text that are inline code (`<code>` outside `<pre>`,
/// `<kbd>`, `<samp>`): kept for the sentence's sake, but nothing in them is to be reported or
/// rewritten.
pub fn extract_with_code(src: &str) -> (String, OffsetMap, Vec<Range<usize>>) {
    let dom = Dom::parse(src);
    let m = measure(&dom);
    let chosen = select(&dom, &m);
    let run = |nodes: &[usize]| {
        let mut e = Emitter {
            dom: &dom,
            m: &m,
            out: TextBuilder::new(),
            code: Vec::new(),
        };
        // A suppression marker anywhere in the page (e.g. in <head>) applies to the whole page.
        // It is mapped to the page's start so that the map stays monotonic.
        if let Some(text) = dom.nodes.iter().find_map(|n| match &n.kind {
            Kind::Marker(t, _) if t.contains(crate::engine::IGNORE_FILE) => Some(t),
            _ => None,
        }) {
            e.out.push_mapped(&format!("{text}\n\n"), 0..0);
        }
        for &n in nodes {
            e.emit(n, false, 0);
            e.out.block_break(e.end_of(n));
        }
        let (text, map) = e.out.finish();
        let mut code = e.code;
        code.retain_mut(|r| {
            r.end = r.end.min(text.len());
            r.start < r.end
        });
        (text, map, code)
    };
    let (text, map, code) = run(&chosen);
    let article_chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chosen != [0] && article_chars < MIN_ARTICLE_CHARS && m[0].chars > article_chars {
        return run(&[0]);
    }
    (text, map, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!DOCTYPE html>
<html><head><title>Site — Story</title><style>p { color: red }</style>
<script>var x = "<p>not text</p>"; if (a < b) {}</script></head>
<body class="post-template-default single has-sidebar">
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav></header>
<div id="page"><main id="main" class="site-main">
<article class="post entry">
<h1 class="entry-title">Head of state visits R&amp;D centre</h1>
<div class="entry-content">
<p>The head of state visited the research centre on Monday, where engineers showed the latest prototypes, and spoke with staff about funding.</p>
<p>Officials said the visit, which lasted three hours, was part of a wider tour of the region&#8217;s industrial sites, as well as several universities.</p>
<p>Café owners nearby said the streets were closed for the whole afternoon, which annoyed customers but pleased the police.</p>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Twitter</a></li><li><a href="#">Facebook</a></li></ul></div>
<div class="jp-relatedposts"><h3>Related</h3><p><a href="/a">Another story about something else entirely</a></p></div>
</div></article>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply <small><a href="#">Cancel reply</a></small></h3>
<form><p>Your email address will not be published.</p><textarea></textarea></form></div></div>
</main>
<aside class="widget-area"><section class="widget"><h2>Recent Posts</h2><ul><li><a href="/p">Post one</a></li></ul></section></aside>
</div>
<footer class="site-footer"><p>Copyright 2024 Some Site. All rights reserved. Powered by WordPress and a theme.</p></footer>
</body></html>"##;

    #[test]
    fn extracts_article_and_drops_furniture() {
        let (text, _) = extract(PAGE);
        assert!(
            text.starts_with("Head of state visits R&D centre\n\nThe head of state visited"),
            "{text}"
        );
        assert!(text.contains("region’s industrial sites"));
        assert!(text.ends_with("pleased the police."), "{text}");
        for junk in [
            "Home",
            "Share this",
            "Twitter",
            "Related",
            "Another story",
            "Leave a Reply",
            "email address",
            "Recent Posts",
            "Copyright",
            "not text",
            "color",
            "Site — Story",
        ] {
            assert!(!text.contains(junk), "{junk:?} in {text}");
        }
    }

    #[test]
    fn offsets_map_to_the_page_bytes() {
        let (text, map) = extract(PAGE);
        // Entities map to the whole entity; multibyte text maps exactly.
        let at = text.find("R&D").unwrap();
        assert_eq!(&PAGE[map.to_source(at..at + 3)], "R&amp;D");
        let at = text.find("region’s").unwrap();
        assert_eq!(
            &PAGE[map.to_source(at..at + "region’s".len())],
            "region&#8217;s"
        );
        let at = text.find("Café owners").unwrap();
        assert_eq!(
            &PAGE[map.to_source(at..at + "Café owners".len())],
            "Café owners"
        );
        let at = text.find("as well as").unwrap();
        assert_eq!(&PAGE[map.to_source(at..at + 10)], "as well as");
        // Every char-boundary span maps to a valid, ordered source span.
        for (a, _) in text.char_indices().step_by(7) {
            let r = map.to_source(a..text.len());
            assert!(r.start <= r.end && r.end <= PAGE.len());
            assert!(PAGE.is_char_boundary(r.start) && PAGE.is_char_boundary(r.end));
        }
    }

    #[test]
    fn fragments_fall_back_to_all_text() {
        let (text, map) = extract("Hello <b>bold</b> &amp; <i>world</i>");
        assert_eq!(text, "Hello bold & world");
        assert_eq!(map.to_source(6..10), 9..13);
        let (text, _) = extract("<p>one<p>two<ul><li>three<li>four</ul>");
        assert_eq!(text, "one\n\ntwo\n\nthree\nfour");
    }

    #[test]
    fn suppression_comment_is_kept() {
        let (text, _) = extract("<p>A quoted phrase <!-- unspin: ignore --> here.</p>");
        assert!(text.contains("unspin: ignore"), "{text}");
        let (text, _) = extract("<head><!-- unspin: ignore-file --></head><p>Body.</p>");
        assert!(text.contains("unspin: ignore-file"), "{text}");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let deep = "<div>".repeat(10_000) + "x" + &"</div>".repeat(10_000);
        let (text, _) = extract(&deep);
        assert_eq!(text, "x");
        for s in [
            "<",
            "&",
            "&#",
            "&#x110000;",
            "<!--",
            "<a href='",
            "</p></p>",
            "\r\n\r\n",
            "<pre>\n a\r\n</pre>",
        ] {
            let (text, map) = extract(s);
            let r = map.to_source(0..text.len());
            assert!(r.end <= s.len());
        }
    }
}
