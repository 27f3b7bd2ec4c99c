//! Helpers shared by the `scan_*` targets (the corpus shard readers of `unspin-scan`).
#![allow(dead_code)] // each target uses a part

use std::path::PathBuf;

use unspin_scan::Item;

/// An item reduced to what two reads of the same records must agree on.
#[derive(Debug, Clone, PartialEq)]
pub enum Summary {
    Doc {
        index: u64,
        offset: u64,
        line: Option<u64>,
        id: String,
        text: String,
        url: Option<String>,
    },
    Error {
        record: u64,
        offset: Option<u64>,
        line: Option<u64>,
        count: u64,
        id: Option<String>,
        reason: String,
    },
}

pub fn summary(item: &Item) -> Summary {
    match item {
        Item::Doc(d) => Summary::Doc {
            index: d.index,
            offset: d.offset,
            line: d.line,
            id: d.id.clone(),
            text: d.text.clone(),
            url: d.url.clone(),
        },
        Item::Error(e) => Summary::Error {
            record: e.record,
            offset: e.offset,
            line: e.line,
            count: e.count,
            id: e.id.clone(),
            reason: e.reason.clone(),
        },
    }
}

pub fn summaries(items: &[Item]) -> Vec<Summary> {
    items.iter().map(summary).collect()
}

/// The invariants every reader keeps: documents and errors share one numbering with no gap or
/// overlap (an error standing for `count` records takes `count` numbers), every error stands for
/// at least one record, names its shard and says why. Returns the records accounted for.
pub fn check_items(items: &[Item], shard: &str) -> u64 {
    let mut next = 0u64;
    for item in items {
        match item {
            Item::Doc(d) => {
                assert_eq!(d.index, next, "document numbered out of turn: {item:?}");
            }
            Item::Error(e) => {
                assert_eq!(e.record, next, "error numbered out of turn: {item:?}");
                assert!(e.count >= 1, "error standing for no record: {item:?}");
                assert_eq!(e.shard, shard, "error does not name its shard: {item:?}");
                assert!(
                    !e.reason.trim().is_empty(),
                    "error without a reason: {item:?}"
                );
            }
        }
        next += item.count();
    }
    next
}

/// A per-process scratch file for readers that open a path (libFuzzer's `-jobs` runs several
/// processes; each writes its own). In memory where /dev/shm exists.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from("/dev/shm");
    let dir = if dir.is_dir() {
        dir
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("unspin-fuzz-{}-{name}", std::process::id()))
}

/// Reasons the readers give when the stream under them fails and the rest of the shard is lost.
pub fn is_truncation(item: &Item) -> bool {
    matches!(item, Item::Error(e) if e.reason.contains("archive truncated or corrupt"))
}
