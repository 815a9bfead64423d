//! [`Timers`]: one executor's queue of timer deadlines (a `Sleep` polled
//! by that executor registers in it; `rust_run` takes what is due, and the
//! host's loop learns the next deadline from it).
//!
//! Invariant: a timer's waker sits in the slot its key names, with the key's
//! generation, until it fires or is cancelled; a key of a reused slot never
//! matches (see [`TimerKey`]).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::task::Waker;
use std::time::{Duration, Instant};

pub(crate) fn lock(timers: &Mutex<Timers>) -> std::sync::MutexGuard<'_, Timers> {
    timers.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TimerKey {
    index: u32,
    generation: u32,
}

/// One executor's timer queue: wakers in a slab, grouped by the millisecond
/// tick (since `epoch`) at which they are due, rounded up so a timer never
/// fires early. Thousands of `sleep(1)`s started together share one bucket,
/// so queueing and firing them touch little memory; the bucket of the
/// latest insert is kept out of the map (`hot`), so a run of timers due at
/// the same tick is queued without a map search. Cancelling frees the slot
/// at once; its bucket entry goes stale and is skipped when it comes due.
/// A due bucket fires in order, at most a batch's worth per `take_due`, so
/// a wave of timers wakes no more tasks at a time than the executor polls.
pub(crate) struct Timers {
    epoch: Instant,
    buckets: BTreeMap<u64, Vec<TimerKey>>,
    /// The latest insert's tick and bucket (not in `buckets`).
    hot: Option<(u64, Vec<TimerKey>)>,
    slots: Vec<(u32, Option<Waker>)>,
    free: Vec<u32>,
    /// The bucket being fired (its tick passed) and how many of its keys
    /// have fired: a wave larger than a batch fires over several turns.
    firing: Option<(Vec<TimerKey>, usize)>,
    /// The largest bucket fired so far (within `recycled`'s bound),
    /// emptied: the next new bucket reuses its capacity (a wave of
    /// same-tick timers does not regrow one).
    spare: Vec<TimerKey>,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            epoch: Instant::now(),
            buckets: BTreeMap::new(),
            hot: None,
            firing: None,
            slots: Vec::new(),
            free: Vec::new(),
            spare: Vec::new(),
        }
    }
}

impl Timers {
    pub(crate) fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        let index = self.free.pop().unwrap_or_else(|| {
            self.slots.push((0, None));
            (self.slots.len() - 1) as u32
        });
        let slot = &mut self.slots[index as usize];
        slot.1 = Some(waker);
        let key = TimerKey {
            index,
            generation: slot.0,
        };
        let since = deadline.saturating_duration_since(self.epoch);
        // Whole milliseconds, rounded up (no 128-bit division).
        let tick = since.as_secs() * 1000 + u64::from(since.subsec_nanos().div_ceil(1_000_000));
        match &mut self.hot {
            Some((hot, keys)) if *hot == tick => keys.push(key),
            _ => {
                self.cool();
                let mut keys = self
                    .buckets
                    .remove(&tick)
                    .unwrap_or_else(|| std::mem::take(&mut self.spare));
                keys.push(key);
                self.hot = Some((tick, keys));
            }
        }
        key
    }

    /// Puts the hot bucket back in the map.
    fn cool(&mut self) {
        if let Some((tick, keys)) = self.hot.take() {
            self.buckets.insert(tick, keys);
        }
    }

    fn slot(&mut self, key: TimerKey) -> Option<&mut Option<Waker>> {
        self.slots
            .get_mut(key.index as usize)
            .filter(|s| holds(s, key))
            .map(|s| &mut s.1)
    }

    /// Whether the timer is no longer queued (it fired).
    pub(crate) fn fired(&mut self, key: TimerKey) -> bool {
        self.slot(key).is_none()
    }

    pub(crate) fn update(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(Some(w)) = self.slot(key) {
            if !w.will_wake(waker) {
                *w = waker.clone();
            }
        }
    }

    /// Frees the slot; returns its waker.
    pub(crate) fn cancel(&mut self, key: TimerKey) -> Option<Waker> {
        let waker = self.slot(key)?.take();
        let slot = &mut self.slots[key.index as usize];
        slot.0 = slot.0.wrapping_add(1);
        self.free.push(key.index);
        waker
    }

    /// Removes up to `limit` of the timers due at `now`, in order; appends
    /// their wakers to `due` (to be woken with the lock released). The
    /// rest stay queued, due: a wave of timers fires a batch per turn,
    /// touching only as much memory as the batch.
    pub(crate) fn take_due(&mut self, now: Instant, limit: usize, due: &mut Vec<Waker>) {
        let now_tick = now.saturating_duration_since(self.epoch).as_millis() as u64;
        self.cool();
        let mut left = limit;
        while left > 0 {
            let (keys, mut fired) = match self.firing.take() {
                Some(firing) => firing,
                None => match self.buckets.first_entry() {
                    Some(entry) if *entry.key() <= now_tick => (entry.remove(), 0),
                    _ => break,
                },
            };
            while fired < keys.len() && left > 0 {
                if let Some(waker) = self.cancel(keys[fired]) {
                    due.push(waker);
                    left -= 1;
                }
                fired += 1;
            }
            if fired < keys.len() {
                self.firing = Some((keys, fired));
            } else if keys.capacity() > self.spare.capacity() {
                self.spare = super::recycled(keys);
            }
        }
    }

    /// The time until the next live timer is due (`None` without timers).
    pub(crate) fn next_timeout(&mut self, now: Instant) -> Option<Duration> {
        self.cool();
        if let Some((keys, fired)) = &self.firing {
            if keys[*fired..].iter().any(|&k| is_live(&self.slots, k)) {
                return Some(Duration::ZERO);
            }
        }
        loop {
            let mut entry = self.buckets.first_entry()?;
            let tick = *entry.key();
            let keys = entry.get_mut();
            // Drop cancelled timers; any live one decides (they share the tick).
            while let Some(&key) = keys.last() {
                if is_live(&self.slots, key) {
                    let at = self.epoch + Duration::from_millis(tick);
                    return Some(at.saturating_duration_since(now));
                }
                keys.pop();
            }
            entry.remove();
        }
    }
}

