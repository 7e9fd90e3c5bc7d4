//! Percentiles and the figures a run collects.

use serde::Serialize;
use std::time::Duration;

pub fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// The value at quantile `q` (0..=1) of `samples`, nearest rank.
pub fn quantile(samples: &[Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn median(samples: &[Duration]) -> Duration {
    quantile(samples, 0.5)
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    pub fn of(samples: &[Duration]) -> Latency {
        Latency {
            count: samples.len(),
            p50_ms: ms(quantile(samples, 0.5)),
            p99_ms: ms(quantile(samples, 0.99)),
            max_ms: ms(quantile(samples, 1.0)),
        }
    }
}
