//! Inserting new keys into a YAML property file: under the deepest existing
//! mapping whose dotted path prefixes the name, else at the end. Keys are
//! inserted one after another into a [`Growing`] text, which keeps what an
//! insertion reads of the text (each line's structure and dotted path) up
//! to date as lines are added, so that a thousand keys cost a thousand
//! small steps, not a thousand readings of the whole file.

use std::collections::{HashMap, HashSet};

use super::{block_of, block_scalar_header, line_of, read_line, LineInfo, Scalar};
use crate::text::{eol, Lines};

/// A key segment as written in YAML (quoted when it needs to be).
fn yaml_key(seg: &str) -> String {
    if !seg.is_empty()
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !seg.starts_with('-')
    {
        seg.to_string()
    } else {
        format!("\"{}\"", seg.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Inserts `name: value` (`value` as YAML text, e.g. `"![...]"`): under the deepest
/// existing mapping whose dotted path is a prefix of `name`, after its last child, with
/// its children's indentation; otherwise at the end of the file. The rest of the name
/// is written as nested keys, unless a key on the way already exists as a scalar (then
/// as one dotted key).
#[cfg(test)]
pub(crate) fn insert(text: &str, name: &str, value: &str) -> String {
    insert_styled(text, name, value, false)
}

/// [`insert`], with the rest of the name written as one dotted key when `dotted` (a
/// file written in that style: `sfdc.username: ...`).
#[cfg(test)]
pub(crate) fn insert_styled(text: &str, name: &str, value: &str, dotted: bool) -> String {
    let mut growing = Growing::new(text.to_string());
    growing.insert(name, value, dotted);
    growing.into_text()
}

/// A YAML text keys are inserted into one after another (see the module).
pub(crate) struct Growing {
    text: String,
    nl: &'static str,
    starts: Vec<usize>,
    infos: Vec<LineInfo>,
    /// The block scalar state each line is read in, and the one after the
    /// last line.
    entering: Vec<Scalar>,
    after: Scalar,
    /// The dotted path of each key line.
    paths: Vec<Option<String>>,
    /// Every path a key line has.
    known: HashSet<String>,
    /// The first opener line (0-based) of each path.
    openers: HashMap<String, usize>,
    /// The least indentation above 0 of a structural line (the file's step).
    least_indent: Option<usize>,
}

impl Growing {
    pub(crate) fn new(text: String) -> Self {
        let nl = eol(&text);
        let (starts, infos, entering, after) = {
            let lines = Lines::new(&text);
            let mut scalar: Scalar = None;
            let mut entering = Vec::with_capacity(lines.len());
            let infos: Vec<LineInfo> = (1..=lines.len())
                .map(|n| {
                    entering.push(scalar);
                    read_line(line_of(&lines, n), &mut scalar)
                })
                .collect();
            (lines.into_starts(), infos, entering, scalar)
        };
        let mut growing = Growing {
            text,
            nl,
            starts,
            infos,
            entering,
            after,
            paths: Vec::new(),
            known: HashSet::new(),
            openers: HashMap::new(),
            least_indent: None,
        };
        growing.find_paths();
        growing
    }

    pub(crate) fn into_text(self) -> String {
        self.text
    }

    fn line(&self, i: usize) -> &str {
        Lines::with_starts(&self.text, &self.starts).get(i + 1)
    }

    /// Each key line's dotted path, and what is kept of them, from the
    /// lines' structure.
    fn find_paths(&mut self) {
        let mut paths: Vec<Option<String>> = vec![None; self.infos.len()];
        let mut stack: Vec<(usize, String)> = Vec::new();
        for (i, info) in self.infos.iter().enumerate() {
            if self.line(i).trim() == "---" {
                stack.clear();
                continue;
            }
            let Some(key) = &info.key else { continue };
            while stack.last().is_some_and(|(ind, _)| *ind >= info.indent) {
                stack.pop();
            }
            let path = match stack.last() {
                Some((_, p)) => format!("{p}.{key}"),
                None => key.clone(),
            };
            paths[i] = Some(path.clone());
            stack.push((info.indent, path));
        }
        self.known = paths.iter().flatten().cloned().collect();
        self.openers.clear();
        for (i, p) in paths.iter().enumerate() {
            if let Some(p) = p.as_ref().filter(|_| self.infos[i].opener) {
                self.openers.entry(p.clone()).or_insert(i);
            }
        }
        self.least_indent = self.infos.iter().filter_map(structural_indent).min();
        self.paths = paths;
    }

    /// Inserts `name: value` as [`insert_styled`] does.
    pub(crate) fn insert(&mut self, name: &str, value: &str, dotted: bool) {
        let nl = self.nl;
        let infos = &self.infos;
        // Indentation step of the file.
        let step = self.least_indent.unwrap_or(2);
        // The deepest mapping whose path prefixes the name (the first line
        // of that path).
        let best: Option<(usize, usize)> = name
            .match_indices('.')
            .rev()
            .find_map(|(at, _)| self.openers.get(&name[..at]).map(|&i| (i, at)));
        let lines = Lines::with_starts(&self.text, &self.starts);
        let (prefix_len, base_indent, child_indent, insert_at) = match best {
            Some((i, len)) => {
                let n = i + 1;
                let block = block_of(infos, n);
                let first_child = block
                    .clone()
                    .find(|&m| !infos[m - 1].blank && !infos[m - 1].comment);
                let child_indent = first_child
                    .map(|m| infos[m - 1].indent)
                    .unwrap_or(infos[i].indent + step);
                let mut last = *block.end().max(&n);
                // After the blank lines a keep-chomped block scalar ends with:
                // they are part of its value.
                while infos[last - 1].keep_tail && last < infos.len() && infos[last].blank {
                    last += 1;
                }
                (len + 1, infos[i].indent, child_indent, lines.full(last).end)
            }
            None => (0, 0, 0, self.text.len()),
        };
        let unit = if best.is_some() {
            child_indent.saturating_sub(base_indent).max(1)
        } else {
            step
        };
        let rest = &name[prefix_len..];
        let prefix = &name[..prefix_len.saturating_sub(1)];
        // Nested keys, unless one of them exists already (as a scalar).
        let segs: Vec<&str> = rest.split('.').collect();
        let mut nested = !dotted && segs.len() > 1 && segs.iter().all(|s| !s.is_empty());
        if nested {
            let mut p = prefix.to_string();
            for s in &segs[..segs.len() - 1] {
                p = if p.is_empty() {
                    (*s).to_string()
                } else {
                    format!("{p}.{s}")
                };
                if self.known.contains(&p) {
                    nested = false;
                }
            }
        }
        let mut block = String::new();
        if nested {
            for (d, s) in segs.iter().enumerate() {
                let pad = " ".repeat(child_indent + d * unit);
                if d + 1 == segs.len() {
                    block.push_str(&format!("{pad}{}: {value}{nl}", yaml_key(s)));
                } else {
                    block.push_str(&format!("{pad}{}:{nl}", yaml_key(s)));
                }
            }
        } else {
            block = format!(
                "{}{}: {value}{nl}",
                " ".repeat(child_indent),
                yaml_key(rest)
            );
        }
        let unterminated = insert_at > 0 && !self.text[..insert_at].ends_with('\n');
        if unterminated {
            // A block scalar the file ends with, with no line end after it: its
            // value ends without one, which the line end written before the new
            // key would add (`|`, `|+`), unless its header strips it (`|-`).
            // Once only (the text ends with a line end after): read again.
            let mut out = String::with_capacity(self.text.len() + block.len() + 2);
            let mut head = &self.text[..insert_at];
            if let Some(at) = strip_chomping_at(&lines, infos) {
                out.push_str(&self.text[..at.start]);
                out.push('-');
                head = &self.text[at.end..insert_at];
            }
            out.push_str(head);
            out.push_str(nl);
            out.push_str(&block);
            out.push_str(&self.text[insert_at..]);
            *self = Growing::new(out);
            return;
        }
        self.add_lines(insert_at, &block, best.map(|(i, _)| i));
    }

    /// Adds `block` (whole lines) at `at`, a line's start or the text's end,
    /// reading the new lines in the state the line after them was read in,
    /// and the lines after them again until their state is what it was.
    /// `under`: the mapping the lines go under (the end of its block).
    fn add_lines(&mut self, at: usize, block: &str, under: Option<usize>) {
        let first = self.starts.partition_point(|&s| s < at);
        let new_starts: Vec<usize> = std::iter::once(0)
            .chain(block.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < block.len())
            .map(|i| at + i)
            .collect();
        let added = new_starts.len();
        self.text.insert_str(at, block);
        for s in &mut self.starts[first..] {
            *s += block.len();
        }
        self.starts.splice(first..first, new_starts);
        let mut scalar = self.entering.get(first).copied().unwrap_or(self.after);
        let mut new_infos = Vec::with_capacity(added);
        let mut new_entering = Vec::with_capacity(added);
        for i in first..first + added {
            new_entering.push(scalar);
            let line = self.line(i).to_string();
            new_infos.push(read_line(strip_bom(&line, i), &mut scalar));
        }
        self.infos.splice(first..first, new_infos);
        self.entering.splice(first..first, new_entering);
        // The lines after: read again while their state differs.
        let mut reread = false;
        let mut i = first + added;
        while i < self.infos.len() && self.entering[i] != scalar {
            self.entering[i] = scalar;
            let line = self.line(i).to_string();
            self.infos[i] = read_line(strip_bom(&line, i), &mut scalar);
            reread = true;
            i += 1;
        }
        if i == self.infos.len() {
            self.after = scalar;
        }
        // The new lines' paths, under the nearest key line before them that
        // is less indented; the lines after keep theirs when the first key
        // line after is no deeper than the new ones (it closes them).
        let least_new = self.infos[first..first + added]
            .iter()
            .filter(|i| i.key.is_some())
            .map(|i| i.indent)
            .min();
        let next_key = (first + added..self.infos.len())
            .take_while(|&j| self.line(j).trim() != "---")
            .find(|&j| self.infos[j].key.is_some());
        let closes = next_key.is_none_or(|j| least_new.is_none_or(|m| self.infos[j].indent <= m));
        // Lines read again may have other keys, so the paths are found
        // afresh. (An insertion point ends a block, so the next key line is
        // no deeper and `closes` holds for every text the tests try: the
        // check makes an unforeseen layout cost a reading, not a wrong path.)
        if reread || !closes || self.infos[first..first + added].iter().any(|i| i.in_scalar) {
            self.paths
                .splice(first..first, std::iter::repeat_n(None, added));
            self.find_paths();
            return;
        }
        let mut stack: Vec<(usize, String)> = Vec::new();
        // Nothing is less indented than 0; under a mapping, the lines of its
        // block are searched (no `---` among them), then the mapping itself.
        let less_indented = |m: usize| -> Option<usize> {
            let key_below = |j: &usize| self.infos[*j].key.is_some() && self.infos[*j].indent < m;
            match under {
                _ if m == 0 => None,
                Some(b) => (b + 1..first).rev().find(key_below).or(Some(b)),
                None => (0..first)
                    .rev()
                    .take_while(|&j| self.line(j).trim() != "---")
                    .find(key_below),
            }
        };
        if let Some(m) = least_new {
            if let Some(parent) = less_indented(m) {
                let path = self.paths[parent].clone().expect("a key line has a path");
                stack.push((self.infos[parent].indent, path));
            }
        }
        let mut new_paths = Vec::with_capacity(added);
        for info in &self.infos[first..first + added] {
            let Some(key) = &info.key else {
                new_paths.push(None);
                continue;
            };
            while stack.last().is_some_and(|(ind, _)| *ind >= info.indent) {
                stack.pop();
            }
            let path = match stack.last() {
                Some((_, p)) => format!("{p}.{key}"),
                None => key.clone(),
            };
            new_paths.push(Some(path.clone()));
            stack.push((info.indent, path));
        }
        for line in self.openers.values_mut().filter(|l| **l >= first) {
            *line += added;
        }
        for (d, path) in new_paths.iter().enumerate() {
            let Some(path) = path else { continue };
            self.known.insert(path.clone());
            if self.infos[first + d].opener {
                let line = self.openers.entry(path.clone()).or_insert(first + d);
                *line = (*line).min(first + d);
            }
        }
        if let Some(m) = self.infos[first..first + added]
            .iter()
            .filter_map(structural_indent)
            .min()
        {
            self.least_indent = Some(self.least_indent.map_or(m, |l| l.min(m)));
        }
        self.paths.splice(first..first, new_paths);
    }
}

/// A line's indentation when it counts for the file's step: a structural
/// line (no blank, comment or block scalar text) indented at all.
fn structural_indent(i: &LineInfo) -> Option<usize> {
    (!i.blank && !i.comment && !i.in_scalar && i.indent > 0).then_some(i.indent)
}

/// The first line without the byte order mark a file may start with, as
/// [`line_of`] reads it.
fn strip_bom(line: &str, i: usize) -> &str {
    if i == 0 {
        line.strip_prefix('\u{feff}').unwrap_or(line)
    } else {
        line
    }
}

/// Where the last line is a block scalar's text: the byte range of its
/// header's chomping indicator (empty after `|`/`>` and its indentation digit
/// when it has none), to write `-` there.
fn strip_chomping_at(lines: &Lines<'_>, infos: &[LineInfo]) -> Option<std::ops::Range<usize>> {
    let last = infos.len();
    if last == 0 || !infos[last - 1].in_scalar {
        return None;
    }
    let header = (1..last).rev().find(|&n| !infos[n - 1].in_scalar)?;
    infos[header - 1].scalar_above?;
    let line = lines.get(header);
    let start = lines.content(header).start;
    // The value after the key's `: ` (or a sequence item's `- `).
    let value_at = line
        .find(": ")
        .or_else(|| line.find(":\t"))
        .map(|i| i + 2)
        .or_else(|| {
            let t = line.trim_start();
            t.starts_with("- ").then(|| line.len() - t.len() + 2)
        })?;
    let h = block_scalar_header(&line[value_at..])?;
    let h_at = h.as_ptr() as usize - line.as_ptr() as usize;
    // `|`, then at most an indentation digit and a chomping indicator, in either order.
    let mut chomp = None;
    let mut end = 1;
    for (i, c) in h[1..].char_indices() {
        match c {
            '-' | '+' => chomp = Some(1 + i),
            '1'..='9' => {}
            _ => break,
        }
        end = 2 + i;
    }
    let from = start + h_at;
    Some(match chomp {
        Some(i) => from + i..from + i + 1,
        None => from + end..from + end,
    })
}

#[cfg(test)]
mod tests {
    use super::super::analyse;
    use super::*;

    /// The insertion as it was written before [`Growing`]: the whole text
    /// analysed for each key. What every insertion is checked against.
    pub(super) fn insert_styled_whole(text: &str, name: &str, value: &str, dotted: bool) -> String {
        let (lines, infos) = analyse(text);
        let nl = eol(text);
        // Full dotted path of each key line.
        let mut paths: Vec<Option<String>> = vec![None; infos.len()];
        let mut stack: Vec<(usize, String)> = Vec::new();
        for (i, info) in infos.iter().enumerate() {
            let t = line_of(&lines, i + 1).trim();
            if t == "---" {
                stack.clear();
                continue;
            }
            let Some(key) = &info.key else { continue };
            while stack.last().is_some_and(|(ind, _)| *ind >= info.indent) {
                stack.pop();
            }
            let path = match stack.last() {
                Some((_, p)) => format!("{p}.{key}"),
                None => key.clone(),
            };
            paths[i] = Some(path.clone());
            stack.push((info.indent, path));
        }
        // Indentation step of the file.
        let step = infos
            .iter()
            .filter(|i| !i.blank && !i.comment && !i.in_scalar && i.indent > 0)
            .map(|i| i.indent)
            .min()
            .unwrap_or(2);

        // The deepest mapping whose path prefixes the name.
        let mut best: Option<(usize, usize)> = None; // (line index, prefix length)
        for (i, p) in paths.iter().enumerate() {
            let Some(p) = p else { continue };
            if infos[i].opener
                && name.len() > p.len()
                && name.starts_with(p.as_str())
                && name.as_bytes()[p.len()] == b'.'
                && best.is_none_or(|(_, len)| p.len() > len)
            {
                best = Some((i, p.len()));
            }
        }
        let (prefix_len, base_indent, child_indent, insert_at) = match best {
            Some((i, len)) => {
                let n = i + 1;
                let block = block_of(&infos, n);
                let first_child = block
                    .clone()
                    .find(|&m| !infos[m - 1].blank && !infos[m - 1].comment);
                let child_indent = first_child
                    .map(|m| infos[m - 1].indent)
                    .unwrap_or(infos[i].indent + step);
                let mut last = *block.end().max(&n);
                // After the blank lines a keep-chomped block scalar ends with:
                // they are part of its value.
                while infos[last - 1].keep_tail && last < infos.len() && infos[last].blank {
                    last += 1;
                }
                (len + 1, infos[i].indent, child_indent, lines.full(last).end)
            }
            None => (0, 0, 0, text.len()),
        };
        let unit = if best.is_some() {
            child_indent.saturating_sub(base_indent).max(1)
        } else {
            step
        };
        let rest = &name[prefix_len..];
        let prefix = &name[..prefix_len.saturating_sub(1)];
        // Nested keys, unless one of them exists already (as a scalar).
        let segs: Vec<&str> = rest.split('.').collect();
        let mut nested = !dotted && segs.len() > 1 && segs.iter().all(|s| !s.is_empty());
        if nested {
            let mut p = prefix.to_string();
            for s in &segs[..segs.len() - 1] {
                p = if p.is_empty() {
                    (*s).to_string()
                } else {
                    format!("{p}.{s}")
                };
                if paths.iter().flatten().any(|q| *q == p) {
                    nested = false;
                }
            }
        }
        let mut block = String::new();
        if nested {
            for (d, s) in segs.iter().enumerate() {
                let pad = " ".repeat(child_indent + d * unit);
                if d + 1 == segs.len() {
                    block.push_str(&format!("{pad}{}: {value}{nl}", yaml_key(s)));
                } else {
                    block.push_str(&format!("{pad}{}:{nl}", yaml_key(s)));
                }
            }
        } else {
            block = format!(
                "{}{}: {value}{nl}",
                " ".repeat(child_indent),
                yaml_key(rest)
            );
        }
        let mut out = String::with_capacity(text.len() + block.len() + 2);
        let mut head = &text[..insert_at];
        let unterminated = insert_at > 0 && !head.ends_with('\n');
        if unterminated {
            // A block scalar the file ends with, with no line end after it: its
            // value ends without one, which the line end written before the new
            // key would add (`|`, `|+`), unless its header strips it (`|-`).
            if let Some(at) = strip_chomping_at(&lines, &infos) {
                out.push_str(&text[..at.start]);
                out.push('-');
                head = &text[at.end..insert_at];
            }
        }
        out.push_str(head);
        if unterminated {
            out.push_str(nl);
        }
        out.push_str(&block);
        out.push_str(&text[insert_at..]);
        out
    }

    /// A block scalar at the end of a file with no line end after it keeps
    /// its value (no final line break) once a key is added after it.
    #[test]
    fn insert_after_an_unterminated_block_scalar() {
        for (header, new_header) in [
            ("|", "|-"),
            (">", ">-"),
            ("|+", "|-"),
            ("|2", "|2-"),
            ("|-", "|-"),
            ("&c |", "&c |-"),
        ] {
            let text = format!("a:\n  cert: {header}\n    x\n    y");
            let out = insert(&text, "a.k", "\"v\"");
            assert_eq!(
                out,
                format!("a:\n  cert: {new_header}\n    x\n    y\n  k: \"v\"\n"),
                "{header}"
            );
        }
        // Ended by a line end: left as is.
        let text = "a:\n  cert: |\n    x\n";
        assert_eq!(insert(text, "a.k", "1"), "a:\n  cert: |\n    x\n  k: 1\n");
    }

    #[test]
    fn inserts() {
        let t = "sfdc:\n    user: x\n# end\nother: 1\n";
        assert_eq!(
            insert(t, "sfdc.password", "\"v\""),
            "sfdc:\n    user: x\n    password: \"v\"\n# end\nother: 1\n"
        );
        assert_eq!(insert("", "a.b.c", "\"v\""), "a:\n  b:\n    c: \"v\"\n");
        assert_eq!(insert("x: 1", "y", "2"), "x: 1\ny: 2\n");
        assert_eq!(insert("a: 1\n", "a.b", "\"v\""), "a: 1\na.b: \"v\"\n");
        // A file written with dotted keys gets one.
        assert_eq!(
            insert_styled("sf.user: u\n", "sf.keystore.path", "\"p\"", true),
            "sf.user: u\nsf.keystore.path: \"p\"\n"
        );
        assert_eq!(
            insert_styled("sf.user: u\n", "sf.keystore.path", "\"p\"", false),
            "sf.user: u\nsf:\n  keystore:\n    path: \"p\"\n"
        );
        // A byte order mark is no part of the first key: the new entry goes
        // under the existing mapping, not into a second `sf:` that would
        // replace the first when the file is loaded.
        assert_eq!(
            insert("\u{feff}sf:\r\n  token: \"t\"\r\n", "sf.password", "\"v\""),
            "\u{feff}sf:\r\n  token: \"t\"\r\n  password: \"v\"\r\n"
        );
        assert_eq!(
            insert("db:\n  sfdc:\n    u: 1\n", "db.sfdc.p.q", "2"),
            "db:\n  sfdc:\n    u: 1\n    p:\n      q: 2\n"
        );
        // The blank lines that end a keep-chomped block scalar are its value.
        assert_eq!(
            insert("a:\n  n: |+\n    t\n\n  \nb: 1\n", "a.p", "2"),
            "a:\n  n: |+\n    t\n\n  \n  p: 2\nb: 1\n"
        );
        assert_eq!(
            insert("a:\n  n: |-\n    t\n\nb: 1\n", "a.p", "2"),
            "a:\n  n: |-\n    t\n  p: 2\n\nb: 1\n"
        );
    }

    type State<'a> = (
        &'a str,
        &'a [usize],
        &'a [LineInfo],
        &'a [Scalar],
        Scalar,
        &'a [Option<String>],
        Vec<&'a String>,
        Vec<(&'a String, &'a usize)>,
        Option<usize>,
    );

    /// Everything a [`Growing`] keeps, comparable.
    fn state(g: &Growing) -> State<'_> {
        let mut known: Vec<&String> = g.known.iter().collect();
        known.sort();
        let mut openers: Vec<(&String, &usize)> = g.openers.iter().collect();
        openers.sort();
        (
            &g.text,
            &g.starts,
            &g.infos,
            &g.entering,
            g.after,
            &g.paths,
            known,
            openers,
            g.least_indent,
        )
    }

    /// Keys inserted one after another into a growing text give, after
    /// each, the text the whole-text insertion gives, and what the growing
    /// text keeps is what reading that text afresh finds: over texts with
    /// block scalars (kept, stripped, unterminated), comments, documents,
    /// sequences, irregular indentation, CRLF and a byte order mark, and
    /// names sharing prefixes, nested and dotted.
    #[test]
    fn growing_insertions_are_those_of_the_whole_text() {
        let texts = [
            "",
            "a: 1\n",
            "x: 1",
            "\u{feff}sf:\r\n  token: \"t\"\r\n",
            "sfdc:\n    user: x\n# end\nother: 1\n",
            "a:\n  cert: |\n    x\n    y",
            "a:\n  n: |+\n    t\n\n  \nb: 1\n",
            "a:\n  n: >-\n    t\n\nb: 1\n",
            "db:\n  sfdc:\n    u: 1\n---\nsf:\n  user: u\n",
            "list:\n  - a\n  - b: |\n      t\nsf.user: u\n",
            "  indented: 1\nsf:\n      deep: 2\n  back: 3\n",
            "a:\n  b:\n    c: 1\n  # comment\nd: 2\n",
            "sf:\n  note: |\n    text\n",
            "sf:\n  user: u\n  # trailing comment\n",
        ];
        let segments = [
            "sf", "db", "a", "b", "n", "user", "password", "token", "sfdc", "d", "list",
        ];
        let mut seed: u64 = 0x1234_5678;
        let mut next = |below: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % below
        };
        let mut inserted = 0;
        for text in texts {
            for dotted in [false, true] {
                for _ in 0..3 {
                    let mut whole = text.to_string();
                    let mut growing = Growing::new(text.to_string());
                    for k in 0..25 {
                        let depth = 1 + next(3);
                        let name: Vec<&str> =
                            (0..depth).map(|_| segments[next(segments.len())]).collect();
                        let name = name.join(".");
                        let value = format!("\"v{k}\"");
                        whole = insert_styled_whole(&whole, &name, &value, dotted);
                        growing.insert(&name, &value, dotted);
                        assert_eq!(growing.text, whole, "{text:?} + {name}");
                        let fresh = Growing::new(whole.clone());
                        assert_eq!(state(&growing), state(&fresh), "{text:?} + {name}");
                        inserted += 1;
                    }
                }
            }
        }
        assert_eq!(inserted, texts.len() * 2 * 3 * 25);
    }
}
