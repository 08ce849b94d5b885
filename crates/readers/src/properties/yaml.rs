//! YAML property files, read with yaml-rust2's event parser so every key keeps
//! its line and column. Nested mappings flatten with dots
//! (`sfdc: {password: x}` -> `sfdc.password`). A list of values is one
//! property, its items joined with commas (`hosts: [a, b]` -> `hosts` =
//! `a,b`), as Mule's configuration properties read it; Mule refuses a list
//! of mappings, whose items are kept as `key[i].name` all the same (what
//! they hold is committed either way). A syntax error keeps the entries read
//! before it and becomes a `yaml-syntax` diagnostic.

use intguard_model::{Diagnostic, FilePath, Location, PropertyEntry};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::java_properties::SplitValues;
use crate::position::LineIndex;

enum Key {
    /// The next scalar is a key.
    Expected,
    Read(String, Marker),
    /// The key was complex (a mapping or sequence): skip its value.
    Skip,
}

/// What an anchored node (`&name`) flattened to: each entry's key relative
/// to the node (empty for a scalar), value and where it was written.
type Anchored = Vec<(String, String, Location)>;

enum Container {
    Map {
        prefix: String,
        key: Key,
        /// The node's anchor id (0: none) and the first entry it produced.
        anchor: (usize, usize),
        /// Entries brought in by merge keys (`<<: *defaults`): explicit keys
        /// of this mapping override them, wherever they are written.
        merged: Vec<usize>,
        /// Where each key written in this mapping starts its value (the
        /// first entry) and where the key is, in order; and each key's
        /// last place in that list: a key written again replaces the
        /// whole of its first value.
        keys: Vec<(usize, Marker)>,
        key_at: std::collections::HashMap<String, usize>,
    },
    Seq {
        prefix: String,
        index: usize,
        anchor: (usize, usize),
        /// Where the list's key is written.
        at: Location,
        /// `Some` when the first item is a value: the list is one property,
        /// the values joined ([`Flattener::close_list`]).
        values: Option<Vec<String>>,
    },
    /// `<<: [*a, *b]`: the aliases merged into the mapping `prefix`.
    Merge { prefix: String, aliases: Vec<usize> },
    /// A mapping or sequence that is skipped: a complex key (`as_key`), or
    /// the value of one, or anything inside them.
    Ignored { as_key: bool },
}

/// `prefix.key`, or `key` at the top level: YAML keys flatten with dots.
pub(super) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        [prefix, ".", key].concat()
    }
}

struct Flattener<'a> {
    text: &'a str,
    /// One shared path for every entry's location.
    path: FilePath,
    lines: LineIndex,
    stack: Vec<Container>,
    entries: Vec<PropertyEntry>,
    anchors: std::collections::HashMap<usize, Anchored>,
    /// Entries that aliases may still add: aliases of aliases multiply (a
    /// "billion laughs" file of a few hundred bytes would expand to
    /// hundreds of millions of entries).
    alias_budget: usize,
    /// Where the budget ran out, for the diagnostic.
    alias_budget_spent_at: Option<Location>,
    /// Lists read as one property, as (where, items): their items are
    /// written apart, and each is masked in output on its own.
    joined: Vec<(Location, Vec<String>)>,
    /// Keys written twice in one mapping, as (the first, the second, the
    /// full key, how many entries the first defined).
    duplicates: Vec<(Location, Location, String, usize)>,
}

/// The entries aliases may add to one file.
const MAX_ALIAS_ENTRIES: usize = 10_000;

