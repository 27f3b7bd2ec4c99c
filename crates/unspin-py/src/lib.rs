//! Python bindings for unspin: coarse calls (a document, a batch, an Arrow array) so that the
//! per-call cost of crossing into Rust is paid once per batch, and the GIL is released while the
//! documents are scored in parallel (rayon).
//!
//! Offsets in the returned findings are given twice: `start`/`end` are UTF-8 byte offsets (as in
//! every other output of unspin), `start_char`/`end_char` are code-point offsets for slicing a
//! Python `str`. All are half-open.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{make_array, Array, ArrayRef};
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use rayon::prelude::*;
use unspin::lm::{LanguageModel, Model};
use unspin::names::SharedGazetteer;
use unspin::{Engine, EngineOptions, Report};

/// Build an engine as the CLI does (`Engine::standard`): the built-in rules and every rule
/// file, the noisy-channel decoder over `model` (a model file, or the embedded model when `None`
/// or `"default"`) and the names check with the embedded gazetteer; with `fast`, rules only.
fn build_engine(
    rules: Vec<PathBuf>,
    model: Option<PathBuf>,
    fast: bool,
    min_confidence: Option<f32>,
) -> PyResult<Engine> {
    let mut options = EngineOptions {
        fast,
        ..EngineOptions::default()
    };
    if let Some(c) = min_confidence {
        if !(0.0..=1.0).contains(&c) {
            return Err(PyValueError::new_err(format!(
                "min_confidence must be in [0, 1], got {c}"
            )));
        }
        options.min_confidence = c;
    }
    let model_file = model.filter(|p| p.as_os_str() != "default");
    let lm: Option<Arc<dyn LanguageModel>> = match (&model_file, fast) {
        (_, true) => None,
        (Some(path), false) => Some(Arc::new(Model::open(path).map_err(engine_error)?)),
        (None, false) => Some(unspin::lm::try_default_model().map_err(engine_error)?),
    };
    Engine::standard(
        &rules,
        lm,
        model_file.is_some(),
        SharedGazetteer::Embedded,
        options,
    )
    .map_err(engine_error)
}

/// An engine error (a rule file that cannot be read or parsed), naming the file.
fn engine_error(e: unspin::Error) -> PyErr {
    match e {
        // Python's own subclass (FileNotFoundError, PermissionError...) with errno, message and
        // the path as `filename`, as `open()` raises them, so `except FileNotFoundError` works.
        unspin::Error::Io { path, cause } => {
            use pyo3::exceptions::{PyFileNotFoundError, PyIsADirectoryError, PyPermissionError};
            let file = path.display().to_string();
            // An error unspin made itself (a directory given for a model file) has no errno:
            // give it the one the OS would, as `open()` does.
            let errno = cause.raw_os_error().unwrap_or(match cause.kind() {
                std::io::ErrorKind::NotFound => 2,
                std::io::ErrorKind::PermissionDenied => 13,
                std::io::ErrorKind::IsADirectory => 21,
                _ => 0,
            });
            let args = (errno, cause.to_string(), file);
            match cause.kind() {
                std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
                std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
                std::io::ErrorKind::IsADirectory => PyIsADirectoryError::new_err(args),
                _ => pyo3::exceptions::PyOSError::new_err(args),
            }
        }
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// The rule files of a `rules=` argument: a list of paths. A single path is a `str`, which is a
/// sequence too, and would otherwise be refused with "Can't extract 'str' to 'Vec'".
fn rule_paths(rules: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(rules) = rules else {
        return Ok(Vec::new());
    };
    if rules.is_instance_of::<pyo3::types::PyString>() || rules.hasattr("__fspath__")? {
        return Err(PyTypeError::new_err(
            "rules takes a list of rule files; for one file, pass [path]",
        ));
    }
    rules.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "rules takes a list of rule file paths (str or os.PathLike), not {}",
            rules
                .get_type()
                .name()
                .map_or_else(|_| "this".into(), |n| n.to_string())
        ))
    })
}

/// More scoring threads than any machine has cores is a mistake, not a request.
const MAX_THREADS: usize = 1024;

/// A configured engine, shared by the threads that score a batch. Build one and reuse it.
#[pyclass(frozen, module = "unspin._unspin")]
struct Scanner {
    engine: Arc<Engine>,
    /// A pool of its own when `threads` was given (e.g. one thread per Spark task slot).
    pool: Option<rayon::ThreadPool>,
}