/// Whether `slot` holds `key`'s timer, still queued.
fn holds(slot: &(u32, Option<Waker>), key: TimerKey) -> bool {
    slot.0 == key.generation && slot.1.is_some()
}

/// Whether `key`'s timer is still queued.
fn is_live(slots: &[(u32, Option<Waker>)], key: TimerKey) -> bool {
    slots.get(key.index as usize).is_some_and(|s| holds(s, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty queue, its epoch and a waker for its timers.
    fn queue() -> (Timers, Instant, Waker) {
        let t = Timers::default();
        let epoch = t.epoch;
        (t, epoch, Waker::noop().clone())
    }

    impl Timers {
        fn due_at(&mut self, now: Instant) -> Vec<Waker> {
            let mut due = Vec::new();
            self.take_due(now, usize::MAX, &mut due);
            due
        }
    }

    #[test]
    fn timers_fire_in_order_never_early_and_cancel() {
        let (mut t, now, waker) = queue();
        let a = t.insert(now + Duration::from_millis(5), waker.clone());
        let b = t.insert(now + Duration::from_micros(1500), waker.clone());
        let c = t.insert(now + Duration::from_millis(9), waker.clone());
        // Rounded up to whole milliseconds: b is due at 2 ms, not before.
        assert_eq!(t.next_timeout(now), Some(Duration::from_millis(2)));
        assert!(t.due_at(now + Duration::from_millis(1)).is_empty());
        assert_eq!(t.due_at(now + Duration::from_millis(2)).len(), 1);
        assert!(t.fired(b) && !t.fired(a));
        assert!(t.cancel(c).is_some());
        assert_eq!(t.next_timeout(now), Some(Duration::from_millis(5)));
        assert_eq!(t.due_at(now + Duration::from_secs(1)).len(), 1);
        assert!(t.fired(a));
        assert_eq!(t.next_timeout(now), None, "the cancelled one is gone");
    }

    #[test]
    fn a_wave_larger_than_the_limit_fires_over_several_takes_in_order() {
        let (mut t, now, waker) = queue();
        let at = |ms| now + Duration::from_millis(ms);
        let keys: Vec<_> = (0..7).map(|_| t.insert(at(1), waker.clone())).collect();
        let late = t.insert(at(2), waker.clone());
        assert!(
            t.cancel(keys[3]).is_some(),
            "a cancelled one does not count"
        );
        let mut due = Vec::new();
        t.take_due(at(5), 3, &mut due);
        assert_eq!(due.len(), 3);
        assert!(keys[..3].iter().all(|&k| t.fired(k)) && !t.fired(keys[4]));
        // The rest of the wave is still due, before the later tick.
        assert_eq!(t.next_timeout(at(5)), Some(Duration::ZERO));
        due.clear();
        t.take_due(at(5), 3, &mut due);
        assert_eq!(due.len(), 3, "keys 4, 5 and 6");
        assert!(keys[4..].iter().all(|&k| t.fired(k)) && !t.fired(late));
        due.clear();
        t.take_due(at(5), 3, &mut due);
        assert_eq!(due.len(), 1);
        assert!(t.fired(late));
        assert_eq!(t.next_timeout(at(5)), None);
    }

    #[test]
    fn runs_of_one_tick_share_the_hot_bucket_and_nothing_is_lost_switching() {
        let (mut t, now, waker) = queue();
        let at = |ms| now + Duration::from_millis(ms);
        // 3 at 4 ms (hot), 2 at 2 ms (the 4 ms bucket goes to the map),
        // 2 more at 4 ms (the bucket comes back hot, keeping the first 3).
        let mut keys = Vec::new();
        for ms in [4, 4, 4, 2, 2, 4, 4] {
            keys.push(t.insert(at(ms), waker.clone()));
        }
        assert!(matches!(t.hot, Some((4, ref k)) if k.len() == 5));
        assert!(t.cancel(keys[6]).is_some(), "cancelled while hot");
        // The hot bucket counts for the next deadline and for firing.
        assert_eq!(t.next_timeout(now), Some(Duration::from_millis(2)));
        assert_eq!(t.due_at(at(2)).len(), 2);
        assert_eq!(t.next_timeout(now), Some(Duration::from_millis(4)));
        t.insert(at(4), waker.clone());
        assert_eq!(t.due_at(at(4)).len(), 5, "4 left of the run + 1 new");
        assert!(keys.iter().all(|&k| t.fired(k)));
        assert_eq!(t.next_timeout(now), None);
    }
}
