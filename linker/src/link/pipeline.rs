//! Preparing a link's inputs on several threads while handing them to the merge in
//! order: the work-sharing loop behind [`link_stream`](super::link_stream).
//!
//! Reading and parsing an input (its ELF, its BTF, the BTF hashes) costs about twice
//! what merging it does, so one reading thread ahead of the merge left the merging
//! thread waiting half of the time (bench-link: about 280 µs to prepare an input against
//! 145 µs to merge it). Here helper threads prepare inputs, and the merging thread
//! prepares one itself whenever the next input in order is not ready, so the work
//! splits about evenly between two CPUs, and the first input needs no thread start.
//!
//! Sources are claimed in order, under a lock (taking the next source is cheap; the
//! preparing happens outside it). A claimed source's slot is empty until its item is
//! ready; the merging thread consumes items strictly in order. No thread claims a source
//! more than `ahead` items ahead of the merge: that bounds memory to a few inputs'
//! worth, and when a helper waits for the merging thread's CPU (the kernel may start it
//! there), the merging thread soon waits too instead of preparing every input itself.
//! Buffers the merge no longer needs go back through a [`Recycle`] pool to whichever
//! thread prepares next.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// Buffers handed back by the consumer, for the next item a thread prepares.
pub(super) struct Recycle<B>(Mutex<Vec<B>>);

impl<B: Default> Recycle<B> {
    /// A recycled buffer, or a new empty one.
    pub fn take(&self) -> B {
        lock(&self.0).pop().unwrap_or_default()
    }

    /// Gives a buffer back for a later item.
    pub fn put(&self, buf: B) {
        lock(&self.0).push(buf);
    }
}

/// The sources not yet claimed, and the items claimed but not yet consumed.
struct Queue<I, T> {
    /// None once the sources are exhausted.
    sources: Option<I>,
    /// Index of the next source to be claimed.
    claimed: usize,
    /// Index of the next item to be consumed.
    next: usize,
    /// `done[k]` is item `next + k`: None while a thread prepares it.
    done: VecDeque<Option<T>>,
    /// The consumer is done, or a helper panicked while preparing (then the consumer
    /// stops waiting for that item): no more sources are claimed.
    stopped: bool,
}

impl<I: Iterator, T> Queue<I, T> {
    /// Claims the next source, with its index; None once there are none left.
    fn claim(&mut self) -> Option<(usize, I::Item)> {
        match self.sources.as_mut()?.next() {
            Some(source) => {
                self.done.push_back(None);
                self.claimed += 1;
                Some((self.claimed - 1, source))
            }
            None => {
                self.sources = None;
                None
            }
        }
    }

    /// Stores the prepared item `index`.
    fn fill(&mut self, index: usize, item: T) {
        self.done[index - self.next] = Some(item);
    }

    /// Takes the next item in order if it is ready.
    fn pop_ready(&mut self) -> Option<T> {
        if !matches!(self.done.front(), Some(Some(_))) {
            return None;
        }
        self.next += 1;
        self.done.pop_front().flatten()
    }

    /// Every source was claimed and every item consumed.
    fn finished(&self) -> bool {
        self.sources.is_none() && self.done.is_empty()
    }
}

/// What the threads share.
struct Shared<I, T, B> {
    queue: Mutex<Queue<I, T>>,
    /// An item was filled in (only the consumer waits on it).
    filled: Condvar,
    /// An item was consumed (helpers too far ahead wait on it).
    consumed: Condvar,
    recycle: Recycle<B>,
}

fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Stops the queue if a helper unwinds while preparing, so that no thread waits for the
/// item and the scope can report the panic.
struct FailOnUnwind<'a, I, T, B>(&'a Shared<I, T, B>);

impl<I, T, B> Drop for FailOnUnwind<'_, I, T, B> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            lock(&self.0.queue).stopped = true;
            self.0.filled.notify_all();
            self.0.consumed.notify_all();
        }
    }
}

