//! Every n-gram of a large model in one open-addressing hash table, for corpus-scale runs.
//!
//! An fst lookup walks one node per byte of the key, and in a model of a hundred megabytes most
//! of those nodes are in cold memory: about 1.5 µs per n-gram the decoder has not asked
//! recently (docs/benchmarks.md, ninth pass). A table keyed by a 64-bit hash of the key answers
//! in one or two cache misses. It costs 12 bytes a slot, 1.5 slots an n-gram, and a few seconds
//! to build. `unspin model build` writes it into large model files (the header's `hash_table`),
//! where it is mapped like the fst sections and costs nothing to open; for a large model file
//! without one, [`super::model::Model`] builds it in memory once enough lookups have been asked
//! to pay for it.
//!
//! The table stores hashes, not keys. Two stored n-grams with the same hash are both marked
//! [`Answer::AskFst`], so every stored n-gram is answered exactly; an n-gram that is not stored
//! is mistaken for a stored one only if its 64-bit hash equals one of the few probed, about one
//! lookup in 10^18.

use super::model::SectionBytes;

/// What the table says about an n-gram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    Absent,
    Value(u64),
    /// The value does not fit a slot, or two stored n-grams share a hash: ask the fst.
    AskFst,
}

/// Slots per stored n-gram: linear probing at two-thirds load reads about two slots for a
/// stored n-gram and five for a missing one, 24–60 bytes, one or two cache lines.
const SLOTS_PER_ENTRY: f64 = 1.5;
/// The slot value that says [`Answer::AskFst`].
const ASK_FST: u32 = u32::MAX;
/// Slots probed before a lookup gives up and asks the fst. A table built here never needs so
/// many (at two-thirds load, a run of 256 full slots is vanishingly rare), but a corrupt file's
/// table may have no empty slot at all, and a lookup must end.
const MAX_PROBES: usize = 256;

pub(super) struct NgramTable {
    slots: Slots,
}

/// `[hash low, hash high, value]` per slot, each a little-endian u32 (as in the model file);
/// hash 0 marks an empty slot (hashes are never 0).
struct Slots {
    bytes: SlotBytes,
    len: usize,
}

enum SlotBytes {
    /// Built here, in an anonymous memory map advised to use huge pages: with 4 KiB pages, each
    /// lookup in a table of hundreds of megabytes misses the TLB as well as the cache.
    Built(memmap2::MmapMut),
    /// A model file's table section.
    File(SectionBytes),
}

/// Bytes per slot.
pub(super) const SLOT_BYTES: usize = 12;

impl Slots {
    /// `None` when the memory cannot be mapped: the model then answers from its fst.
    fn zeroed(len: usize) -> Option<Slots> {
        let bytes = memmap2::MmapMut::map_anon(len.checked_mul(SLOT_BYTES)?).ok()?;
        // Only a hint: without huge pages the table is as correct, and slower.
        #[cfg(target_os = "linux")]
        let _ = bytes.advise(memmap2::Advice::HugePage);
        Some(Slots {
            bytes: SlotBytes::Built(bytes),
            len,
        })
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        match &self.bytes {
            SlotBytes::Built(map) => map,
            SlotBytes::File(section) => section.as_ref(),
        }
    }

    #[inline]
    fn get(&self, at: usize) -> [u32; 3] {
        let bytes = &self.bytes()[at * SLOT_BYTES..(at + 1) * SLOT_BYTES];
        let word = |i: usize| u32::from_le_bytes(bytes[i * 4..i * 4 + 4].try_into().expect("4"));
        [word(0), word(1), word(2)]
    }

    /// Only tables being built are written to.
    fn set(&mut self, at: usize, slot: [u32; 3]) {
        let SlotBytes::Built(map) = &mut self.bytes else {
            unreachable!("a model file's table is never written to");
        };
        let bytes = &mut map[at * SLOT_BYTES..(at + 1) * SLOT_BYTES];
        for (i, word) in slot.iter().enumerate() {
            bytes[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
        }
    }
}

impl NgramTable {
    /// Every n-gram of every map in one table; `None` when the memory for it cannot be had.
    pub(super) fn from_maps<D: AsRef<[u8]> + Sync>(maps: &[fst::Map<D>]) -> Option<NgramTable> {
        use fst::Streamer;
        use rayon::prelude::*;
        let groups = maps
            .par_iter()
            .map(|map| {
                let mut buckets = Buckets::new();
                let mut stream = map.stream();
                while let Some((key, value)) = stream.next() {
                    buckets.push(key, value);
                }
                buckets
            })
            .collect();
        NgramTable::from_groups(groups)
    }

    /// Memory that [`NgramTable::from_maps`] needs for `entries` n-grams: the table, and the
    /// entries waiting to be laid down.
    pub(super) fn build_bytes(entries: u64) -> u64 {
        entries.saturating_mul((SLOTS_PER_ENTRY * SLOT_BYTES as f64) as u64 + 16)
    }

