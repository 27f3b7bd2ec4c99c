//! A seeded xorshift generator for the tests' random inputs: the same inputs on every run, so a
//! failure repeats, and no dependency for it.

/// The next-number function of a xorshift64 generator started at `seed` (not zero).
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