/// Prepares every source with `prepare` (on `helpers` threads and on this one) and
/// hands the items to `consume` on this thread, in the order of `sources`. No source is
/// claimed more than `ahead` (at least 1) items ahead of `consume`.
pub(super) fn prepare_in_order<I, T, B, P, C>(
    sources: I,
    helpers: usize,
    ahead: usize,
    prepare: P,
    mut consume: C,
) where
    I: Iterator + Send,
    I::Item: Send,
    T: Send,
    B: Default + Send,
    P: Fn(I::Item, &Recycle<B>) -> T + Sync,
    C: FnMut(T, &Recycle<B>),
{
    let ahead = ahead.max(1);
    let shared = Shared {
        queue: Mutex::new(Queue {
            sources: Some(sources),
            claimed: 0,
            next: 0,
            done: VecDeque::new(),
            stopped: false,
        }),
        filled: Condvar::new(),
        consumed: Condvar::new(),
        recycle: Recycle(Mutex::new(Vec::new())),
    };
    let (shared, prepare) = (&shared, &prepare);
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(move || {
                let _guard = FailOnUnwind(shared);
                loop {
                    let mut q = lock(&shared.queue);
                    while !q.stopped && q.sources.is_some() && q.claimed >= q.next + ahead {
                        q = shared
                            .consumed
                            .wait(q)
                            .unwrap_or_else(|poisoned| poisoned.into_inner());
                    }
                    if q.stopped {
                        return;
                    }
                    let Some((index, source)) = q.claim() else {
                        return;
                    };
                    drop(q);
                    let item = prepare(source, &shared.recycle);
                    lock(&shared.queue).fill(index, item);
                    shared.filled.notify_one();
                }
            });
        }
        // The kernel may queue a new thread on this one's CPU, where it waited until this
        // thread blocked (0.4 to 4.5 ms, five runs of bench-link's inputs); giving the CPU
        // up once lets the helpers start (the CLI then moves them off this CPU).
        if helpers > 0 {
            std::thread::yield_now();
        }
        loop {
            let mut q = lock(&shared.queue);
            let item = loop {
                if let Some(item) = q.pop_ready() {
                    break Some(item);
                }
                if q.finished() || q.stopped {
                    break None;
                }
                // The next item is not ready: rather than wait, prepare another source,
                // unless that is too far ahead (then waiting also lets a helper that
                // shares this thread's CPU run).
                if q.claimed < q.next + ahead
                    && let Some((index, source)) = q.claim()
                {
                    drop(q);
                    let item = prepare(source, &shared.recycle);
                    q = lock(&shared.queue);
                    q.fill(index, item);
                    continue;
                }
                // A claim may have just found the sources exhausted.
                if q.finished() {
                    break None;
                }
                q = shared
                    .filled
                    .wait(q)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            };
            drop(q);
            shared.consumed.notify_all();
            match item {
                Some(item) => consume(item, &shared.recycle),
                None => break,
            }
        }
        // Helpers waiting for room (after a helper's panic) must not wait for ever.
        lock(&shared.queue).stopped = true;
        shared.consumed.notify_all();
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn run(n: usize, helpers: usize, ahead: usize) -> (Vec<usize>, usize) {
        let reused = AtomicUsize::new(0);
        let mut got = Vec::new();
        prepare_in_order(
            0..n,
            helpers,
            ahead,
            |i, pool: &Recycle<Vec<u8>>| {
                let buf = pool.take();
                if buf.capacity() > 0 {
                    reused.fetch_add(1, Ordering::Relaxed);
                }
                // Uneven work, so items finish out of order.
                let spin = (i * 7919) % 5000;
                (i, (0..spin).fold(0usize, |a, k| a.wrapping_add(k)), buf)
            },
            |(i, _, mut buf), pool| {
                got.push(i);
                buf.reserve(16);
                pool.put(buf);
            },
        );
        (got, reused.into_inner())
    }

    #[test]
    fn items_arrive_in_source_order_whatever_the_threads() {
        for helpers in 0..4 {
            for ahead in [1, 2, 4] {
                let (got, _) = run(200, helpers, ahead);
                assert_eq!(got, (0..200).collect::<Vec<_>>(), "{helpers} helpers");
            }
        }
    }

    #[test]
    fn buffers_given_back_are_reused() {
        let (_, reused) = run(50, 1, 2);
        assert!(reused > 0);
    }

    #[test]
    fn no_sources_consumes_nothing() {
        let (got, _) = run(0, 2, 4);
        assert!(got.is_empty());
    }

    #[test]
    fn a_helper_panic_is_reported_not_waited_for() {
        let helper_ran = std::sync::atomic::AtomicBool::new(false);
        let r = std::panic::catch_unwind(|| {
            prepare_in_order(
                0..100usize,
                2,
                4,
                |i, _: &Recycle<()>| {
                    // Only helpers (unnamed threads) panic; the consumer is this test's.
                    if std::thread::current().name().is_none() {
                        helper_ran.store(true, std::sync::atomic::Ordering::SeqCst);
                        panic!("helper failed on {i}");
                    }
                    // The consumer prepares nothing until a helper has run: on a busy
                    // machine it could otherwise prepare all 100 before a helper starts.
                    let start = std::time::Instant::now();
                    while !helper_ran.load(std::sync::atomic::Ordering::SeqCst)
                        && start.elapsed() < std::time::Duration::from_secs(20)
                    {
                        std::thread::yield_now();
                    }
                    i
                },
                |_, _| {},
            )
        });
        assert!(r.is_err());
    }

    #[test]
    fn the_consumer_stops_when_the_last_claim_finds_no_source() {
        // The consumer may be the one to find the sources exhausted, after every item
        // was consumed; it must end then, not wait for an item that will never come.
        // Thousands of short runs, on a thread watched with a time limit.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for round in 0..3000usize {
                let mut got = 0;
                prepare_in_order(
                    0..20usize,
                    1,
                    4,
                    |i, _: &Recycle<()>| {
                        std::hint::black_box(
                            (0..(i * 7919 + round * 31) % 20000).fold(i, |a, k| a ^ k),
                        )
                    },
                    |_, _| got += 1,
                );
                assert_eq!(got, 20);
            }
            let _ = tx.send(());
        });
        let done = rx.recv_timeout(std::time::Duration::from_secs(60));
        assert!(done.is_ok(), "the consumer hung");
    }
}