    /// A table section of a model file; an error message when its length cannot be one.
    pub(super) fn from_section(bytes: SectionBytes) -> Result<NgramTable, String> {
        let length = bytes.as_ref().len();
        if length == 0 || length % SLOT_BYTES != 0 {
            return Err(format!(
                "hash table of {length} bytes is not a whole number of {SLOT_BYTES}-byte slots"
            ));
        }
        Ok(NgramTable {
            slots: Slots {
                bytes: SlotBytes::File(bytes),
                len: length / SLOT_BYTES,
            },
        })
    }

    /// The slots as stored in a model file.
    pub(super) fn as_bytes(&self) -> &[u8] {
        self.slots.bytes()
    }

    /// The table of the entries of `groups` (each key once, in one group only).
    ///
    /// Inserting one by one writes to random places of a table larger than the cache (0.5 µs
    /// an n-gram); sorted by hash, which orders them by home slot too, the entries are laid
    /// down in one sequential pass, one bucket at a time, each bucket freed once laid down.
    /// `None` when the memory for the table cannot be had.
    pub(super) fn from_groups(mut groups: Vec<Buckets>) -> Option<NgramTable> {
        use rayon::prelude::*;
        let entries: usize = groups.iter().map(Buckets::len).sum();
        let len = ((entries as f64 * SLOTS_PER_ENTRY) as usize).max(16);
        let mut table = NgramTable {
            slots: Slots::zeroed(len)?,
        };
        let mut next_free = 0;
        let mut wrapped = Vec::new();
        for bucket in 0..BUCKETS {
            let mut entries: Vec<Entry> = Vec::new();
            for group in &mut groups {
                entries.append(&mut std::mem::take(&mut group.0[bucket]));
            }
            entries.par_sort_unstable_by_key(|e| e.hash);
            for (i, entry) in entries.iter().enumerate() {
                let shared =
                    |j: usize| entries.get(j).is_some_and(|e: &Entry| e.hash == entry.hash);
                // Two n-grams with one hash (adjacent once sorted): neither is answered here.
                let value = if (i > 0 && shared(i - 1)) || shared(i + 1) {
                    None
                } else {
                    u32::try_from(entry.value).ok()
                };
                let at = table.home(entry.hash).max(next_free);
                if at == len {
                    wrapped.push((entry.hash, value));
                    continue;
                }
                table.slots.set(at, slot(entry.hash, value));
                next_free = at + 1;
            }
        }
        // Past the last slot, probing goes on from the first.
        for (hash, value) in wrapped {
            table.insert_hash(hash, value.map_or(u64::MAX, u64::from));
        }
        Some(table)
    }

    fn insert_hash(&mut self, hash: u64, value: u64) {
        let value = u32::try_from(value).ok();
        let mut at = self.home(hash);
        loop {
            let stored = self.slots.get(at);
            if join(&stored) == 0 {
                self.slots.set(at, slot(hash, value));
                return;
            }
            if join(&stored) == hash {
                // Two n-grams, one hash: neither can be answered from here.
                self.slots.set(at, [stored[0], stored[1], ASK_FST]);
                return;
            }
            at = self.next(at);
        }
    }

    /// The answer for one n-gram's key (words joined by the model's separator).
    #[inline]
    pub(super) fn get(&self, key: &[u8]) -> Answer {
        let hash = hash(key);
        let at = self.home(hash);
        self.resolve(hash, at, self.slots.get(at))
    }

    /// The answers for many keys. Their first slots are all read before any answer is worked
    /// out: the reads do not depend on one another, so the processor overlaps their cache
    /// misses, where one lookup after another waits for each in turn.
    pub(super) fn get_many<'k>(&self, keys: impl Iterator<Item = &'k [u8]>) -> Vec<Answer> {
        let firsts: Vec<(u64, usize, [u32; 3])> = keys
            .map(|key| {
                let hash = hash(key);
                let at = self.home(hash);
                (hash, at, self.slots.get(at))
            })
            .collect();
        firsts
            .into_iter()
            .map(|(hash, at, first)| self.resolve(hash, at, first))
            .collect()
    }

    /// The answer for `hash`, whose home slot `at` holds `first`.
    #[inline]
    fn resolve(&self, hash: u64, mut at: usize, first: [u32; 3]) -> Answer {
        let mut slot = first;
        for _ in 0..MAX_PROBES {
            match join(&slot) {
                0 => return Answer::Absent,
                stored if stored == hash => {
                    return match slot[2] {
                        ASK_FST => Answer::AskFst,
                        v => Answer::Value(u64::from(v)),
                    }
                }
                _ => {
                    at = self.next(at);
                    slot = self.slots.get(at);
                }
            }
        }
        Answer::AskFst
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        // Multiply-shift onto 0..len: no power-of-two length needed.
        ((u128::from(hash) * self.slots.len as u128) >> 64) as usize
    }

