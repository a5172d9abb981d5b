//! The time of each phase of building the profiles.

/// The time of each phase of building the profiles, as they end: where a
/// large build's time goes ([`Profiles::build_phases`](super::Profiles::build_phases), printed by
/// `shisaku bench --links-sample`).
pub(super) struct Phases {
    pub(super) last: std::time::Instant,
    pub(super) times: Vec<(&'static str, f64)>,
}

impl Phases {
    pub(super) fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
            times: Vec::new(),
        }
    }

    /// Records the phase that has just ended; the next starts now.
    pub(super) fn lap(&mut self, phase: &'static str) {
        let now = std::time::Instant::now();
        self.times.push((phase, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}
