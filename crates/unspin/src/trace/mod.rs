//! Source tracing: fingerprints that survive spinning, an on-disk index, and alignment.
