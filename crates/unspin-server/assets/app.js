// unspin page: the same script runs in the served page (talks to /v1/*) and in the
// self-contained report written by `unspin check --format html` (reads the embedded JSON).
// Findings carry UTF-8 byte offsets; JavaScript strings are UTF-16, so texts are cut on their
// UTF-8 bytes and each piece decoded, never indexed by JavaScript string positions.
(function () {
  "use strict";

  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "class") node.className = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function pct(x) { return Math.round(x * 100) + "%"; }

  // Cut `text` at the findings' byte spans: [{text, finding, index}] in order.
  function segments(text, findings) {
    var bytes = encoder.encode(text);
    var out = [];
    var last = 0;
    findings.forEach(function (f, i) {
      if (f.start < last || f.end > bytes.length || f.start > f.end) return;
      if (f.start > last) out.push({ text: decoder.decode(bytes.subarray(last, f.start)) });
      out.push({ text: decoder.decode(bytes.subarray(f.start, f.end)), finding: f, index: i });
      last = f.end;
    });
    if (last < bytes.length) out.push({ text: decoder.decode(bytes.subarray(last)) });
    return out;
  }

  var tipData = new Map();

  // A listed phrase whose original is unknown comes with its own text as the suggestion: it is
  // shown as unknown, and the restored text keeps it.
  function knowsOriginal(f) {
    var norm = function (s) { return s.toLowerCase().split(/\s+/).filter(Boolean).join(" "); };
    return norm(f.suggestion) !== norm(f.text);
  }

  function describe(f) {
    var alts = (f.alternatives || []).filter(function (a) { return a !== f.suggestion; });
    return {
      suggestion: knowsOriginal(f) ? f.suggestion : "unknown (a listed phrase with no known original)",
      alternatives: alts,
      line: "confidence " + pct(f.confidence) + " · " + f.rule,
      message: f.message || ""
    };
  }

  function markFor(seg, docIndex) {
    var f = seg.finding;
    var id = "d" + docIndex + "-f" + seg.index;
    var mark = el("mark", {
      id: id,
      class: "f" + (f.confidence >= 0.8 ? " strong" : ""),
      tabindex: 0,
      "aria-describedby": "tip",
      "data-confidence": f.confidence.toFixed(2)
    }, seg.text);
    tipData.set(id, describe(f));
    return mark;
  }

  // A score rounded to two decimals but never across a verdict threshold (0.35, 0.7): an
  // uncertain 0.6996 shows 0.69, not 0.70, so the number and the verdict beside it agree.
  function shownScore(score, verdict) {
    var shown = Math.round(score * 100) / 100;
    if (verdict === "uncertain" && shown >= 0.7) shown = 0.69;
    if (verdict === "clean" && shown >= 0.35) shown = 0.34;
    return shown.toFixed(2);
  }

  function summaryPanel(doc, report) {
    var verdict = el("span", { class: "verdict " + doc.verdict, text: doc.verdict });
    var meter = el("meter", { class: "meter", min: 0, max: 1, low: 0.35, high: 0.7, optimum: 0,
      value: doc.score, "aria-label": "spin score" });
    var n = doc.findings.length;
    var panel = el("section", { class: "panel summary-panel", "aria-label": "Document score" },
      report ? el("p", { class: "doc-name", text: doc.name }) : null,
      el("div", { class: "summary" },
        el("span", null, el("span", { class: "muted", text: "Spin score " }),
          el("span", { class: "score", "data-testid": "score", text: shownScore(doc.score, doc.verdict) })),
        meter, verdict,
        el("span", { class: "muted", "data-testid": "count",
          text: n + (n === 1 ? " suspicious span" : " suspicious spans") + " in " + doc.words + " words" })));
    return panel;
  }

  function highlightPanel(doc, docIndex) {
    var body = el("div", { class: "text", "data-testid": "highlighted" });
    segments(doc.text, doc.findings).forEach(function (seg) {
      body.appendChild(seg.finding ? markFor(seg, docIndex) : document.createTextNode(seg.text));
    });
    return el("section", { class: "panel", "aria-labelledby": "hl-" + docIndex },
      el("div", { class: "toolbar" }, el("h3", { id: "hl-" + docIndex, text: "Highlighted text" }),
        el("span", { class: "muted", text: "Hover, tap or Tab to a highlight for its suggestion" })),
      body);
  }

  function restoredPanel(doc, docIndex) {
    var body = el("div", { class: "text", "data-testid": "restored" });
    segments(doc.text, doc.findings).forEach(function (seg) {
      if (!seg.finding || !knowsOriginal(seg.finding)) { body.appendChild(document.createTextNode(seg.text)); return; }
      body.appendChild(el("del", { title: "spun" }, el("span", { class: "sr-only", text: "[removed: " }),
        seg.text, el("span", { class: "sr-only", text: "]" })));
      body.appendChild(el("ins", { title: "restored" }, el("span", { class: "sr-only", text: "[inserted: " }),
        seg.finding.suggestion, el("span", { class: "sr-only", text: "]" })));
    });
    var toggle = el("button", { type: "button", "aria-pressed": "false", text: "Hide changes" });
    toggle.addEventListener("click", function () {
      var plain = body.classList.toggle("plain");
      toggle.setAttribute("aria-pressed", String(plain));
      toggle.textContent = plain ? "Show changes" : "Hide changes";
    });
    var copy = el("button", { type: "button", text: "Copy" });
    copy.addEventListener("click", function () {
      var restored = doc.restored;
      var done = function () { copy.textContent = "Copied"; setTimeout(function () { copy.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(restored).then(done, function () { selectNode(body); });
      } else {
        selectNode(body);
      }
    });
    return el("section", { class: "panel", "aria-labelledby": "rs-" + docIndex },
      el("div", { class: "toolbar" }, el("h3", { id: "rs-" + docIndex, text: "Restored text (word diff)" }), toggle, copy),
      body);
  }

  function selectNode(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // What the page says of a text not written in English, whether or not known phrases were found.
  function languageNote(doc) {
    return "This text is not written in English (" + (doc.language === "und" ?
      "its language is undetermined" : "language code \u201c" + doc.language + "\u201d") + "): " +
      "unspin\u2019s models read English only, so only known phrases were looked for.";
  }

  function findingsPanel(doc, docIndex) {
    if (!doc.findings.length) {
      // A score above "clean" with no finding comes from the text's style as a whole (how often
      // it writes "as well as" for "and", garbled passages): say so rather than look contradictory.
      var why = doc.language ? languageNote(doc) :
        doc.verdict === "clean" ? "Nothing suspicious found." :
        "No single span is sure enough to flag; the score reads the text as a whole (how often it " +
        "writes \u201cas well as\u201d for \u201cand\u201d, padding such as \u201chas actually\u201d, " +
        "garbled passages).";
      return el("section", { class: "panel" }, el("h3", { text: "Findings" }),
        el("p", { class: "muted", text: why }));
    }
    var rows = doc.findings.map(function (f, i) {
      var go = el("button", { type: "button", class: "link", text: f.text });
      go.addEventListener("click", function () {
        var m = byId("d" + docIndex + "-f" + i);
        if (m) { m.scrollIntoView({ block: "center" }); m.focus(); }
      });
      return el("tr", null,
        el("td", { class: "num", text: String(i + 1) }), el("td", null, go),
        el("td", null, knowsOriginal(f) ? el("strong", { text: f.suggestion }) : el("span", { class: "muted", text: "unknown" }),
          (f.alternatives || []).length ? el("div", { class: "muted", text: "also: " + f.alternatives.join(", ") }) : null),
        el("td", { class: "num", text: pct(f.confidence) }), el("td", { text: f.rule }));
    });
    var table = el("table", { class: "findings" },
      el("caption", { class: "sr-only", text: "Suspicious spans in document order" }),
      el("thead", null, el("tr", null, el("th", { scope: "col", text: "#" }), el("th", { scope: "col", text: "Spun" }),
        el("th", { scope: "col", text: "Likely original" }), el("th", { scope: "col", text: "Confidence" }),
        el("th", { scope: "col", text: "Rule" }))),
      el("tbody", null));
    rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
    return el("section", { class: "panel", "aria-labelledby": "fl-" + docIndex },
      el("h3", { id: "fl-" + docIndex, text: "Findings" }),
      doc.language ? el("p", { class: "muted", text: languageNote(doc) }) : null,
      el("div", { class: "table-wrap" }, table));
  }

  // The part `span` of a UTF-8 `bytes` text, with the sub-spans `marks` wrapped in `tag`.
  function markedSlice(bytes, span, marks, tag) {
    var node = el("div", { class: "text" });
    var last = span.start;
    marks.filter(function (m) { return m.end > m.start && m.start >= last && m.end <= span.end; })
      .sort(function (a, b) { return a.start - b.start; })
      .forEach(function (m) {
        if (m.start < last) return;
        node.appendChild(document.createTextNode(decoder.decode(bytes.subarray(last, m.start))));
        node.appendChild(el(tag, null, decoder.decode(bytes.subarray(m.start, m.end))));
        last = m.end;
      });
    node.appendChild(document.createTextNode(decoder.decode(bytes.subarray(last, span.end))));
    return node;
  }

  // Sources found by /v1/trace: the ranked matches and, for the best, its sentences beside ours.
  function sourcesPanel(text, answer) {
    var panel = el("section", { class: "panel sources", "aria-labelledby": "src-title", "data-testid": "sources" },
      el("h3", { id: "src-title", text: "Sources" }));
    if (!answer.matches.length) {
      panel.appendChild(el("p", { class: "muted", text: "No source of this text was found in the index." }));
      return panel;
    }
    var list = el("ol", null);
    answer.matches.forEach(function (m) {
      list.appendChild(el("li", null, el("strong", { text: m.id }),
        " — score " + m.score.toFixed(2) + ", covers " + pct(m.coverage) + " of this text"));
    });
    panel.appendChild(list);
    var best = answer.matches[0];
    var q = encoder.encode(text);
    var src = encoder.encode(best.source);
    panel.appendChild(el("div", { class: "pair pair-head" },
      el("strong", { text: "This text (changed words struck through)" }),
      el("strong", { text: "Source: " + best.id + " (its words in green)" })));
    best.alignment.pairs.forEach(function (p) {
      var subs = p.substitutions || [];
      panel.appendChild(el("div", { class: "pair", "data-testid": "pair" },
        markedSlice(q, p.query, subs.map(function (x) { return x.query; }), "del"),
        markedSlice(src, p.source, subs.map(function (x) { return x.source; }), "ins")));
    });
    return panel;
  }

  function renderDoc(doc, docIndex, report) {
    return el("article", { class: "doc", "aria-label": report ? doc.name : "Results" },
      summaryPanel(doc, report),
      el("div", { class: "cols" }, highlightPanel(doc, docIndex), restoredPanel(doc, docIndex)),
      findingsPanel(doc, docIndex));
  }

  // One tooltip for every highlight: shown on hover and on keyboard focus, hidden by Escape.
  var tip = byId("tip");
  var active = null;
  function showTip(mark) {
    var d = tipData.get(mark.id);
    if (!d) return;
    if (active && active !== mark) active.classList.remove("active");
    active = mark;
    mark.classList.add("active");
    tip.textContent = "";
    tip.appendChild(el("div", null, el("span", { class: "meta", text: "likely original: " }),
      el("span", { class: "sugg", text: d.suggestion })));
    if (d.alternatives.length) tip.appendChild(el("div", { class: "meta", text: "or: " + d.alternatives.join(", ") }));
    tip.appendChild(el("div", { class: "meta", text: d.line }));
    if (d.message) tip.appendChild(el("div", { text: d.message }));
    tip.hidden = false;
    var r = mark.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - width - 8));
    var top = window.scrollY + r.bottom + 6;
    if (r.bottom + tip.offsetHeight + 12 > window.innerHeight && r.top > tip.offsetHeight + 12) {
      top = window.scrollY + r.top - tip.offsetHeight - 6;
    }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTip() {
    if (active) active.classList.remove("active");
    active = null;
    tip.hidden = true;
  }
  function markOf(target) {
    return target && target.closest ? target.closest("mark.f") : null;
  }
  document.addEventListener("mouseover", function (e) { var m = markOf(e.target); if (m) showTip(m); });
  document.addEventListener("mouseout", function (e) {
    var m = markOf(e.target);
    if (m && m !== document.activeElement && !m.contains(e.relatedTarget)) hideTip();
  });
  document.addEventListener("focusin", function (e) { var m = markOf(e.target); if (m) showTip(m); else hideTip(); });
  document.addEventListener("focusout", function (e) { if (markOf(e.target)) hideTip(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hideTip(); });
  document.addEventListener("click", function (e) { var m = markOf(e.target); if (m) { m.focus(); showTip(m); } });
  window.addEventListener("resize", hideTip);

  function showResults(docs, report) {
    tipData.clear();
    hideTip();
    var results = byId("results");
    results.textContent = "";
    docs.forEach(function (doc, i) { results.appendChild(renderDoc(doc, i, report)); });
  }

  // ---- report mode: the data is embedded in the page ----
  var embedded = byId("unspin-data");
  if (embedded) {
    var data = JSON.parse(embedded.textContent);
    byId("version").textContent = "unspin " + data.version + " report.";
    document.title = "unspin report — " + (data.docs.length === 1 ? data.docs[0].name : data.docs.length + " documents");
    showResults(data.docs, true);
    var results = byId("results");
    if (!data.docs.length) results.appendChild(el("p", { class: "panel", text: "No documents were checked." }));
    // Inputs the report does not show, and why: nothing is left out silently.
    [["errors", "could not be checked"], ["skipped", "skipped"]].forEach(function (kind) {
      var list = data[kind[0]] || [];
      if (!list.length) return;
      results.appendChild(el("section", { class: "panel problems", "aria-label": "Inputs " + kind[1] },
        el("h2", { text: list.length + (list.length === 1 ? " input " : " inputs ") + kind[1] }),
        el.apply(null, ["ul", null].concat(list.map(function (p) {
          return el("li", null, el("code", { text: p.name }), ": " + p.message);
        })))));
    });
    return;
  }

  // ---- server mode ----
  var panel = byId("input-panel");
  var input = byId("input");
  var button = byId("check");
  var status = byId("status");
  panel.hidden = false;

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
    if (isError) status.setAttribute("role", "alert"); else status.setAttribute("role", "status");
  }

  var health = {};
  var healthReady = fetch("/healthz").then(function (r) { return r.json(); }).then(function (h) {
    health = h;
    byId("version").textContent = "unspin " + h.version + (h.rules ? " · " + h.rules + " rules" : "") +
      (h.model ? " · language model" : "") + ".";
  }).catch(function () { /* the footer is cosmetic */ });

  // A check in progress: its number, so that an answer arriving after Clear, after a file was
  // opened or after a newer check began is dropped instead of replacing newer results.
  var current = 0;
  var busy = false;

  function settle() { busy = false; button.disabled = false; }

  // Results of an earlier text must not stay on screen beside an error about this one.
  function clearResults() {
    tipData.clear();
    hideTip();
    byId("results").textContent = "";
  }

  // POST `body` as JSON: {ok, status, json} (json is null when the answer is not JSON); rejects
  // only when the server could not be reached at all.
  function postJson(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (t) {
        var j = null;
        try { j = JSON.parse(t); } catch (e) { j = null; }
        return { ok: r.ok, status: r.status, json: j };
      });
    });
  }

  // What went wrong with an answer: the server's own message, or that it was not what we expect.
  function problem(res) {
    if (res.json && res.json.error && typeof res.json.error.message === "string") return res.json.error.message;
    return "the server answered unexpectedly (HTTP " + res.status + (res.json ? ")" : ", not JSON)");
  }

  function fail(text) {
    clearResults();
    setStatus(text, true);
  }

  function check() {
    if (busy) return; // Ctrl+Enter while a check runs: the button is disabled, so is the shortcut.
    var text = input.value;
    if (!text.trim()) { clearResults(); setStatus("Paste or open a text first.", true); input.focus(); return; }
    var format = byId("format").value;
    var body = { text: text, format: format };
    var minconf = byId("minconf");
    var mc = minconf.value.trim();
    // A number box holding something that is not a number reads as "": ask it, so that junk
    // is reported instead of silently replaced by the server's threshold.
    if (minconf.validity && minconf.validity.badInput) mc = "invalid";
    if (mc !== "") {
      var v = Number(mc);
      if (!(v >= 0 && v <= 1)) {
        fail("Minimum confidence must be a number between 0 and 1 (or empty for the server's).");
        minconf.focus();
        return;
      }
      body.min_confidence = v;
    }
    var mine = ++current;
    busy = true;
    button.disabled = true;
    setStatus("Checking…");
    var started = performance.now();
    healthReady.then(function () {
      return postJson("/v1/restore", body);
    }).then(function (res) {
      if (mine !== current) return;
      if (!res.ok || !res.json || !Array.isArray(res.json.findings)) {
        fail("Error: " + (res.ok ? "the server answered unexpectedly (HTTP " + res.status + ")" : problem(res)));
        return;
      }
      var doc = res.json;
      doc.text = text;
      doc.name = "pasted text";
      showResults([doc], false);
      var n = doc.findings.length;
      // Markup is checked as the CLI checks a page or a Markdown file: its prose only, with the
      // highlights in its source.
      var readAs = { html: "HTML", markdown: "Markdown" }[doc.format];
      setStatus("Checked " + doc.words + " words in " + Math.round(performance.now() - started) + " ms: " +
        n + (n === 1 ? " suspicious span" : " suspicious spans") + ", verdict " + doc.verdict + "." +
        (readAs ? " Read as " + readAs + ": its prose was checked, not its markup." : "") +
        (health.trace ? " Looking for sources…" : ""));
      if (!health.trace) return;
      var status1 = status.textContent.replace(" Looking for sources…", "");
      return postJson("/v1/trace", { text: text, format: format }).then(function (res) {
        if (mine !== current) return;
        if (!res.ok || !res.json || !Array.isArray(res.json.matches)) {
          setStatus(status1 + " Sources: " + (res.ok ? "the server answered unexpectedly (HTTP " + res.status + ")" : problem(res)), true);
          return;
        }
        byId("results").querySelector("article").appendChild(sourcesPanel(text, res.json));
        var m = res.json.matches.length;
        setStatus(status1 + " " + (m ? m + (m === 1 ? " source" : " sources") + " found." : "No source found."));
      }, function (e) {
        if (mine !== current) return;
        setStatus(status1 + " Sources: could not reach the server (" + e.message + ").", true);
      });
    }).catch(function (e) {
      if (mine !== current) return;
      fail("Error: could not reach the server (" + e.message + ").");
    }).then(function () { if (mine === current) settle(); });
  }

  // Forget the check in progress, if any: its answer will be dropped.
  function abandon() {
    current++;
    settle();
  }

  // The format a file's name gives, as `unspin check` reads it by its extension.
  function formatOf(name) {
    var ext = (/\.([a-z]+)$/i.exec(name) || ["", ""])[1].toLowerCase();
    if (["html", "htm", "xhtml", "shtml"].indexOf(ext) >= 0) return "html";
    if (["md", "markdown", "mdown", "mkd"].indexOf(ext) >= 0) return "markdown";
    return "auto";
  }

  function loadFile(file) {
    if (!file) return;
    file.arrayBuffer().then(function (buf) {
      abandon();
      clearResults();
      try {
        input.value = new TextDecoder("utf-8", { fatal: true }).decode(buf);
        byId("format").value = formatOf(file.name);
        setStatus("Opened " + file.name + " (" + buf.byteLength + " bytes). Press Check.");
      } catch (e) {
        setStatus(file.name + " is not UTF-8 text.", true);
      }
    });
  }

  button.addEventListener("click", check);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
  });
  byId("file").addEventListener("change", function (e) { loadFile(e.target.files[0]); e.target.value = ""; });
  input.addEventListener("dragover", function (e) { e.preventDefault(); });
  input.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { e.preventDefault(); loadFile(e.dataTransfer.files[0]); }
  });
  byId("clear").addEventListener("click", function () {
    abandon();
    input.value = "";
    byId("minconf").value = "";
    byId("format").value = "auto";
    clearResults();
    setStatus("");
    input.focus();
  });
})();
