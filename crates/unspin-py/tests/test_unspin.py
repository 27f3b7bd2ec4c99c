"""Tests of the Python bindings: the calls, their types, and agreement between the batch paths."""

import threading

import pytest

import unspin

pa = pytest.importorskip("pyarrow")

TEXTS = [
    "Head of state Joe Biden said the counterfeit consciousness research as well as the data were sound.",
    "A plain sentence about the weather.",
    "",
    "Unicode: café — naïve résumé, 東京.",
]


def test_check_returns_a_report():
    report = unspin.check(TEXTS[0])
    assert set(report) == {"score", "verdict", "words", "findings"}
    assert 0.0 <= report["score"] <= 1.0
    assert report["verdict"] in {"spun", "uncertain", "clean"}
    assert report["words"] == 17
    for f in report["findings"]:
        assert TEXTS[0].encode()[f["start"] : f["end"]].decode() == f["text"]
        assert TEXTS[0][f["start_char"] : f["end_char"]] == f["text"]


def test_a_text_in_another_language_is_not_judged():
    french = (
        "Le président de la République a annoncé mardi une série de mesures destinées à "
        "soutenir le pouvoir d'achat des ménages. Selon le gouvernement, ces aides devraient "
        "entrer en vigueur dès le mois prochain et concerner plusieurs millions de foyers."
    )
    report = unspin.check(french)
    assert report["language"] == "fra"
    assert report["verdict"] == "uncertain"
    assert report["findings"] == []
    assert "language" not in unspin.check(TEXTS[0])


def test_restore_returns_text():
    assert unspin.restore(TEXTS[1]) == TEXTS[1]
    assert isinstance(unspin.restore(TEXTS[0]), str)


def test_scanner_batches_agree_with_single_calls():
    scanner = unspin.Scanner(fast=False, threads=2)
    scores = scanner.score_batch(TEXTS)
    assert len(scores) == len(TEXTS)
    assert scores == pytest.approx([scanner.check(t)["score"] for t in TEXTS])
    reports = scanner.check_batch(TEXTS)
    assert [r["score"] for r in reports] == pytest.approx(scores)
    assert scanner.restore_batch(TEXTS) == [scanner.restore(t) for t in TEXTS]


@pytest.mark.parametrize("arrow_type", ["string", "large_string", "string_view"])
def test_score_arrow_reads_string_arrays(arrow_type):
    scanner = unspin.Scanner()
    data = TEXTS + [None]
    array = pa.array(data, type=getattr(pa, arrow_type)())
    scores = scanner.score_arrow(array)
    assert scores[-1] is None
    assert scores[:-1] == pytest.approx(scanner.score_batch(TEXTS))


def test_score_arrow_reads_chunked_arrays_and_slices():
    scanner = unspin.Scanner()
    chunked = pa.chunked_array([TEXTS[:2], TEXTS[2:]])
    assert scanner.score_arrow(chunked) == pytest.approx(scanner.score_batch(TEXTS))
    sliced = pa.array(TEXTS).slice(1, 2)
    assert scanner.score_arrow(sliced) == pytest.approx(scanner.score_batch(TEXTS[1:3]))


def test_score_arrow_refuses_strings_that_are_not_utf8():
    # Arrow does not check UTF-8 on the way in (view, from_buffers, IPC files): the bindings
    # must, instead of reading the bytes as text (undefined behaviour: the process died).
    scanner = unspin.Scanner(fast=True)
    for raw in [b"caf\xe9 counterfeit consciousness", b"\xff\xfe\xc3"]:
        bad = pa.array([b"fine", raw]).view(pa.string())
        with pytest.raises(ValueError, match="UTF-8"):
            scanner.score_arrow(bad)
    assert scanner.score_arrow(pa.array(["fine"])) == pytest.approx(scanner.score_batch(["fine"]))


def test_confidences_read_as_the_cli_prints_them():
    # f32 values are handed over as their shortest decimal: 0.95, not 0.949999988.
    report = unspin.check("We used counterfeit consciousness.", fast=True)
    confidences = [f["confidence"] for f in report["findings"]]
    assert 0.95 in confidences, confidences
    assert [f for f in report["findings"] if f["confidence"] >= 0.95]
    # The score too: at most the 9 significant digits an f32 needs, never a widened f32's 17.
    digits = repr(report["score"]).replace("0.", "", 1).lstrip("0").replace(".", "")
    assert len(digits) <= 9, report["score"]


