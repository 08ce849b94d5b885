//! YAML property files, read with yaml-rust2's event parser so every key keeps
//! its line and column. Nested mappings flatten with dots
//! (`sfdc: {password: x}` -> `sfdc.password`), sequence items get `[i]`.
//! A syntax error keeps the entries read before it and becomes a
//! `yaml-syntax` diagnostic.

use intguard_model::{Diagnostic, FilePath, Location, PropertyEntry};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::position::LineIndex;

enum Key {
    /// The next scalar is a key.
    Expected,
    Read(String, Marker),
    /// The key was complex (a mapping or sequence): skip its value.
    Skip,
}

enum Container {
    Map {
        prefix: String,
        key: Key,
    },
    Seq {
        prefix: String,
        index: usize,
    },
    /// A mapping or sequence that is skipped: a complex key (`as_key`), or
    /// the value of one, or anything inside them.
    Ignored {
        as_key: bool,
    },
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

struct Flattener<'a> {
    text: &'a str,
    /// One shared path for every entry's location.
    path: FilePath,
    lines: LineIndex,
    stack: Vec<Container>,
    entries: Vec<PropertyEntry>,
}

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
            Container::Map { prefix, key } => match std::mem::replace(key, Key::Expected) {
                Key::Read(k, km) => Some((join(prefix, &k), km)),
                Key::Expected | Key::Skip => None,
            },
            Container::Seq { prefix, index } => {
                let k = format!("{prefix}[{index}]");
                *index += 1;
                Some((k, *m))
            }
            Container::Ignored { .. } => None,
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

    fn event(&mut self, ev: Event, m: Marker) {
        match ev {
            Event::DocumentStart => self.stack.clear(),
            Event::Scalar(value, style, _, _) => {
                if self.expecting_key() {
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
                if let Some((key, location)) = self.take_slot(&m) {
                    self.entries
                        .push(PropertyEntry::new(&key, &value, location));
                }
            }
            Event::Alias(_) if !self.expecting_key() => {
                let _ = self.take_slot(&m);
            }
            Event::Alias(_) => {
                // An alias used as a key: skip its value.
                if let Some(Container::Map { key, .. }) = self.stack.last_mut() {
                    *key = Key::Skip;
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                let as_key = self.expecting_key();
                let container = if self.stack.is_empty() {
                    Some(String::new())
                } else if as_key {
                    None
                } else {
                    self.take_slot(&m).map(|(k, _)| k)
                };
                self.stack.push(match (container, is_map) {
                    (Some(prefix), true) => Container::Map {
                        prefix,
                        key: Key::Expected,
                    },
                    (Some(prefix), false) => Container::Seq { prefix, index: 0 },
                    (None, _) => Container::Ignored { as_key },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let closed = self.stack.pop();
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

/// Reads a YAML property file into flattened entries.
pub(crate) fn read_yaml(
    text: &str,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PropertyEntry> {
    if let Some(entries) = super::yaml_fast::flatten(text, path) {
        return entries;
    }
    read_yaml_events(text, path, diagnostics)
}

/// The general path: yaml-rust2's event parser.
pub(super) fn read_yaml_events(
    text: &str,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PropertyEntry> {
    let mut f = Flattener {
        text,
        path: FilePath::from(path),
        lines: LineIndex::new(text),
        stack: Vec::new(),
        entries: Vec::new(),
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
                break;
            }
        }
    }
    f.entries
}
