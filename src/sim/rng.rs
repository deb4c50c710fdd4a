//! The world's one source of randomness, seeded from the scenario's seed.

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[derive(Clone, Debug)]
pub struct SimRng(Pcg64Mcg);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A uniform draw from `low..=high`. The modulo bias is below 2^-40 for
    /// the spans used here (at most hours in microseconds).
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        low + self.0.next_u64() % (high - low + 1)
    }

    /// True with probability `ppm` parts per million.
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        ppm > 0 && (ppm >= 1_000_000 || self.0.next_u64() % 1_000_000 < ppm as u64)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_draws() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        let mut c = SimRng::new(8);
        let da: Vec<u64> = (0..8).map(|_| a.between(150, 300)).collect();
        let db: Vec<u64> = (0..8).map(|_| b.between(150, 300)).collect();
        let dc: Vec<u64> = (0..8).map(|_| c.between(150, 300)).collect();
        assert_eq!(da, db);
        assert_ne!(da, dc);
        assert!(da.iter().all(|&d| (150..=300).contains(&d)));
    }
}
