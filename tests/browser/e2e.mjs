// End-to-end test of the unspin web page in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core; no browser is downloaded). Run by scripts/ci-browser.sh.
//
// It starts the real `unspin serve` on a free loopback port with a small rules file, pastes the
// project's own fixture and then ../shared/eval/dev/seed001.spun.txt, clicks Check, and checks
// that the highlights, their tooltips (mouse and keyboard), the score and the restored text
// appear; that the page fits a phone's width; that a file can be opened; that a pasted HTML page
// is read as its prose (and as plain text when asked), as the CLI reads it; that an HTML report
// written by `unspin check --format html` renders the same view offline. It saves a screenshot
// of the seed001 result to docs/screenshot.png. It then checks that the page never shows results
// that are not those of the last check: a second Ctrl+Enter while a check runs is ignored, an
// answer that comes after Clear is dropped, and an error (413, a bad minimum confidence, a server
// that cannot be reached, an answer that is not JSON) or a newly opened file clears them.
//
// Environment: UNSPIN_BIN (the binary), UNSPIN_REPO (repository root), UNSPIN_SHARED (the shared
// data folder; the seed001 part is skipped with a message when it is absent), CHROMIUM
// (default /usr/bin/chromium), UNSPIN_SCREENSHOT (where to save the screenshot; default
// docs/screenshot.png).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const repo = process.env.UNSPIN_REPO ?? path.resolve(import.meta.dirname, "../..");
const bin = process.env.UNSPIN_BIN ?? path.join(repo, "target/debug/unspin");
const shared = process.env.UNSPIN_SHARED ?? path.resolve(repo, "../shared");
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
// Relative to the repository (the processes run there), so rule ids read `user:tests/fixtures/...`.
const rules = "tests/fixtures/serve-rules.toml";
const samplePath = path.join(repo, "tests/fixtures/serve-sample.txt");
const screenshot = process.env.UNSPIN_SCREENSHOT ?? path.join(repo, "docs/screenshot.png");

let failures = 0;
function check(cond, what) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

function startServer(indexDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--rules", rules, "--index", indexDir], {
      cwd: repo,
      stdio: ["ignore", "inherit", "pipe"],
    });
    let err = "";
    const timer = setTimeout(() => reject(new Error(`unspin serve did not start in 60 s:\n${err}`)), 60000);
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`unspin serve exited with ${code}:\n${err}`));
    });
  });
}

// Mirror of what the engine reports for `text`, straight from the API: the page must show
// exactly these spans.
async function apiFindings(url, text) {
  const r = await fetch(new URL("v1/check", url), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text }),
  });
  if (!r.ok) throw new Error(`/v1/check answered ${r.status}`);
  return (await r.json()).findings;
}

async function runCheck(page, text) {
  await page.fill("#input", text);
  await page.click("#check");
  // Done when the status says so and, with an index, the sources have been looked up too.
  await page.waitForFunction(() => {
    const s = document.getElementById("status");
    return (/Checked \d+ words/.test(s.textContent) && !s.textContent.includes("Looking for sources")) ||
      s.classList.contains("error");
  }, null, { timeout: 60000 });
  return page.textContent("#status");
}

// A source index of the project's own fixtures, so that the page can show sources side by side.
const indexDir = mkdtempSync(path.join(tmpdir(), "unspin-index-"));
const added = spawnSync(bin, ["index", "add", "--index", indexDir,
  path.join(repo, "tests/fixtures/serve-source.txt"), path.join(repo, "tests/fixtures/serve-unrelated.txt")], { encoding: "utf8" });
