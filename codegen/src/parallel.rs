//! Work spread over the machine's cores, results in input order: whoever runs the generator, on
//! however many cores, gets the same bytes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` over every item, on up to as many threads as the machine has cores (taking the next item
/// as each finishes one, so that large items do not hold a thread's queue back), results in the
/// order of `items`. A panic in `f` propagates.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(at) else { break };
                    let result = f(item);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[at] = Some(result);
                }
            });
        }
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
}