impl Scanner {
    fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

#[pymethods]
impl Scanner {
    #[new]
    #[pyo3(signature = (*, rules=None, model=None, fast=false, min_confidence=None, threads=None))]
    fn new(
        rules: Option<&Bound<'_, PyAny>>,
        model: Option<PathBuf>,
        fast: bool,
        min_confidence: Option<f32>,
        threads: Option<usize>,
    ) -> PyResult<Self> {
        let engine = build_engine(rule_paths(rules)?, model, fast, min_confidence)?;
        let pool = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) if n > MAX_THREADS => {
                return Err(PyValueError::new_err(format!(
                    "threads must be at most {MAX_THREADS}, not {n}"
                )))
            }
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| PyValueError::new_err(format!("cannot start threads: {e}")))?,
            ),
            None => None,
        };
        Ok(Scanner {
            engine: Arc::new(engine),
            pool,
        })
    }

    /// Check one document: a dict with `score`, `verdict`, `words` and `findings` (and
    /// `language`, the ISO 639-3 code, for a text not written in English, which is not judged).
    fn check<'py>(&self, py: Python<'py>, text: String) -> PyResult<Bound<'py, PyDict>> {
        let engine = &self.engine;
        let report = py.detach(|| engine.check(&text));
        report_to_dict(py, &text, &report)
    }

    /// The most probable original text.
    fn restore(&self, py: Python<'_>, text: String) -> String {
        let engine = &self.engine;
        py.detach(|| engine.restore(&text).0)
    }

    /// Check many documents in parallel; one dict per document, in order.
    fn check_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let engine = &self.engine;
        let reports: Vec<Report> =
            py.detach(|| self.run(|| texts.par_iter().map(|t| engine.check(t)).collect()));
        let dicts = texts
            .iter()
            .zip(&reports)
            .map(|(t, r)| report_to_dict(py, t, r))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, dicts)
    }

    /// Restore many documents in parallel.
    fn restore_batch(&self, py: Python<'_>, texts: Vec<String>) -> Vec<String> {
        let engine = &self.engine;
        py.detach(|| self.run(|| texts.par_iter().map(|t| engine.restore(t).0).collect()))
    }

    /// Document scores (probability of spin) of many documents, scored in parallel without the GIL.
    fn score_batch(&self, py: Python<'_>, texts: Vec<String>) -> Vec<f64> {
        let engine = &self.engine;
        py.detach(|| {
            self.run(|| {
                texts
                    .par_iter()
                    .map(|t| py_float(engine.check(t).score))
                    .collect()
            })
        })
    }

    /// Document scores of an Arrow string array (`string`, `large_string` or `string_view`),
    /// read in place through the Arrow C data interface (any object with `__arrow_c_array__`,
    /// such as `pyarrow.Array`; a `pyarrow.ChunkedArray` is read chunk by chunk). Nulls score
    /// `None`.
    fn score_arrow(&self, py: Python<'_>, array: &Bound<'_, PyAny>) -> PyResult<Vec<Option<f64>>> {
        let mut scores = Vec::new();
        if !array.hasattr("__arrow_c_array__")? && array.hasattr("chunks")? {
            for chunk in array.getattr("chunks")?.try_iter()? {
                scores.extend(self.score_arrow(py, &chunk?)?);
            }
            return Ok(scores);
        }
        let imported = import_arrow_array(array)?;
        let engine = &self.engine;
        let score = |text: Option<&str>| text.map(|t| py_float(engine.check(t).score));
        let scores = py.detach(|| {
            self.run(|| match imported.data_type() {
                DataType::Utf8 => {
                    let a = imported.as_string::<i32>();
                    Ok((0..a.len())
                        .into_par_iter()
                        .map(|i| score((!a.is_null(i)).then(|| a.value(i))))
                        .collect())
                }
                DataType::LargeUtf8 => {
                    let a = imported.as_string::<i64>();
                    Ok((0..a.len())
                        .into_par_iter()
                        .map(|i| score((!a.is_null(i)).then(|| a.value(i))))
                        .collect())
                }
                DataType::Utf8View => {
                    let a = imported.as_string_view();
                    Ok((0..a.len())
                        .into_par_iter()
                        .map(|i| score((!a.is_null(i)).then(|| a.value(i))))
                        .collect())
                }
                other => Err(format!(
                    "expected an Arrow array of strings, got one of type {other}"
                )),
            })
        });
        // The imported buffers are released here, with the GIL held again.
        drop(imported);
        scores.map_err(PyTypeError::new_err)
    }
}