impl Flattener<'_> {
    fn location(&self, m: &Marker) -> Location {
        // Markers count lines from 1; columns are 0-based characters.
        let line = u32::try_from(m.line()).unwrap_or(u32::MAX).max(1);
        let col = u32::try_from(m.col()).unwrap_or(u32::MAX).saturating_add(1);
        let _ = &self.lines;
        Location::new(&self.path, line, col)
    }

    /// The full key for a value about to be read at `m` in the current
    /// container, and where to point: the key, or the item for sequences.
    /// `None` when the value is not a property (top-level scalar, complex key).
    fn take_slot(&mut self, m: &Marker) -> Option<(String, Location)> {
        let slot = match self.stack.last_mut()? {
            Container::Map { prefix, key, .. } => match std::mem::replace(key, Key::Expected) {
                Key::Read(k, km) => Some((join(prefix, &k), km)),
                Key::Expected | Key::Skip => None,
            },
            Container::Seq { prefix, index, .. } => {
                let k = format!("{prefix}[{index}]");
                *index += 1;
                Some((k, *m))
            }
            Container::Merge { .. } | Container::Ignored { .. } => None,
        };
        slot.map(|(k, marker)| {
            let loc = self.location(&marker);
            (k, loc)
        })
    }

    /// True when the next scalar in a mapping is a key.
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Container::Map {
                key: Key::Expected,
                ..
            })
        )
    }

    /// True when the next value is a merge key's (`<<: ...`).
    fn merging(&self) -> Option<String> {
        match self.stack.last() {
            Some(Container::Map {
                prefix,
                key: Key::Read(k, _),
                ..
            }) if k == "<<" => Some(prefix.clone()),
            _ => None,
        }
    }

    /// Adds what anchor `id` flattened to under `prefix`; `merged` marks the
    /// entries as brought in by a merge key of the current mapping.
    fn expand(&mut self, id: usize, prefix: &str, merged: bool) {
        let Some(anchored) = self.anchors.get(&id) else {
            return;
        };
        if anchored.len() > self.alias_budget {
            self.alias_budget = 0;
            if self.alias_budget_spent_at.is_none() {
                self.alias_budget_spent_at = anchored.first().map(|a| a.2.clone());
            }
            return;
        }
        self.alias_budget -= anchored.len();
        let start = self.entries.len();
        for (suffix, value, location) in anchored {
            let key = if suffix.is_empty() {
                prefix.to_string()
            } else {
                join(prefix, suffix)
            };
            if !key.is_empty() {
                self.entries
                    .push(PropertyEntry::new(&key, value, location.clone()));
            }
        }
        if merged {
            let end = self.entries.len();
            if let Some(Container::Map { merged, .. }) = self.stack.last_mut() {
                merged.extend(start..end);
            }
        }
    }

    /// Records what an anchored node flattened to: `entries[first..]`, keys
    /// made relative to `prefix`.
    fn record_anchor(&mut self, id: usize, prefix: &str, first: usize) {
        if id == 0 {
            return;
        }
        let anchored = self.entries[first.min(self.entries.len())..]
            .iter()
            .map(|e| {
                let key = e.key();
                let suffix = if prefix.is_empty() {
                    key
                } else {
                    key.strip_prefix(prefix)
                        .map(|k| k.strip_prefix('.').unwrap_or(k))
                        .unwrap_or(key)
                };
                (
                    suffix.to_string(),
                    e.value().to_string(),
                    e.location.clone(),
                )
            })
            .collect();
        self.anchors.insert(id, anchored);
    }

    fn event(&mut self, ev: Event, m: Marker) {
        match ev {
            Event::DocumentStart => self.stack.clear(),
            Event::Scalar(value, style, anchor, _) => {
                if self.expecting_key() {
                    self.replace_duplicate(&value, &m);
                    if let Some(Container::Map { key, .. }) = self.stack.last_mut() {
                        *key = Key::Read(value, m);
                    }
                    return;
                }
                let value =
                    if style == TScalarStyle::Plain && value == "~" && !self.source_has_tilde(&m) {
                        String::new()
                    } else {
                        value
                    };
                if let Some(Container::Seq { index, values, .. }) = self.stack.last_mut() {
                    if *index == 0 {
                        *values = Some(Vec::new());
                    }
                    if let Some(values) = values {
                        *index += 1;
                        values.push(value);
                        return;
                    }
                }
                if let Some((key, location)) = self.take_slot(&m) {
                    if anchor != 0 {
                        self.anchors.insert(
                            anchor,
                            vec![(String::new(), value.clone(), location.clone())],
                        );
                    }
                    self.entries
                        .push(PropertyEntry::new(&key, &value, location));
                }
            }
            Event::Alias(id) if matches!(self.stack.last(), Some(Container::Merge { .. })) => {
                if let Some(Container::Merge { aliases, .. }) = self.stack.last_mut() {
                    aliases.push(id);
                }
            }
            Event::Alias(id) if !self.expecting_key() => {
                if let Some(prefix) = self.merging() {
                    let _ = self.take_slot(&m);
                    self.expand(id, &prefix, true);
                } else if let Some((key, _)) = self.take_slot(&m) {
                    self.expand(id, &key, false);
                }
            }
            Event::Alias(_) => {
                // An alias used as a key: skip its value.
                if let Some(Container::Map { key, .. }) = self.stack.last_mut() {
                    *key = Key::Skip;
                }
            }
            Event::SequenceStart(..) if self.merging().is_some() => {
                let prefix = self.merging().unwrap_or_default();
                let _ = self.take_slot(&m);
                self.stack.push(Container::Merge {
                    prefix,
                    aliases: Vec::new(),
                });
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (is_map, anchor_id) = match ev {
                    Event::MappingStart(a, _) => (true, a),
                    Event::SequenceStart(a, _) => (false, a),
                    _ => (false, 0),
                };
                let anchor = (anchor_id, self.entries.len());
                let as_key = self.expecting_key();
                let container = if self.stack.is_empty() {
                    Some((String::new(), self.location(&m)))
                } else if as_key {
                    None
                } else {
                    self.take_slot(&m)
                };
                self.stack.push(match (container, is_map) {
                    (Some((prefix, _)), true) => Container::Map {
                        prefix,
                        key: Key::Expected,
                        anchor,
                        merged: Vec::new(),
                        keys: Vec::new(),
                        key_at: Default::default(),
                    },
                    (Some((prefix, at)), false) => Container::Seq {
                        prefix,
                        index: 0,
                        anchor,
                        at,
                        values: None,
                    },
                    (None, _) => Container::Ignored { as_key },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let closed = self.stack.pop();
                match &closed {
                    Some(Container::Merge { prefix, aliases }) => {
                        // The first alias listed wins: added last (the last
                        // definition of a key is the one resolution reads).
                        let (prefix, aliases) = (prefix.clone(), aliases.clone());
                        for id in aliases.into_iter().rev() {
                            self.expand(id, &prefix, true);
                        }
                    }
                    Some(Container::Map {
                        prefix,
                        anchor: (id, first),
                        merged,
                        ..
                    }) => {
                        if !merged.is_empty() {
                            self.drop_overridden(*first, merged);
                        }
                        let (prefix, id, first) = (prefix.clone(), *id, *first);
                        self.record_anchor(id, &prefix, first);
                    }
                    Some(Container::Seq {
                        prefix,
                        anchor: (id, first),
                        at,
                        values,
                        ..
                    }) => {
                        let (prefix, id, first) = (prefix.clone(), *id, *first);
                        if let Some(values) = values {
                            self.close_list(&prefix, at, values);
                        }
                        self.record_anchor(id, &prefix, first);
                    }
                    _ => {}
                }
                // A complex key just ended: the value that follows has no
                // usable name, so skip it.
                if matches!(closed, Some(Container::Ignored { as_key: true })) {
                    if let Some(Container::Map { key, .. }) = self.stack.last_mut() {
                        if matches!(key, Key::Expected) {
                            *key = Key::Skip;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// A list whose first item is a value: one property, the values joined
    /// with commas, at the list's key, as Mule reads it (its configuration
    /// properties provider joins the items of such a list). A list at the top
    /// level names no property.
    fn close_list(&mut self, prefix: &str, at: &Location, values: &[String]) {
        if prefix.is_empty() {
            return;
        }
        self.entries
            .push(PropertyEntry::new(prefix, &values.join(","), at.clone()));
        if values.len() > 1 {
            self.joined.push((at.clone(), values.to_vec()));
        }
    }

    /// Drops the merged entries of a mapping (from `first` on) whose key the
    /// mapping also writes explicitly: YAML merge keys never override.
    fn drop_overridden(&mut self, first: usize, merged: &[usize]) {
        let merged: std::collections::HashSet<usize> = merged.iter().copied().collect();
        let explicit: std::collections::HashSet<String> = self.entries[first..]
            .iter()
            .enumerate()
            .filter(|(i, _)| !merged.contains(&(first + i)))
            .map(|(_, e)| e.key().to_string())
            .collect();
        let tail: Vec<PropertyEntry> = self.entries.drain(first..).collect();
        for (index, e) in (first..).zip(tail) {
            if !merged.contains(&index) || !explicit.contains(e.key()) {
                self.entries.push(e);
            }
        }
    }

    /// Before key `key` of the current mapping is read (at `m`): when the
    /// mapping wrote it before, SnakeYAML (Mule's YAML loader, which allows
    /// duplicate keys) keeps only this one's value, so the entries of the
    /// first value are written but not read: marked unread, and recorded
    /// for a `yaml-duplicate-key` warning. Merge keys (`<<`) are not keys.
    fn replace_duplicate(&mut self, key: &str, m: &Marker) {
        let Some(Container::Map {
            prefix,
            keys,
            key_at,
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let now = self.entries.len();
        let previous = if key == "<<" {
            None
        } else {
            key_at.insert(key.to_string(), keys.len())
        };
        let found = previous.map(|i| {
            let end = keys.get(i + 1).map_or(now, |next| next.0);
            (keys[i].0, end, keys[i].1, join(prefix, key))
        });
        keys.push((now, *m));
        let Some((start, end, first_at, full)) = found else {
            return;
        };
        let nested = [full.as_str(), "."].concat();
        // The entries below the key (a mapping's) are no longer read; a
        // scalar written twice is read as its last value, as in any file
        // (resolution reads a key's last definition), and stays as the fast
        // path reads it.
        let mut marked = 0;
        for e in &mut self.entries[start.min(now)..end.min(now)] {
            if !e.is_unread() && e.key().starts_with(&nested) {
                e.mark_unread();
                marked += 1;
            }
        }
        let (first, second) = (self.location(&first_at), self.location(m));
        self.duplicates.push((first, second, full, marked));
    }

    fn source_has_tilde(&self, m: &Marker) -> bool {
        let Some(start) = self
            .lines
            .line_start(u32::try_from(m.line()).unwrap_or(u32::MAX))
        else {
            return false;
        };
        let line = &self.text[start..];
        line.chars().nth(m.col()) == Some('~')
    }
}

/// Reads a YAML property file into flattened entries, with the values
/// written apart (a list's items) for masking.
pub(crate) fn read_yaml(
    text: &str,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<PropertyEntry>, SplitValues) {
    // A UTF-8 byte order mark (Windows editors write one) is no part of the
    // first key: Mule's YAML parser skips it. Columns are then as an editor
    // shows them.
    let text = crate::position::without_bom(text);
    let spaced = tabs_after_colons_as_spaces(text);
    let text = spaced.as_deref().unwrap_or(text);
    if let Some(entries) = super::yaml_fast::flatten(text, path) {
        return (entries, SplitValues::new());
    }
    read_yaml_events(text, path, diagnostics)
}

/// What yaml-rust2 says of a tab between a mapping's `:` and its value.
const TAB_AFTER_COLON: &str = "':' must be followed by a valid YAML whitespace";

/// How much parsing [`tabs_after_colons_as_spaces`] may spend, in bytes
/// parsed: each tab it replaces costs one more parse of the file.
const TAB_REPARSE_BUDGET: usize = 64 << 20;

/// `key:\tvalue` is valid YAML 1.2 (a tab is separation whitespace within a
/// line) and SnakeYAML, which Mule uses, reads it; yaml-rust2 refuses it
/// when the value starts with a letter or `-`. A copy of the text where
/// each tab the parser refuses there (and the blanks between it and the
/// `:`) becomes a space: the same bytes elsewhere, so every line and column
/// is as written, and no value changes (the blanks after a `:` are no part
/// of the value). Only the places the parser names are changed, so a tab
/// inside a quoted or block scalar stays. `None` when nothing changes.
fn tabs_after_colons_as_spaces(text: &str) -> Option<String> {
    if !text.contains(":\t") {
        return None;
    }
    let mut copy: Option<String> = None;
    let mut spent = 0usize;
    loop {
        let current = copy.as_deref().unwrap_or(text);
        spent += current.len();
        if spent > TAB_REPARSE_BUDGET {
            return copy;
        }
        let mut parser = Parser::new_from_str(current);
        let error = loop {
            match parser.next_token() {
                Ok((Event::StreamEnd, _)) => return copy,
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        if error.info() != TAB_AFTER_COLON {
            return copy;
        }
        // The marker is at the value, after the blanks that follow the `:`.
        let m = error.marker();
        let lines = LineIndex::new(current);
        let Some(start) = u32::try_from(m.line())
            .ok()
            .and_then(|l| lines.line_start(l))
        else {
            return copy;
        };
        let at = current[start..]
            .char_indices()
            .nth(m.col())
            .map_or(current.len(), |(i, _)| start + i);
        let bytes = current.as_bytes();
        let mut from = at;
        while from > start && matches!(bytes[from - 1], b' ' | b'\t') {
            from -= 1;
        }
        if from == at
            || from == start
            || bytes[from - 1] != b':'
            || !bytes[from..at].contains(&b'\t')
        {
            return copy;
        }
        let mut owned = current.to_string();
        owned.replace_range(from..at, &" ".repeat(at - from));
        copy = Some(owned);
    }
}

/// The general path: yaml-rust2's event parser.
pub(super) fn read_yaml_events(
    text: &str,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<PropertyEntry>, SplitValues) {
    read_yaml_events_recovering(text, path, diagnostics, 0)
}

/// How many times a syntax error's file is read again up to the error's
/// line (each time shorter: an unclosed quote or bracket can put the error
/// of the shortened text on an earlier line).
const MAX_RECOVERIES: u32 = 3;

/// [`read_yaml_events`], `recovery` rereadings deep.
fn read_yaml_events_recovering(
    text: &str,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
    recovery: u32,
) -> (Vec<PropertyEntry>, SplitValues) {
    let mut recovered = None;
    let mut f = Flattener {
        text,
        path: FilePath::from(path),
        lines: LineIndex::new(text),
        stack: Vec::new(),
        entries: Vec::new(),
        anchors: Default::default(),
        alias_budget: MAX_ALIAS_ENTRIES,
        alias_budget_spent_at: None,
        joined: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((ev, m)) => f.event(ev, m),
            Err(e) => {
                let m = e.marker();
                let loc = f.location(m);
                diagnostics.push(
                    Diagnostic::error(
                        "yaml-syntax",
                        path,
                        format!("YAML syntax error: {}; kept the keys read before", e.info()),
                    )
                    .at(loc.line, loc.column),
                );
                // The parser reads ahead: the keys of the lines just before
                // the error (a value followed by a tab-indented line) were
                // not given yet. The text up to the error's line holds them.
                if recovery < MAX_RECOVERIES {
                    let start = f.lines.line_start(loc.line).unwrap_or(0);
                    if start > 0 && start < text.len() {
                        let mut scratch = Vec::new();
                        let prefix = read_yaml_events_recovering(
                            &text[..start],
                            path,
                            &mut scratch,
                            recovery + 1,
                        );
                        if prefix.0.len() > f.entries.len() {
                            recovered = Some(prefix);
                        }
                    }
                }
                break;
            }
        }
    }
    if let Some(prefix) = recovered {
        return prefix;
    }
    for (first, second, key, marked) in &f.duplicates {
        // A scalar written twice: its last value is read, as in any file.
        if *marked == 0 {
            continue;
        }
        diagnostics.push(
            Diagnostic::warning(
                "yaml-duplicate-key",
                path,
                format!(
                    "`{key}` is written again at line {}: Mule's YAML loader keeps only the last, so what this one defines is not read (not even the keys the other does not write): merge the two",
                    second.line
                ),
            )
            .at(first.line, first.column),
        );
    }
    if let Some(at) = &f.alias_budget_spent_at {
        diagnostics.push(
            Diagnostic::warning(
                "yaml-aliases",
                path,
                format!(
                    "aliases expand to more than {MAX_ALIAS_ENTRIES} keys (nested aliases multiply): the rest were not expanded"
                ),
            )
            .at(at.line, at.column),
        );
    }
    // Each joined list's entries, found again by place and value: merge keys
    // may have moved them since, and an alias of the list (`copy: *list`)
    // is an entry of its own, at the list's place, whose items are written
    // apart all the same.
    let mut split = SplitValues::new();
    if !f.joined.is_empty() {
        let mut at_place: std::collections::HashMap<(u32, u32), Vec<usize>> = Default::default();
        for (i, e) in f.entries.iter().enumerate() {
            at_place
                .entry((e.location.line, e.location.column))
                .or_default()
                .push(i);
        }
        for (at, items) in &f.joined {
            let joined = items.join(",");
            let pieces: Box<[Box<str>]> = items.iter().map(|v| v.as_str().into()).collect();
            for &i in at_place.get(&(at.line, at.column)).into_iter().flatten() {
                if f.entries[i].value() == joined {
                    if let Ok(i) = u32::try_from(i) {
                        split.push((i, pieces.clone()));
                    }
                }
            }
        }
    }
    multi_line_pieces(text, &f.lines, &f.entries, &mut split);
    split.sort_by_key(|(i, _)| *i);
    split.dedup_by_key(|(i, _)| *i);
    (f.entries, split)
}

/// Records the pieces of each value written over several lines (a folded
/// plain or quoted scalar, a block scalar): each line's part as written. A
/// snippet shows one line of such a value, which the whole value (what the
/// redactor knows) does not match. Each piece is a non-empty part of the
/// value, read from the key's line on while the lines go on with it.
fn multi_line_pieces(
    text: &str,
    lines: &LineIndex,
    entries: &[PropertyEntry],
    split: &mut SplitValues,
) {
    for (i, e) in entries.iter().enumerate() {
        let value = e.value().trim();
        // Folding makes a line break a space; a block scalar keeps it.
        if !value.contains([' ', '\n']) {
            continue;
        }
        let Some(start) = lines.line_start(e.location.line) else {
            continue;
        };
        let mut rows = text[start..].lines();
        let Some(first) = rows.next() else {
            continue;
        };
        let indent = first.len() - first.trim_start().len();
        // The value's part of the key's line: after the `:` that ends the key.
        let from = (e.location.column as usize)
            .saturating_sub(1)
            .min(first.len());
        let Some(colon) = first.get(from..).and_then(|r| {
            r.find(": ")
                .or_else(|| r.ends_with(':').then(|| r.len() - 1))
        }) else {
            continue;
        };
        let head = first[from + colon + 1..].trim();
        let head = head.trim_start_matches(['"', '\'']);
        if head.trim_end_matches(['"', '\'']) == value {
            continue;
        }
        let mut pieces: Vec<Box<str>> = Vec::new();
        // The pieces follow each other in the value: each is looked for
        // after the last (a search of the whole value for each line took
        // time in the square of a long block scalar).
        let mut at = 0usize;
        let next = |piece: &str, at: &mut usize| match value[*at..].find(piece) {
            Some(i) => {
                *at += i + piece.len();
                true
            }
            None => false,
        };
        let block = head.starts_with(['|', '>']);
        if !head.is_empty() && !block {
            if !next(head, &mut at) {
                continue;
            }
            pieces.push(head.into());
        }
        for row in rows {
            let piece = row.trim();
            if piece.is_empty() {
                continue;
            }
            let deeper = row.len() - row.trim_start().len() > indent;
            let piece = piece.trim_end_matches(['"', '\'']);
            if !deeper || piece.is_empty() || !next(piece, &mut at) {
                break;
            }
            pieces.push(piece.into());
            if at >= value.len() {
                break;
            }
        }
        if pieces.len() > 1 {
            if let Ok(i) = u32::try_from(i) {
                split.push((i, pieces.into_boxed_slice()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(text: &str) -> Vec<(String, String, u32)> {
        let mut d = Vec::new();
        let (entries, _) = read_yaml(text, "p.yaml", &mut d);
        assert!(d.is_empty(), "{d:?}");
        // In the readers' order: resolution reads a key's last definition.
        entries
            .iter()
            .map(|e| (e.key().to_string(), e.value().to_string(), e.location.line))
            .collect()
    }

    fn value_of(entries: &[(String, String, u32)], key: &str) -> Option<(String, u32)> {
        // The last definition is the one resolution reads.
        entries
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, l)| (v.clone(), *l))
    }

    /// A value written over several lines (folded plain and quoted
    /// scalars, a block scalar) keeps its pieces as written, one per line,
    /// for output to mask: a snippet shows one line of it.
    #[test]
    fn values_over_several_lines_keep_their_pieces() {
        let text = "p2: 'SingleFirstA1\n  SingleSecondB2'\np3: \"DoubleFirstR5\n  DoubleSecondT6\"\np4: PlainFirstC3\n  PlainSecondD4\np5: |\n  BlockFirst\n  BlockSecond\nsame: 'one line value'\n";
        let mut d = Vec::new();
        let (entries, split) = read_yaml(text, "p.yaml", &mut d);
        assert!(d.is_empty(), "{d:?}");
        let pieces: Vec<(&str, Vec<&str>)> = split
            .iter()
            .map(|(i, p)| (entries[*i as usize].key(), p.iter().map(|x| &**x).collect()))
            .collect();
        assert_eq!(
            pieces,
            vec![
                ("p2", vec!["SingleFirstA1", "SingleSecondB2"]),
                ("p3", vec!["DoubleFirstR5", "DoubleSecondT6"]),
                ("p4", vec!["PlainFirstC3", "PlainSecondD4"]),
                ("p5", vec!["BlockFirst", "BlockSecond"]),
            ]
        );
    }

    /// Found by testing real teams' files: a mapping key written twice (a
    /// block appended at the end of the file) is one key for SnakeYAML,
    /// whose last value replaces the first whole: `sf.user`, written only
    /// in the first block, is defined nowhere for Mule, and was resolved as
    /// the app's user. Its entries stay (committed all the same) but are
    /// marked unread, with a `yaml-duplicate-key` warning at the first key.
    /// A scalar written twice is read as its last value, as before;
    /// other documents (`---`) add to the keys, not replace them.
    #[test]
    fn a_mapping_written_twice_keeps_only_its_last_value() {
        let text = "sf:\n  user: stale@acme.example\n  url: https://login.salesforce.com\nhttp:\n  port: \"8081\"\n  port: \"8082\"\nsf:\n  consumerKey: 3MVG9x\n---\nsf:\n  token: t\n";
        let mut d = Vec::new();
        let (entries, _) = read_yaml(text, "p.yaml", &mut d);
        let read: Vec<(&str, bool)> = entries.iter().map(|e| (e.key(), e.is_unread())).collect();
        assert_eq!(
            read,
            vec![
                ("sf.user", true),
                ("sf.url", true),
                ("http.port", false),
                ("http.port", false),
                ("sf.consumerKey", false),
                ("sf.token", false),
            ]
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "yaml-duplicate-key");
        assert_eq!((d[0].line, d[0].column), (Some(1), Some(1)));
        assert!(
            d[0].message.contains("`sf` is written again at line 7"),
            "{d:?}"
        );
        // Nested, and a mapping replaced by a scalar.
        let mut d = Vec::new();
        let (entries, _) = read_yaml(
            "a:\n  b:\n    c: 1\n  b:\n    d: 2\nx:\n  y: 1\nx: flat\n",
            "p.yaml",
            &mut d,
        );
        let unread: Vec<&str> = entries
            .iter()
            .filter(|e| e.is_unread())
            .map(|e| e.key())
            .collect();
        assert_eq!(unread, ["a.b.c", "x.y"]);
        assert_eq!(d.len(), 2, "{d:?}");
    }

    /// A list of values is one property, its items joined with commas, as
    /// Mule reads it; also through an alias, in a merge, and in the fast
    /// path's kind of file (plain keys and values around it).
    #[test]
    fn lists_of_values_are_one_property() {
        let e = flat("a:\n  b: [x, y]\n  c: plain\n");
        assert_eq!(value_of(&e, "a.b"), Some(("x,y".into(), 2)));
        assert_eq!(value_of(&e, "a.c"), Some(("plain".into(), 3)));
        let e = flat("hosts:\n  - one\n  - \"two\"\n  - ~\nbase: &b\n  list: [p, q]\nx:\n  <<: *b\ncopy: *b\nempty: []\n");
        assert_eq!(value_of(&e, "hosts"), Some(("one,two,~".into(), 1)));
        assert_eq!(value_of(&e, "x.list"), Some(("p,q".into(), 6)));
        assert_eq!(value_of(&e, "copy.list"), Some(("p,q".into(), 6)));
        assert_eq!(value_of(&e, "empty"), None);
        assert!(!e.iter().any(|(k, _, _)| k.contains('[')), "{e:?}");
        let mut d = Vec::new();
        let (entries, split) = read_yaml("l: [sec-1, sec-2]\nm: *missing\n", "p.yaml", &mut d);
        assert_eq!(entries[0].value(), "sec-1,sec-2");
        let pieces: Vec<&str> = split[0].1.iter().map(|p| &**p).collect();
        assert_eq!((split[0].0, pieces), (0, vec!["sec-1", "sec-2"]));
    }

    /// Found by review: Mule reads YAML with SnakeYAML, which applies
    /// anchors, aliases and merge keys; intguard dropped them, so a username
    /// and password written once under `defaults` were unknown per
    /// environment (IG101 named no user, IG303 missed sharing).
    #[test]
    fn anchors_aliases_and_merge_keys_are_applied() {
        let e = flat(
            "defaults: &defaults\n  username: \"int.a17@acme.com\"\n  password: \"AnchorPw\"\n  url: &url https://login.salesforce.com\nsf:\n  <<: *defaults\n  password: \"Override\"\nother:\n  login: *url\n  copy: *defaults\nboth:\n  <<: [*defaults, {}]\nlater:\n  username: first\n  <<: *defaults\n",
        );
        assert_eq!(
            value_of(&e, "sf.username"),
            Some(("int.a17@acme.com".into(), 2))
        );
        // An explicit key overrides a merged one.
        assert_eq!(value_of(&e, "sf.password"), Some(("Override".into(), 7)));
        assert_eq!(e.iter().filter(|(k, _, _)| k == "sf.password").count(), 1);
        assert_eq!(
            value_of(&e, "other.login"),
            Some(("https://login.salesforce.com".into(), 4))
        );
        assert_eq!(
            value_of(&e, "other.copy.password"),
            Some(("AnchorPw".into(), 3))
        );
        assert_eq!(
            value_of(&e, "both.username"),
            Some(("int.a17@acme.com".into(), 2))
        );
        // Wherever the merge key is written, explicit keys win.
        assert_eq!(value_of(&e, "later.username"), Some(("first".into(), 14)));
        assert_eq!(value_of(&e, "later.password"), Some(("AnchorPw".into(), 3)));
        // The first alias of a merge list wins.
        let e = flat("a: &a\n  k: fromA\nb: &b\n  k: fromB\n  j: onlyB\nc:\n  <<: [*a, *b]\n");
        assert_eq!(value_of(&e, "c.k"), Some(("fromA".into(), 2)));
        assert_eq!(value_of(&e, "c.j"), Some(("onlyB".into(), 5)));
    }
}