def test_rules_take_a_list_and_say_so(tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text('[[rule]]\nphrase = "zorbly widget"\noriginal = "gear wheel"\nweight = 0.9\n')
    for single in [str(rules), rules]:
        with pytest.raises(TypeError, match=r"for one file, pass \[path\]"):
            unspin.Scanner(rules=single)
    with pytest.raises(TypeError, match="list of rule file paths"):
        unspin.Scanner(rules=[1, 2])
    assert unspin.check("a zorbly widget", rules=[rules], fast=True)["findings"]


def test_restore_takes_a_threshold():
    text = "We used counterfeit consciousness."
    assert unspin.restore(text, fast=True) == "We used artificial intelligence."
    assert unspin.restore(text, fast=True, min_confidence=0.99) == text


def test_score_arrow_rejects_non_strings():
    scanner = unspin.Scanner()
    with pytest.raises(TypeError, match="strings"):
        scanner.score_arrow(pa.array([1, 2, 3]))
    with pytest.raises(TypeError, match="Arrow array"):
        scanner.score_arrow(["not", "arrow"])


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match="min_confidence"):
        unspin.Scanner(min_confidence=3.0)
    with pytest.raises(ValueError, match="threads"):
        unspin.Scanner(threads=0)
    with pytest.raises(ValueError, match="at most 1024"):
        unspin.Scanner(threads=10**12)
    with pytest.raises(TypeError):
        unspin.Scanner("positional")  # settings are keyword-only


def test_score_batch_releases_the_gil():
    # While one thread scores a large batch, another Python thread must keep running.
    scanner = unspin.Scanner(threads=1)
    texts = [TEXTS[0] * 20] * 4000
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        before = len(ticks)
        scanner.score_batch(texts)
        during = len(ticks) - before
    finally:
        stop.set()
        ticker.join()
    assert during > 5


def test_rule_files_are_loaded(tmp_path):
    pack = tmp_path / "pack.toml"
    pack.write_text(
        '[[rule]]\nphrase = "zorbly widget"\noriginal = "gear wheel"\nweight = 0.95\n',
        encoding="utf-8",
    )
    scanner = unspin.Scanner(rules=[pack], fast=True)
    text = "Café owners oiled the zorbly widget daily."
    report = scanner.check(text)
    found = [f for f in report["findings"] if f["text"] == "zorbly widget"]
    assert found, report
    f = found[0]
    assert f["suggestion"] == "gear wheel"
    assert text[f["start_char"] : f["end_char"]] == "zorbly widget"
    assert f["start"] == f["start_char"] + 1  # "é" is two bytes in UTF-8
    assert scanner.restore(text) == "Café owners oiled the gear wheel daily."
    assert unspin.check(text, rules=[str(pack)], fast=True)["findings"]


def test_bad_rule_files_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nnot_a_field = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        unspin.Scanner(rules=[bad])
    with pytest.raises(OSError, match="missing.toml"):
        unspin.Scanner(rules=[tmp_path / "missing.toml"])


def test_the_full_engine_runs_as_in_the_cli():
    # The names check and the noisy-channel engine run unless `fast`: a broken name that no
    # rule pack lists is found, and `fast` (rules only) does not find it.
    text = "The Safety and security Council met on Monday."
    full = unspin.Scanner().check(text)["findings"]
    assert [(f["text"], f["suggestion"]) for f in full] == [("Safety and security", "Security")]
    assert unspin.Scanner(fast=True).check(text)["findings"] == []
    assert unspin.Scanner(model="default").check(text)["findings"] == full


def test_the_registry_list_ships_with_the_bindings():
    report = unspin.check("We measured the greenhouse gas emanation of the plant.")
    assert [f["rule"][:4] for f in report["findings"]] == ["tpe:"]


def test_a_bad_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.lm") as missing:
        unspin.Scanner(model=str(tmp_path / "missing.lm"))
    assert missing.value.filename == str(tmp_path / "missing.lm")
    bad = tmp_path / "bad.lm"
    bad.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="bad.lm"):
        unspin.Scanner(model=str(bad))
    # A directory is a directory, as open() would say, errno and all.
    with pytest.raises(IsADirectoryError, match="is a directory") as directory:
        unspin.Scanner(model=str(tmp_path))
    assert directory.value.errno == 21


def test_module_functions_take_a_model():
    text = "The Safety and security Council met on Monday."
    assert unspin.check(text, model="default") == unspin.check(text)
    assert unspin.restore(text, model="default") == "The Security Council met on Monday."
    with pytest.raises(OSError, match="missing.lm"):
        unspin.check(text, model="missing.lm")
