//! The edits `fix secrets` gathers per file, turned into the plan's changes
//! at the end (one pass per file, whatever number of secrets it holds).

use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

use intguard_model::PropertyFormat;

use super::config::NewConfigLines;
use crate::text::{apply_edits, eol, offset_in, Lines, ValueSpan};
use crate::{json, props, xml, yaml, FileChange, FixError, Plan};

/// Edits collected for one file.
#[derive(Default)]
pub(crate) struct FileWork {
    /// `None`: a new file. Shared: the plans ask for a file's text once per
    /// edit (a copy each time grew with the edits times the file's size).
    pub(crate) original: Option<Rc<str>>,
    pub(crate) format: Option<PropertyFormat>,
    pub(crate) replacements: Vec<(Range<usize>, String)>,
    /// Lines (1-based) whose entries are removed.
    pub(crate) delete_lines: Vec<u32>,
    /// Byte ranges of secrets in the original, with their masks.
    pub(crate) masks: Vec<(Range<usize>, String)>,
    /// Entries to add: name and the value as written (`"![...]"` or `![...]`).
    pub(crate) inserts: Vec<(String, String)>,
    /// YAML: new entries are written as one dotted key (the file's style).
    pub(crate) dotted_yaml: bool,
    /// XML: names whose references become `secure::`.
    pub(crate) secure_refs: Vec<String>,
    /// XML: a configuration to add.
    pub(crate) config: Option<NewConfigLines>,
    /// mule-artifact.json: names to list.
    pub(crate) artifact_names: Vec<String>,
    /// The original's lines, worked out on the first value located in it.
    layout: Option<Layout>,
    /// The original's line starts ([`Lines`]), worked out on the first
    /// place asked for ([`Workspace::offset_at`]).
    line_starts: Option<Vec<usize>>,
    /// Per line, once a place on it is asked for: whether its text is ASCII
    /// (a column is then its byte).
    line_ascii: Vec<Option<bool>>,
    /// The original's line ending ([`eol`]), once asked for.
    eol: Option<&'static str>,
}

/// A property file's lines (and a YAML file's structure), worked out once
/// for all the values located in it.
enum Layout {
    Yaml(yaml::Layout),
    Properties(props::Layout),
}

#[derive(Default)]
pub(crate) struct Workspace {
    pub(crate) files: BTreeMap<String, FileWork>,
    /// The command the edits are for, as errors name it (`fix secrets` when unset).
    pub(crate) command: Option<&'static str>,
}

impl Workspace {
    /// An empty workspace whose errors name `command`.
    pub(crate) fn for_command(command: &'static str) -> Self {
        Workspace {
            command: Some(command),
            ..Workspace::default()
        }
    }

    pub(crate) fn file(&mut self, path: &str) -> Result<&mut FileWork, FixError> {
        if !self.files.contains_key(path) {
            let original = match std::fs::read_to_string(crate::file_at(path)) {
                Ok(t) => Some(Rc::from(t)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(crate::unreadable_text(
                        path,
                        self.command.unwrap_or("fix secrets"),
                        &e,
                    ))
                }
            };
            self.files.insert(
                path.to_string(),
                FileWork {
                    original,
                    ..FileWork::default()
                },
            );
        }
        Ok(self.files.get_mut(path).expect("inserted"))
    }

    /// The file's text as read (`None`: no such file).
    pub(crate) fn text(&mut self, path: &str) -> Result<Option<Rc<str>>, FixError> {
        Ok(self.file(path)?.original.clone())
    }

    /// The byte offset of 1-based `line` and `col` (in characters, as the
    /// readers count them: `crate::text::offset_at`) in the file as read;
    /// `None` when there is no such file or place. The file's lines are
    /// found once for every place asked, and a line's characters counted
    /// only when it is not ASCII: a file of one long line (a flow written
    /// on one line) holding thousands of places counted its line up to each.
    pub(crate) fn offset_at(
        &mut self,
        path: &str,
        line: u32,
        col: u32,
    ) -> Result<Option<usize>, FixError> {
        let FileWork {
            original,
            line_starts,
            line_ascii,
            ..
        } = self.file(path)?;
        let Some(text) = original.as_deref() else {
            return Ok(None);
        };
        let starts = line_starts.get_or_insert_with(|| Lines::new(text).into_starts());
        let lines = Lines::with_starts(text, starts);
        let n = line as usize;
        if n == 0 || n > lines.len() {
            return Ok(None);
        }
        if line_ascii.len() != lines.len() {
            *line_ascii = vec![None; lines.len()];
        }
        let content = lines.content(n);
        let ascii = *line_ascii[n - 1].get_or_insert_with(|| text[content.clone()].is_ascii());
        if ascii {
            let col = (col.max(1) - 1) as usize;
            return Ok(Some(content.start + col.min(content.len())));
        }
        Ok(offset_in(&lines, line, col))
    }