if (added.status !== 0) throw new Error(`unspin index add failed: ${added.stderr}`);
const { child, url } = await startServer(indexDir);
// Never leave the server behind (it shares our stdout), even when the test dies on an error.
process.on("exit", () => { if (child.exitCode === null) child.kill("SIGKILL"); });
const profile = mkdtempSync(path.join(tmpdir(), "unspin-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
  await page.goto(url);
  check(await page.isVisible("#input"), "the page shows the text box");
  check((await page.getAttribute("#input", "id")) === "input" && (await page.locator("label[for=input]").count()) === 1,
    "the text box has a label");

  // Empty input: a clear message, no request.
  await page.click("#check");
  check((await page.textContent("#status")).includes("Paste or open a text first"), "empty input gives a clear message");

  // The project's own fixture: known phrases, with characters outside the BMP before them.
  const sample = readFileSync(samplePath, "utf8");
  const expected = await apiFindings(url, sample);
  check(expected.length >= 4, `the API finds the fixture's phrases (${expected.length} findings)`);
  const status = await runCheck(page, sample);
  check(/Checked \d+ words/.test(status), `check completes: "${status.trim()}"`);
  const marks = await page.$$eval("mark.f", (ms) => ms.map((m) => m.textContent));
  check(JSON.stringify(marks) === JSON.stringify(expected.map((f) => f.text)),
    `every finding is highlighted at its exact span, past emoji and 𝒜 (${marks.join(" | ")})`);
  for (const phrase of ["counterfeit consciousness", "an irregular woodland", "huge information"]) {
    check(marks.includes(phrase), `"${phrase}" is highlighted`);
  }
  check(/^\d\.\d\d$/.test(await page.textContent("[data-testid=score]")), "the document score is shown");
  check(await page.isVisible(".verdict"), "the verdict is shown");

  // Hover shows the suggestion and the confidence.
  await page.hover("mark.f >> nth=0");
  await page.waitForSelector("#tip:not([hidden])");
  const tip = await page.textContent("#tip");
  check(tip.includes(expected[0].suggestion) && /confidence \d+%/.test(tip),
    `hovering a highlight shows its suggestion and confidence ("${tip}")`);

  // Keyboard: Tab reaches the highlights and shows the same tooltip; Escape hides it.
  await page.mouse.move(0, 0);
  await page.focus("#clear");
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.matches("mark.f") ?? false);
  }
  check(reached, "Tab reaches a highlight");
  check(await page.isVisible("#tip"), "focusing a highlight shows its tooltip");
  await page.keyboard.press("Escape");
  check(await page.isHidden("#tip"), "Escape hides the tooltip");

  // Restored text: the word diff, and the clean text once changes are hidden.
  const ins = await page.$$eval("[data-testid=restored] ins", (xs) => xs.map((x) => x.textContent));
  check(ins.some((t) => t.includes("artificial intelligence")) && ins.some((t) => t.includes("random forest")),
    "the restored text shows the insertions");
  const r = await fetch(new URL("v1/restore", url), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: sample }),
  });
  const restored = (await r.json()).restored;
  await page.click("text=Hide changes");
  const shown = await page.evaluate(() => document.querySelector("[data-testid=restored]").innerText);
  check(shown === restored, "with changes hidden, the restored panel reads exactly as /v1/restore");

  // With an index, the sources appear beside the text, sentence by sentence.
  await runCheck(page, readFileSync(path.join(repo, "tests/fixtures/serve-spun-copy.txt"), "utf8"));
  await page.waitForSelector("[data-testid=sources]", { timeout: 60000 });
  const sources = await page.textContent("[data-testid=sources]");
  check(sources.includes("serve-source.txt") && !sources.includes("serve-unrelated.txt"),
    "the spun copy's source is found, the unrelated text is not");
  const pairs = await page.locator("[data-testid=pair]").count();
  check(pairs >= 5, `the sources panel aligns the sentences (${pairs} pairs)`);
  const firstPair = await page.locator("[data-testid=pair]").first().innerText();
  check(/board[\s\S]*council/.test(firstPair), `an aligned pair shows the spun word and the source's (${firstPair.replace(/\s+/g, " ").slice(0, 120)})`);
  await page.click("#clear");

  // Phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the page fits a 375 px wide screen (overflow ${overflow} px)`);
  await page.setViewportSize({ width: 1280, height: 900 });

  // A text the score reads as spinner-like with no finding says where its score comes from.
  const styleOnly = "We studied this as well as that, and more as well as less.";
  const styleAnswer = await (await fetch(new URL("v1/check", url), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text: styleOnly }),
  })).json();
  check(styleAnswer.verdict !== "clean" && styleAnswer.findings.length === 0,
    `the style-only text is judged ${styleAnswer.verdict} with ${styleAnswer.findings.length} findings`);
  await runCheck(page, styleOnly);
  check((await page.textContent("article.doc")).includes("the score reads the text as a whole"),
    "a score above clean without findings is explained, not shown beside \"Nothing suspicious found\"");

  // A text in another language is named and not judged.
  const french = "Le président de la République a annoncé mardi une série de mesures destinées à " +
    "soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides devraient entrer " +
    "en vigueur dès le mois prochain et concerner plusieurs millions de foyers.";
  await runCheck(page, french);
  check((await page.textContent("article.doc")).includes("not written in English (language code \u201cfra\u201d)"),
    "a French text is named as such and not judged");
  // With a known phrase in it, the findings are shown and the language still named.
  await runCheck(page, french + " Le laboratoire parie sur la counterfeit consciousness pour lire les jauges.");
  check((await page.$$("mark.f")).length >= 1 &&
    (await page.textContent("article.doc")).includes("not written in English"),
    "a French text with a known phrase shows the finding and still names its language");

  // Opening a file fills the text box.
  await page.click("#clear");
  await page.setInputFiles("#file", samplePath);
  await page.waitForFunction(() => document.getElementById("input").value.length > 0);
  check((await page.inputValue("#input")) === sample, "opening a file puts its text in the box");

  // A pasted HTML page is read as `unspin check page.html` reads it: its prose, not its script;
  // the highlights sit on the words in its source, and the restored page keeps its markup.
  const htmlPage = "<!doctype html><html><head><title>Lab</title>" +
    "<script>var s = 'counterfeit consciousness';</script></head><body>\n" +
    "<p>The lab is betting on <b>counterfeit</b> consciousness and trained an irregular woodland " +
    "on huge information from every station along the river.</p>\n</body></html>\n";
  await page.click("#clear");
  const htmlFindings = await apiFindings(url, htmlPage);
  const htmlStatus = await runCheck(page, htmlPage);
  check(htmlStatus.includes("Read as HTML"), `a pasted HTML page is read as HTML ("${htmlStatus.trim()}")`);
  const htmlMarks = await page.$$eval("mark.f", (ms) => ms.map((m) => m.textContent));
  check(JSON.stringify(htmlMarks) === JSON.stringify(htmlFindings.map((f) => f.text)) &&
    JSON.stringify(htmlMarks) === JSON.stringify(["counterfeit", "consciousness", "an irregular woodland", "huge information"]),
    `the page's prose is highlighted, not its script (${htmlMarks.join(" | ")})`);
  const htmlRestored = (await (await fetch(new URL("v1/restore", url), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: htmlPage }),
  })).json()).restored;
  check(htmlRestored.includes("<b>artificial</b> intelligence") && htmlRestored.includes("'counterfeit consciousness'"),
    "the restored page keeps its markup and its script");
  await page.click("text=Hide changes");
  const htmlShown = await page.evaluate(() => document.querySelector("[data-testid=restored]").innerText);
  check(htmlShown === htmlRestored, "with changes hidden, the restored panel reads exactly as /v1/restore");
  // Asked to read it as plain text, the page's tags and script are text.
  await page.selectOption("#format", "text");
  const asText = await runCheck(page, htmlPage);
  check(!asText.includes("Read as"), `read as plain text when asked ("${asText.trim()}")`);
  // A file's extension chooses the format, as on the command line; Clear goes back to Auto.
  const htmlFileDir = mkdtempSync(path.join(tmpdir(), "unspin-page-"));
  writeFileSync(path.join(htmlFileDir, "page.html"), htmlPage);
  await page.setInputFiles("#file", path.join(htmlFileDir, "page.html"));
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Opened"));
  check((await page.inputValue("#format")) === "html", "opening page.html reads it as HTML");
  await page.click("#clear");
  check((await page.inputValue("#format")) === "auto", "Clear sets the format back to Auto");
  rmSync(htmlFileDir, { recursive: true, force: true });

  // seed001, the real spun article.
  const seedPath = path.join(shared, "eval/dev/seed001.spun.txt");
  if (existsSync(seedPath)) {
    const seed = readFileSync(seedPath, "utf8");
    const seedFindings = await apiFindings(url, seed);
    await runCheck(page, seed);
    const n = await page.locator("mark.f").count();
    check(n === seedFindings.length && n >= 5, `seed001: ${n} highlights, as many as the API's findings`);
    // The screenshot: the score and the first highlights, one of them hovered.
    await page.evaluate(() => window.scrollTo(0, document.getElementById("results").offsetTop - 12));
    await page.hover("mark.f >> nth=0");
    await page.waitForSelector("#tip:not([hidden])");
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`     screenshot saved to ${path.relative(repo, screenshot)}`);
  } else {
    console.log(`skip seed001: ${seedPath} is absent (the shared data is not beside the repository)`);
  }
  check(pageErrors.length === 0, `no script errors on the page (${pageErrors.join("; ")})`);

  // The self-contained HTML report renders the same view from a file, with no server.
  const reportDir = mkdtempSync(path.join(tmpdir(), "unspin-report-"));
  const reportFile = path.join(reportDir, "report.html");
  const out = spawnSync(bin, ["check", "--format", "html", "--rules", rules, samplePath], { cwd: repo, encoding: "utf8" });
  check(out.status === 1, `unspin check --format html exits 1 when it finds something (got ${out.status}: ${out.stderr})`);
  writeFileSync(reportFile, out.stdout);
  const requests = [];
  const report = await context.newPage();
  report.on("request", (req) => { if (!req.url().startsWith("file:")) requests.push(req.url()); });
  await report.goto("file://" + reportFile);
  const reportMarks = await report.$$eval("mark.f", (ms) => ms.map((m) => m.textContent));
  check(JSON.stringify(reportMarks) === JSON.stringify(marks), "the HTML report highlights the same spans");
  check(await report.isHidden("#input-panel"), "the report has no input box");
  check(requests.length === 0, `the report loads nothing from the network (${requests.join(", ")})`);
  await report.close();

  // An input the report could not check is named on the page with its reason.
  const badFile = path.join(reportDir, "bad.txt");
  writeFileSync(badFile, Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0x0a]));
  const failed = spawnSync(bin, ["check", "--fast", "--format", "html", samplePath, badFile], { cwd: repo, encoding: "utf8" });
  check(failed.status === 2, `a report with an unreadable input exits 2 (got ${failed.status})`);
  const failedFile = path.join(reportDir, "failed.html");
  writeFileSync(failedFile, failed.stdout);
  const failedPage = await context.newPage();
  await failedPage.goto("file://" + failedFile);
  const problems = await failedPage.$$eval("section.problems li", (ls) => ls.map((l) => l.textContent));
  check(problems.length === 1 && problems[0].includes("bad.txt") && problems[0].includes("invalid UTF-8"),
    `the report names the input it could not check (${JSON.stringify(problems)})`);
  check((await failedPage.$$("article.doc")).length === 1, "and still shows the document it checked");
  await failedPage.close();
  rmSync(reportDir, { recursive: true, force: true });

  // ---- Stale results: what is on screen is always the last check's, or nothing. ----
  // (After the script-error check above: the failed requests below log console errors.)
  const spunCopy = readFileSync(path.join(repo, "tests/fixtures/serve-spun-copy.txt"), "utf8");
  const articles = () => page.locator("#results article").count();
  const statusText = () => page.textContent("#status");
  // Done when the Check button is usable again (a failed wait is reported by the checks after it).
  const settled = () => page.waitForFunction(() => !document.getElementById("check").disabled, null, { timeout: 30000 })
    .catch(() => console.log("     (the Check button stayed disabled for 30 s)"));
  // Hold back the first answer of `route` by `ms`; count the requests.
  async function slowFirst(route, ms) {
    const seen = { n: 0 };
    await page.route("**/" + route, async (r) => {
      seen.n++;
      if (seen.n === 1) await new Promise((res) => setTimeout(res, ms));
      await r.continue().catch(() => {}); // the route may have been removed meanwhile
    });
    return seen;
  }

  // Ctrl+Enter while a check runs starts no second check, so no older answer can win.
  await page.fill("#minconf", "");
  let restores = await slowFirst("v1/restore", 1500);
  await page.fill("#input", sample);
  await page.focus("#input");
  await page.keyboard.press("Control+Enter");
  await page.waitForTimeout(100);
  await page.fill("#input", "The city council voted on Tuesday to approve a new budget.");
  await page.keyboard.press("Control+Enter");
  await settled();
  await page.waitForTimeout(500);
  check(restores.n === 1, `Ctrl+Enter during a check starts no second check (${restores.n} requests)`);
  const shownText = await page.evaluate(() => document.querySelector("[data-testid=highlighted]")?.textContent ?? "");
  check(shownText === sample, "the results shown are those of the check that ran");
  await page.unroute("**/v1/restore");

  // Clear during a check: the answer that comes afterwards is dropped.
  restores = await slowFirst("v1/restore", 1000);
  await page.fill("#input", sample);
  await page.click("#check");
  await page.waitForTimeout(100);
  await page.click("#clear");
  await page.waitForTimeout(1600);
  check((await articles()) === 0 && (await statusText()) === "",
    `an answer that arrives after Clear is dropped (${await articles()} results, status "${await statusText()}")`);
  check(!(await page.isDisabled("#check")), "Clear during a check leaves the Check button usable");
  await page.unroute("**/v1/restore");

  // Clear also resets the minimum confidence.
  await page.fill("#minconf", "0.5");
  await page.click("#clear");
  check((await page.inputValue("#minconf")) === "", "Clear empties the minimum-confidence box");

  // An error clears the results of the text before: a body over the limit (413)...
  await runCheck(page, sample);
  check((await articles()) === 1, "results are shown before the error cases");
  await page.fill("#input", "word ".repeat(450000));
  await page.click("#check");
  await settled();
  check((await statusText()).includes("larger than the limit") && (await articles()) === 0,
    `a 413 clears the previous results ("${(await statusText()).slice(0, 80)}")`);

  // ...a minimum confidence that is not a number (reported, not replaced by the default)...
  await runCheck(page, sample);
  restores = { n: 0 };
  await page.route("**/v1/restore", (r) => { restores.n++; return r.continue().catch(() => {}); });
  await page.focus("#minconf");
  await page.keyboard.type("1e");
  await page.click("#check");
  check((await statusText()).includes("Minimum confidence must be a number") && restores.n === 0 && (await articles()) === 0,
    `a junk minimum confidence is reported and clears the results ("${await statusText()}", ${restores.n} requests)`);
  await page.fill("#minconf", "");
  await page.unroute("**/v1/restore");

  // ...a server that cannot be reached...
  await runCheck(page, sample);
  await page.route("**/v1/restore", (r) => r.abort("connectionrefused"));
  await page.click("#check");
  await settled();
  check((await statusText()).includes("could not reach the server") && (await articles()) === 0,
    `an unreachable server clears the results ("${await statusText()}")`);
  await page.unroute("**/v1/restore");

  // ...an answer that is not JSON (a proxy's error page) is named as such...
  await runCheck(page, sample);
  await page.route("**/v1/restore", (r) => r.fulfill({ status: 502, contentType: "text/html", body: "<html>Bad gateway</html>" }));
  await page.click("#check");
  await settled();
  check((await statusText()).includes("answered unexpectedly") && (await articles()) === 0,
    `a restore answer that is not JSON says so ("${await statusText()}")`);
  await page.unroute("**/v1/restore");

  // ...and so is a /v1/trace answer that is not JSON (the check's own results stay).
  await page.route("**/v1/trace", (r) => r.fulfill({ status: 502, contentType: "text/html", body: "<html>Bad gateway</html>" }));
  const traced = await runCheck(page, spunCopy);
  check(traced.includes("answered unexpectedly") && !traced.includes("could not reach") && (await articles()) === 1,
    `a trace answer that is not JSON says the server answered unexpectedly ("${traced}")`);
  await page.unroute("**/v1/trace");

  // Opening a file clears the results of the text it replaces.
  await runCheck(page, sample);
  await page.setInputFiles("#file", path.join(repo, "tests/fixtures/serve-unrelated.txt"));
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("Opened"));
  check((await articles()) === 0, "opening a file clears the previous text's results");
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  child.kill("SIGINT");
  rmSync(indexDir, { recursive: true, force: true });
}

if (failures) {
  console.log(`${failures} browser check(s) failed`);
  process.exit(1);
}
console.log("browser test passed");
