//! The channel P(S | O): candidate originals for spun words and phrases.
