//! Each large property file's entries by key, for [`MuleApp::lookup`]: a
//! lookup walks a file's entries from its end, which for a file of
//! thousands of keys asked about thousands of times (IG102 asks where each
//! definition is read, in each environment) took time growing with the
//! square of its size. Made on the first lookup of an app; a file changed
//! since (its entries moved or their number changed) is walked as before.
//!
//! [`MuleApp::lookup`]: super::MuleApp::lookup

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt};

use super::{PropertyEntry, PropertyFile};

/// Files with fewer entries are walked: most files, and cheaper so.
pub(crate) const INDEXED_FROM: usize = 64;

/// The index, made when first asked (boxed: 16 bytes in every app). A
/// copy of an app starts without one: its files are elsewhere.
#[derive(Debug, Default)]
pub(crate) struct KeyIndex(OnceLock<Box<Files>>);

impl Clone for KeyIndex {
    fn clone(&self) -> Self {
        KeyIndex::default()
    }
}

#[derive(Debug)]
struct Files {
    /// By the file's address: a file moved since is not found.
    by_file: HashMap<usize, FileKeys>,
}

#[derive(Debug)]
struct FileKeys {
    /// The file's path, its entries' address and their number when it was
    /// made: a file that differs in any is walked.
    path: String,
    entries_at: usize,
    len: usize,
    /// Each key hash's entries, last first.
    by_hash: HashMap<u32, Vec<u32>>,
}

impl KeyIndex {
    /// The last entry of `file` (one of `files`) whose key is `name` and
    /// that Mule reads, as walking its entries from the end finds it.
    #[inline]
    pub(crate) fn last_with_key<'a>(
        &self,
        files: &[PropertyFile],
        file: &'a PropertyFile,
        name: &str,
        hash: u32,
    ) -> Option<&'a PropertyEntry> {
        let indexed = if file.entries.len() < INDEXED_FROM {
            None
        } else {
            self.indexed(files, file, hash)
        };
        match indexed {
            Some(candidates) => candidates
                .iter()
                .map(|&i| &file.entries[i as usize])
                .find(|e| e.has_key(name, hash)),
            None => file.entries.iter().rev().find(|e| e.has_key(name, hash)),
        }
    }

    /// The entries of a large `file` whose key hash is `hash`, last first;
    /// `None` when the index does not know the file as it is (out of line:
    /// the small files' walk stays as compact as it was).
    #[inline(never)]
    fn indexed(&self, files: &[PropertyFile], file: &PropertyFile, hash: u32) -> Option<&[u32]> {
        let index = self.0.get_or_init(|| Box::new(Files::of(files)));
        let keys = index
            .by_file
            .get(&(file as *const PropertyFile as usize))
            .filter(|keys| {
                keys.entries_at == file.entries.as_ptr() as usize
                    && keys.len == file.entries.len()
                    && keys.path == file.path.as_str()
            })?;
        Some(keys.by_hash.get(&hash).map_or(&[], Vec::as_slice))
    }

    /// Forgets the index (its files are gone, or go).
    pub(crate) fn clear(&mut self) {
        self.0 = OnceLock::new();
    }
}

impl Files {
    fn of(files: &[PropertyFile]) -> Self {
        let mut by_file = HashMap::new();
        for file in files.iter().filter(|f| f.entries.len() >= INDEXED_FROM) {
            let mut by_hash: HashMap<u32, Vec<u32>> = HashMap::new();
            for (i, e) in file.entries.iter().enumerate().rev() {
                by_hash.entry(e.key_hash()).or_default().push(i as u32);
            }
            by_file.insert(
                file as *const PropertyFile as usize,
                FileKeys {
                    path: file.path.to_string(),
                    entries_at: file.entries.as_ptr() as usize,
                    len: file.entries.len(),
                    by_hash,
                },
            );
        }
        Files { by_file }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::mule::{MuleApp, MuleRuntime, PropertyFormat};
    use crate::location::Location;

    fn file(path: &str, keys: impl Iterator<Item = String>) -> PropertyFile {
        PropertyFile {
            path: path.into(),
            format: PropertyFormat::Yaml,
            environment: None,
            secure: false,
            plain_too: false,
            loaded: true,
            entries: keys
                .enumerate()
                .map(|(i, k)| {
                    PropertyEntry::new(&k, &format!("v{i}"), Location::new(path, i as u32 + 1, 1))
                })
                .collect(),
            split_values: Vec::new(),
        }
    }

    /// What walking the file from its end finds, by line.
    fn walked(file: &PropertyFile, name: &str) -> Option<u32> {
        let hash = PropertyEntry::hash_key(name);
        file.entries
            .iter()
            .rev()
            .find(|e| e.has_key(name, hash))
            .map(|e| e.location.line)
    }

    fn indexed(app: &MuleApp, at: usize, name: &str) -> Option<u32> {
        let hash = PropertyEntry::hash_key(name);
        app.key_index
            .last_with_key(&app.property_files, &app.property_files[at], name, hash)
            .map(|e| e.location.line)
    }

    /// Every name of a large file (keys written twice, the last read; an
    /// unread one skipped for the one before), of a small one, and names
    /// no file has, are found as walking finds them; a file grown since
    /// the index was made, and a copy of the app, too.
    #[test]
    fn the_index_finds_what_walking_finds() {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        let big = (0..300).map(|i| format!("k{}", i % 200));
        app.property_files = vec![
            file("big.yaml", big),
            file("small.yaml", (0..10).map(|i| format!("k{i}"))),
        ]
        .into();
        app.property_files[0].entries[250].mark_unread();
        // Room for the entry pushed below: it stays where it is, only its
        // number of entries tells the index it changed.
        app.property_files[0].entries.reserve(8);
        let names: Vec<String> = (0..210).map(|i| format!("k{i}")).collect();
        let mut found = 0;
        for name in &names {
            for at in 0..2 {
                let expected = walked(&app.property_files[at], name);
                assert_eq!(indexed(&app, at, name), expected, "{name} in {at}");
                found += usize::from(expected.is_some());
            }
        }
        assert!(found > 200, "{found}");
        // k50 is written at 51 and 251 (unread): the first is read.
        assert_eq!(indexed(&app, 0, "k50"), Some(51));
        assert_eq!(indexed(&app, 0, "k60"), Some(261));
        // A file grown after the index was made is walked.
        app.property_files[0].entries.push(PropertyEntry::new(
            "k60",
            "late",
            Location::new("big.yaml", 999, 1),
        ));
        assert_eq!(indexed(&app, 0, "k60"), Some(999));
        let copy = app.clone();
        assert_eq!(indexed(&copy, 0, "k60"), Some(999));
        assert_eq!(
            indexed(&copy, 0, "k199"),
            walked(&copy.property_files[0], "k199")
        );
    }
}