/// Import an array exported through the Arrow PyCapsule interface.
fn import_arrow_array(obj: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    if !obj.hasattr("__arrow_c_array__")? {
        return Err(PyTypeError::new_err(
            "expected an Arrow array (an object with __arrow_c_array__, such as pyarrow.Array)",
        ));
    }
    let exported = obj.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = exported.extract()?;
    let schema_ptr = schema
        .pointer_checked(Some(c"arrow_schema"))?
        .cast::<FFI_ArrowSchema>();
    let array_ptr = array
        .pointer_checked(Some(c"arrow_array"))?
        .cast::<FFI_ArrowArray>();
    // SAFETY: by the PyCapsule interface the capsules hold a valid ArrowSchema and ArrowArray.
    // `from_raw` moves the array out and marks the capsule's copy as released, so the capsule's
    // destructor will not release it a second time; the schema is only borrowed while the
    // capsule is alive.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(array, schema_ptr.as_ref())
    }
    .map_err(|e| PyValueError::new_err(format!("cannot import the Arrow array: {e}")))?;
    // Arrow strings must be UTF-8, but nothing checks that on the way in (`view`,
    // `from_buffers`, IPC files, Spark's binary-cast strings): reading unchecked bytes as `str`
    // is undefined behaviour, so every value is checked once here.
    data.validate_full().map_err(|e| {
        PyValueError::new_err(format!(
            "the Arrow array is not valid (its strings must be UTF-8): {e}"
        ))
    })?;
    Ok(make_array(data))
}

/// A score or confidence as Python should see it: the shortest decimal that reads back as the
/// same `f32` (0.95, as the CLI and the server print it), not the `f32` widened (0.949999988…),
/// which a `>= 0.95` filter would drop.
fn py_float(x: f32) -> f64 {
    format!("{x}").parse().unwrap_or(f64::from(x))
}

fn report_to_dict<'py>(
    py: Python<'py>,
    text: &str,
    report: &Report,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("score", py_float(report.score))?;
    dict.set_item("verdict", report.verdict.as_str())?;
    dict.set_item("words", report.words)?;
    // Only for a text not written in English (not judged): its ISO 639-3 code.
    if let Some(code) = &report.language {
        dict.set_item("language", code)?;
    }
    let findings = PyList::empty(py);
    // Findings are sorted by start: count code points incrementally.
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut char_offset = |to: usize| {
        let to = to.min(text.len());
        if to >= byte && text.is_char_boundary(to) && text.is_char_boundary(byte) {
            chars += text[byte..to].chars().count();
            byte = to;
            chars
        } else {
            text.get(..to).map_or(0, |s| s.chars().count())
        }
    };
    for f in &report.findings {
        let d = PyDict::new(py);
        d.set_item("start", f.start)?;
        d.set_item("end", f.end)?;
        d.set_item("start_char", char_offset(f.start))?;
        d.set_item("end_char", char_offset(f.end))?;
        d.set_item("text", &f.text)?;
        d.set_item("suggestion", &f.suggestion)?;
        d.set_item("alternatives", &f.alternatives)?;
        d.set_item("confidence", py_float(f.confidence))?;
        d.set_item("rule", &f.rule)?;
        d.set_item("message", &f.message)?;
        findings.append(d)?;
    }
    dict.set_item("findings", findings)?;
    Ok(dict)
}

/// The engine behind the module-level functions when they are called with default settings.
fn default_scanner() -> PyResult<&'static Scanner> {
    static DEFAULT: OnceLock<Scanner> = OnceLock::new();
    if let Some(s) = DEFAULT.get() {
        return Ok(s);
    }
    let scanner = Scanner::new(None, None, false, None, None)?;
    Ok(DEFAULT.get_or_init(|| scanner))
}

/// Check one document (see `Scanner.check`); builds an engine unless the settings are the defaults.
#[pyfunction]
#[pyo3(signature = (text, *, rules=None, model=None, fast=false, min_confidence=None))]
fn check<'py>(
    py: Python<'py>,
    text: String,
    rules: Option<&Bound<'_, PyAny>>,
    model: Option<PathBuf>,
    fast: bool,
    min_confidence: Option<f32>,
) -> PyResult<Bound<'py, PyDict>> {
    if rules.is_none() && model.is_none() && !fast && min_confidence.is_none() {
        return default_scanner()?.check(py, text);
    }
    Scanner::new(rules, model, fast, min_confidence, None)?.check(py, text)
}

/// The most probable original of one document (see `Scanner.restore`); builds an engine unless
/// the settings are the defaults.
#[pyfunction]
#[pyo3(signature = (text, *, rules=None, model=None, fast=false, min_confidence=None))]
fn restore(
    py: Python<'_>,
    text: String,
    rules: Option<&Bound<'_, PyAny>>,
    model: Option<PathBuf>,
    fast: bool,
    min_confidence: Option<f32>,
) -> PyResult<String> {
    if rules.is_none() && model.is_none() && !fast && min_confidence.is_none() {
        return Ok(default_scanner()?.restore(py, text));
    }
    Ok(Scanner::new(rules, model, fast, min_confidence, None)?.restore(py, text))
}

#[pymodule]
fn _unspin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scanner>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(restore, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
