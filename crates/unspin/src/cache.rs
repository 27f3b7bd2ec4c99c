//! A bounded memo shared between threads, for results that depend only on their key and on
//! data that never changes while the owner lives (a thesaurus, a model, a gazetteer).
//!
//! Once `limit` entries are held, new results are computed and returned but not kept: simpler
//! than eviction, and the entries that matter (common words) arrive first.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

pub struct SharedCache<K, V> {
    map: RwLock<HashMap<K, V>>,
    limit: usize,
}

impl<K: Eq + Hash, V: Clone> SharedCache<K, V> {
    pub fn new(limit: usize) -> Self {
        SharedCache {
            map: RwLock::new(HashMap::new()),
            limit,
        }
    }

    /// The cached value of `key`, or `compute()`, kept when `keep` says it is worth a slot.
    /// A poisoned lock is used as is: entries are only ever inserted whole.
    pub fn get_or_compute(
        &self,
        key: K,
        compute: impl FnOnce() -> V,
        keep: impl FnOnce(&V) -> bool,
    ) -> V {
        if let Some(v) = self.map.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return v.clone();
        }
        let v = compute();
        if keep(&v) {
            let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
            if map.len() < self.limit {
                map.insert(key, v.clone());
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_and_stops_keeping_at_the_limit() {
        let cache: SharedCache<u32, u32> = SharedCache::new(1);
        let mut calls = 0;
        assert_eq!(
            cache.get_or_compute(
                1,
                || {
                    calls += 1;
                    10
                },
                |_| true
            ),
            10
        );
        assert_eq!(
            cache.get_or_compute(
                1,
                || {
                    calls += 1;
                    99
                },
                |_| true
            ),
            10
        );
        assert_eq!(calls, 1);
        // Full: 2 is computed every time.
        assert_eq!(cache.get_or_compute(2, || 20, |_| true), 20);
        assert_eq!(cache.get_or_compute(2, || 21, |_| true), 21);
        // Not kept when `keep` refuses.
        let cache: SharedCache<u32, u32> = SharedCache::new(10);
        assert_eq!(cache.get_or_compute(3, || 30, |_| false), 30);
        assert_eq!(cache.get_or_compute(3, || 31, |_| true), 31);
    }
}
