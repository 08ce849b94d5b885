//! Dropping repeats from a list in one pass, keeping the first of each in
//! order. Searching the list for each item as it was added took time in the
//! square of its length (3,000 apps logging in as one user, a query of
//! 200,000 fields).

use std::collections::HashSet;
use std::hash::Hash;

/// Keeps the first of equal items, in order.
pub(crate) fn keep_first<T: Eq + Hash>(items: &mut Vec<T>) {
    if items.len() < 2 {
        return;
    }
    let keep: Vec<bool> = {
        let mut seen: HashSet<&T> = HashSet::with_capacity(items.len());
        items.iter().map(|x| seen.insert(x)).collect()
    };
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(true));
}

/// Keeps the first of the items whose keys are equal, in order.
pub(crate) fn keep_first_by_key<T, K: Eq + Hash>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    if items.len() < 2 {
        return;
    }
    let mut seen: HashSet<K> = HashSet::with_capacity(items.len());
    items.retain(|x| seen.insert(key(x)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_each_stays_in_order() {
        let mut v = vec![3, 1, 3, 2, 1, 4];
        keep_first(&mut v);
        assert_eq!(v, [3, 1, 2, 4]);
        let mut names = vec!["Name", "Id", "name", "ID", "Email"];
        keep_first_by_key(&mut names, |n| n.to_ascii_lowercase());
        assert_eq!(names, ["Name", "Id", "Email"]);
    }
}
