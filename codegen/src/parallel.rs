//! Work spread over the machine's cores, results in input order: whoever runs the generator, on
//! however many cores, gets the same bytes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` over every item, on up to as many threads as the machine has cores (taking the next item
/// as each finishes one, so that large items do not hold a thread's queue back), results in the
/// order of `items`. A panic in `f` propagates.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    run(items, (0..items.len()).collect(), f)
}

/// [`map`], starting with the heaviest items by `weight` (ties in input order): a large item
/// taken last would leave the other cores idle while one thread finishes it.
pub(crate) fn map_heaviest_first<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    run(items, heaviest_first(items, weight), f)
}

/// The indices of `items`, heaviest first, ties in input order.
fn heaviest_first<T>(items: &[T], weight: impl Fn(&T) -> usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&at| std::cmp::Reverse(weight(&items[at])));
    order
}

/// Runs `a` on a thread of its own while `b` runs on this one; both results. On one core, one
/// after the other. A panic in either propagates.
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) <= 1 {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), b)
    })
}

/// `f` over `items`, taken in `order` (a permutation of their indices), results in input order.
fn run<T: Sync, R: Send>(items: &[T], order: Vec<usize>, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let work = || {
        while let Some(&at) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let result = f(&items[at]);
            results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[at] = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    let results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.into_iter().map(|r| r.unwrap_or_else(|| unreachable!("every item is mapped once"))).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_input_order() {
        let items: Vec<u64> = (0..500).collect();
        let squares = super::map(&items, |n| {
            if n % 7 == 0 {
                std::thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map(&Vec::<u8>::new(), |n| *n).is_empty());
    }

    #[test]
    fn join_gives_both_results() {
        let (a, b) = super::join(|| (1..=10).sum::<u32>(), || "b".repeat(3));
        assert_eq!((a, b.as_str()), (55, "bbb"));
    }

    #[test]
    fn the_heaviest_items_are_taken_first_and_results_come_in_input_order() {
        let items: Vec<usize> = vec![3, 40, 7, 40, 1];
        assert_eq!(super::heaviest_first(&items, |n| *n), vec![1, 3, 2, 0, 4]);
        assert_eq!(super::map_heaviest_first(&items, |n| *n, |n| n * 2), vec![6, 80, 14, 80, 2]);
    }
}