    /// The file's line ending ([`eol`]), `\n` for a file not found.
    pub(crate) fn eol(&mut self, path: &str) -> Result<&'static str, FixError> {
        let work = self.file(path)?;
        let text = work.original.as_deref().unwrap_or("");
        Ok(*work.eol.get_or_insert_with(|| eol(text)))
    }

    /// The value of the property file entry whose key is at `line`:`col`
    /// ([`yaml::value_span`], [`props::value_span`]) in the file as read
    /// (`None` when the file is gone): one reading of its lines for all.
    pub(crate) fn property_value_span(
        &mut self,
        path: &str,
        format: PropertyFormat,
        line: u32,
        col: u32,
    ) -> Result<Option<Option<ValueSpan>>, FixError> {
        let work = self.file(path)?;
        let Some(text) = work.original.as_deref() else {
            return Ok(None);
        };
        let layout = work.layout.get_or_insert_with(|| match format {
            PropertyFormat::Yaml => Layout::Yaml(yaml::Layout::new(text)),
            PropertyFormat::Properties => Layout::Properties(props::Layout::new(text)),
        });
        Ok(Some(match layout {
            Layout::Yaml(l) => l.value_span(text, line, col),
            Layout::Properties(l) => l.value_span(text, line),
        }))
    }

    pub(crate) fn build(self, plan: &mut Plan) -> Result<(), FixError> {
        for (path, work) in self.files {
            let original: &str = work.original.as_deref().unwrap_or_default();
            let mut edits = work.replacements.clone();
            let deletes = match work.format {
                Some(PropertyFormat::Yaml) => yaml::delete_edits(original, &work.delete_lines),
                Some(PropertyFormat::Properties) => {
                    props::delete_ranges(original, &work.delete_lines)
                        .into_iter()
                        .map(|r| (r, String::new()))
                        .collect()
                }
                None => Vec::new(),
            };
            // A deleted first line keeps the byte order mark the file starts with.
            let bom = if original.starts_with('\u{feff}') {
                '\u{feff}'.len_utf8()
            } else {
                0
            };
            edits.extend(
                deletes
                    .into_iter()
                    .map(|(r, new)| (r.start.max(bom)..r.end.max(bom), new)),
            );
            let mut text = apply_edits(original, edits)
                .ok_or_else(|| FixError(format!("{path}: overlapping edits")))?;
            if !work.secure_refs.is_empty() {
                text = xml::rewrite_refs(&text, &work.secure_refs);
            }
            if let Some((prefix, ns, xsd, lines)) = &work.config {
                let cfg = xml::NewConfig {
                    prefix,
                    namespace: ns,
                    schema: xsd,
                    lines: lines.clone(),
                };
                text = xml::add_config(&text, &cfg).ok_or_else(|| {
                    FixError(format!(
                        "{path}: cannot find where to add the secure-properties configuration (no <mule> or <mule-domain> root, or no close tag for it)"
                    ))
                })?;
            }
            if !work.inserts.is_empty() {
                text = match work.format {
                    Some(PropertyFormat::Properties) => {
                        for (name, value) in &work.inserts {
                            text = props::append(&text, name, value);
                        }
                        text
                    }
                    // One reading of the file for all the keys it gets.
                    _ => {
                        let mut growing = yaml::Growing::new(text);
                        for (name, value) in &work.inserts {
                            growing.insert(name, value, work.dotted_yaml);
                        }
                        growing.into_text()
                    }
                };
            }
            if !work.artifact_names.is_empty() {
                text = json::add_secure_properties(&text, &work.artifact_names)
                    .map_err(|e| FixError(format!("{path}: {e}")))?;
            }
            if work.original.as_deref() == Some(text.as_str()) {
                continue;
            }
            let masked = work.original.as_deref().map(|o| {
                apply_edits(o, work.masks.clone()).unwrap_or_else(|| {
                    // Overlapping masks cannot happen; mask whole lines if they do.
                    "(masked)".to_string()
                })
            });
            plan.changes.push(FileChange {
                path: crate::file_at(&path),
                original: work.original.as_deref().map(str::to_string),
                masked_original: masked,
                new: text,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Workspace;
    use crate::text::{eol, offset_at};

    /// Every place asked of one workspace, in an order that goes back and
    /// forth, is where [`offset_at`] finds it in the text alone; and so is
    /// each file's line ending.
    #[test]
    fn places_and_line_endings_are_those_of_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!(
            "<f>{}</f>\n{}é\n",
            "<x a=\"1\"/>".repeat(200),
            "y".repeat(300)
        );
        let texts = [
            long.as_str(),
            "a\nbc\n\ndef",
            "\u{feff}<mule>\r\n  <x é=\"ü\"/>\r\n</mule>\r\n",
            "one line, no end",
            "",
            "\n\n\n",
            "mixed\r\nends\nhere\r",
        ];
        let mut ws = Workspace::default();
        let mut asked = 0;
        for (i, text) in texts.iter().enumerate() {
            let path = dir.path().join(format!("f{i}.txt"));
            std::fs::write(&path, text).unwrap();
            let path = path.to_str().unwrap();
            let lines = text.split('\n').count() as u32;
            let widest = text
                .split('\n')
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0) as u32;
            let cols = (0..=12)
                .chain((13..widest + 3).step_by(97))
                .chain([widest, widest + 1]);
            let cols: Vec<u32> = cols.collect();
            let mut places: Vec<(u32, u32)> = (0..=lines + 1)
                .flat_map(|l| cols.iter().map(move |&c| (l, c)))
                .collect();
            // Back and forth: later lines first, then earlier ones.
            places.sort_by_key(|&(l, c)| ((l * 7919 + c * 31) % 101, l, c));
            for (line, col) in places {
                assert_eq!(
                    ws.offset_at(path, line, col).unwrap(),
                    offset_at(text, line, col),
                    "{text:?} {line}:{col}"
                );
                asked += 1;
            }
            assert_eq!(ws.eol(path).unwrap(), eol(text), "{text:?}");
        }
        assert!(asked > 300);
        let missing = dir.path().join("missing.txt");
        assert_eq!(ws.offset_at(missing.to_str().unwrap(), 1, 1).unwrap(), None);
    }
}