    #[inline]
    fn next(&self, at: usize) -> usize {
        if at + 1 == self.slots.len {
            0
        } else {
            at + 1
        }
    }
}

/// One n-gram to store: the hash of its key and its value.
struct Entry {
    hash: u64,
    value: u64,
}

/// Buckets of a table's entries by the top bits of their hash, that is by the part of the
/// table they go to (see [`NgramTable::from_groups`]).
const BUCKET_BITS: u32 = 6;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// Entries to store, grouped in buckets, so that the build needs little more memory than the
/// table itself.
pub(super) struct Buckets(Vec<Vec<Entry>>);

impl Buckets {
    pub(super) fn new() -> Buckets {
        Buckets((0..BUCKETS).map(|_| Vec::new()).collect())
    }

    /// Add one n-gram.
    pub(super) fn push(&mut self, key: &[u8], value: u64) {
        self.push_entry(Entry {
            hash: hash(key),
            value,
        });
    }

    fn push_entry(&mut self, entry: Entry) {
        self.0[(entry.hash >> (64 - BUCKET_BITS)) as usize].push(entry);
    }

    fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }
}

fn slot(hash: u64, value: Option<u32>) -> [u32; 3] {
    let value = value.filter(|&v| v != ASK_FST).unwrap_or(ASK_FST);
    [hash as u32, (hash >> 32) as u32, value]
}

#[inline]
fn join(slot: &[u32; 3]) -> u64 {
    u64::from(slot[0]) | (u64::from(slot[1]) << 32)
}

#[inline]
fn hash(key: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(key).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_stored_keys_exactly_and_absent_ones_as_absent() {
        let entries: Vec<(Vec<u8>, u64)> = (0..5000u64)
            .map(|i| (format!("word{i} next{}", i * 7).into_bytes(), i * 3))
            .chain([(b"huge count".to_vec(), u64::from(u32::MAX) + 5)])
            .collect();
        let mut buckets = Buckets::new();
        for (key, value) in &entries {
            buckets.push(key, *value);
        }
        let table = NgramTable::from_groups(vec![buckets]).unwrap();
        for (key, value) in &entries[..5000] {
            assert_eq!(table.get(key), Answer::Value(*value));
        }
        assert_eq!(table.get(b"huge count"), Answer::AskFst);
        for i in 0..5000 {
            assert_eq!(
                table.get(format!("word{i} other").as_bytes()),
                Answer::Absent
            );
        }
    }

    /// Entries with the given hashes and values.
    fn entries(pairs: &[(u64, u64)]) -> Buckets {
        let mut buckets = Buckets::new();
        for &(hash, value) in pairs {
            buckets.push_entry(Entry { hash, value });
        }
        buckets
    }

    #[test]
    fn two_keys_with_one_hash_send_both_to_the_fst() {
        let mut table = NgramTable {
            slots: Slots::zeroed(8).unwrap(),
        };
        table.insert_hash(42, 1);
        table.insert_hash(42, 2);
        let at = table.home(42);
        assert_eq!(table.slots.get(at)[2], ASK_FST);
        let sorted =
            NgramTable::from_groups(vec![entries(&[(7, 1), (42, 1)]), entries(&[(42, 2)])])
                .unwrap();
        let slots: Vec<[u32; 3]> = (0..sorted.slots.len).map(|i| sorted.slots.get(i)).collect();
        assert_eq!(slots.iter().filter(|s| s[2] == ASK_FST).count(), 2);
        assert!(slots.iter().any(|s| join(s) == 7 && s[2] == 1));
    }

    /// A table without an empty slot (a corrupt file's) sends lookups to the fst instead of
    /// probing forever.
    #[test]
    fn a_full_table_sends_lookups_to_the_fst() {
        let mut table = NgramTable {
            slots: Slots::zeroed(1000).unwrap(),
        };
        for at in 0..1000 {
            table.slots.set(at, [at as u32 + 1, 7, 3]);
        }
        assert_eq!(table.get(b"anything"), Answer::AskFst);
    }

    /// Entries whose home is near the end run past the last slot and wrap to the first.
    #[test]
    fn entries_past_the_last_slot_are_found_from_their_home() {
        let top = u64::MAX - 5;
        let pairs: Vec<(u64, u64)> = (0..20).map(|i| (top - i, i)).collect();
        let table = NgramTable::from_groups(vec![entries(&pairs)]).unwrap();
        for i in 0..20 {
            let hash = top - i;
            let mut at = table.home(hash);
            while join(&table.slots.get(at)) != hash {
                assert_ne!(
                    join(&table.slots.get(at)),
                    0,
                    "{hash} not reachable from its home"
                );
                at = table.next(at);
            }
            assert_eq!(u64::from(table.slots.get(at)[2]), i);
        }
    }
}
