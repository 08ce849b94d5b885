//! Minimal edits of Mule configuration XML: one attribute's value, property references,
//! and a new `secure-properties:config` with its namespace declaration.

use std::ops::Range;

#[cfg(test)]
use crate::text::offset_at;
use crate::text::{eol, indent_of, Lines, ValueSpan};

/// The value of attribute `name` whose name starts at `line`:`col` (1-based), as written
/// between its quotes; `scalar` has entities decoded.
#[cfg(test)]
pub(crate) fn attr_value_span(text: &str, line: u32, col: u32, name: &str) -> Option<ValueSpan> {
    attr_value_span_at(text, offset_at(text, line, col)?, name)
}

/// [`attr_value_span`] of the attribute whose name starts at byte `at`
/// (found with [`crate::secrets::workspace::Workspace::offset_at`], which
/// finds a file's lines once for every place).
pub(crate) fn attr_value_span_at(text: &str, at: usize, name: &str) -> Option<ValueSpan> {
    let rest = text.get(at..)?;
    let after = rest.strip_prefix(name)?;
    let eq = after.trim_start();
    let eq = eq.strip_prefix('=')?;
    let v = eq.trim_start();
    let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let start = text.len() - v.len() + 1;
    let len = text[start..].find(quote)?;
    let raw = &text[start..start + len];
    Some(ValueSpan {
        range: start..start + len,
        inner: start..start + len,
        // Line ends as the reader reads them (CRLF and CR are LF).
        scalar: decode_entities(&raw.replace("\r\n", "\n").replace('\r', "\n"))?,
    })
}

/// The DataWeave string literal whose opening quote is at `line`:`col`
/// (1-based), quotes included in `range`; `None` unless it is a plain
/// `'...'` or `"..."` on one line without escapes (what an edit can replace
/// without reading DataWeave). `scalar` is the text between the quotes.
#[cfg(test)]
pub(crate) fn dataweave_string_span(text: &str, line: u32, col: u32) -> Option<ValueSpan> {
    dataweave_string_span_at(text, offset_at(text, line, col)?)
}

/// [`dataweave_string_span`] of the literal whose opening quote is at byte
/// `at`.
pub(crate) fn dataweave_string_span_at(text: &str, at: usize) -> Option<ValueSpan> {
    let quote = text
        .get(at..)?
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')?;
    let start = at + 1;
    // On the quote's line.
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    let len = text[start..line_end].find(quote)?;
    let inner = &text[start..start + len];
    if inner.contains('\\') {
        return None;
    }
    Some(ValueSpan {
        range: at..start + len + 1,
        inner: start..start + len,
        scalar: inner.to_string(),
    })
}

/// How a string's quote may be written in the XML around it: itself, or as
/// an entity inside an attribute value.
const QUOTE_TOKENS: [&str; 4] = ["&quot;", "&apos;", "\"", "'"];

/// A value written as is at byte `at` that is `raw`, with no quote in it: a
/// form value (`password=VALUE`) in a string literal or in literal text.
/// `None` when the text there is not `raw` as written.
pub(crate) fn plain_value_span_at(text: &str, at: usize, raw: &str) -> Option<ValueSpan> {
    if raw.is_empty() {
        return None;
    }
    let end = at + raw.len();
    if text.get(at..end)? != raw || raw.contains(['"', '\'', '&', '<']) {
        return None;
    }
    Some(ValueSpan {
        range: at..end,
        inner: at..end,
        scalar: raw.to_string(),
    })
}

/// The quote of the string literal that a form value (`value`, from
/// [`plain_value_span_at`]) lies in, as written (`"`, `'`, `&quot;` or
/// `&apos;`), and whether the string closes right after the value: the
/// first quote after the value on its line, which must also be the last one
/// before it on that line (the string opens on the same line).
pub(crate) fn enclosing_quote(text: &str, value: &ValueSpan) -> Option<(&'static str, bool)> {
    let line_start = text[..value.range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[value.range.end..]
        .find('\n')
        .map_or(text.len(), |i| value.range.end + i);
    let after = &text[value.range.end..line_end];
    let (close_at, quote) = QUOTE_TOKENS
        .iter()
        .filter_map(|q| after.find(q).map(|i| (i, *q)))
        .min_by_key(|(i, q)| (*i, std::cmp::Reverse(q.len())))?;
    let before = &text[line_start..value.range.start];
    let (_, opening) = QUOTE_TOKENS
        .iter()
        .filter_map(|q| before.rfind(q).map(|i| (i + q.len(), *q)))
        .max_by_key(|(end, q)| (*end, q.len()))?;
    (opening == quote).then_some((quote, close_at == 0))
}

/// An attribute's value as an XML parser gives it (XML 1.0, 3.3.3): a line
/// break (CRLF, CR or LF) or tab written in it is a space, then references
/// are resolved (so `&#10;` stays a line break).
pub(crate) fn attr_value_as_parsed(raw: &str) -> Option<String> {
    let mut spaced = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                spaced.push(' ');
            }
            '\n' | '\t' => spaced.push(' '),
            c => spaced.push(c),
        }
    }
    decode_entities(&spaced)
}

fn decode_entities(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';')? + amp;
        let ent = &rest[amp + 1..semi];
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                char::from_u32(u32::from_str_radix(&ent[2..], 16).ok()?)?
            }
            _ if ent.starts_with('#') => char::from_u32(ent[1..].parse().ok()?)?,
            _ => return None,
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Escapes text for an attribute value in double quotes.
pub(crate) fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Rewrites `${name}`, `p('name')`, `p("name")` and `p(&quot;name&quot;)`
/// to their `secure::` forms (Mule 4), for each of `names`.
///
/// One reading of the text for all the names: each reference met is
/// looked up among them (replacing each name's forms through the whole
/// text took time in the names times the text: 3,000 moved properties read
/// by one file's connections, seconds). The text as replacing them one
/// after another would leave it ([`rewrite_refs_one_by_one`]), which this
/// falls back to where a reference could not be told by its first closing
/// quote or brace (a name holding one, or `$`), or where the replacements
/// would read their own output (a name that is another's `secure::` form):
/// no property name Mule reads is written so.
pub(crate) fn rewrite_refs(text: &str, names: &[String]) -> String {
    let set: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
    if names.iter().any(|n| {
        n.is_empty()
            || n.contains(['}', '\'', '"', '&', '$'])
            || n.strip_prefix("secure::")
                .is_some_and(|rest| set.contains(rest))
    }) {
        return rewrite_refs_one_by_one(text, names);
    }
    let longest = names.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(at) = text[from..].find(['$', 'p']).map(|i| from + i) {
        match reference_at(text, at, longest) {
            Some((name, end)) if set.contains(&text[name.clone()]) => {
                out.push_str(&text[last..name.start]);
                out.push_str("secure::");
                last = name.start;
                from = end;
            }
            _ => from = at + 1,
        }
    }
    out.push_str(&text[last..]);
    out
}

/// The name of the reference whose form starts at byte `at` of `text`
/// (`${`, `p('`, `p("` or `p(&quot;`), if it is one of at most `longest`
/// bytes, and the byte after the reference.
fn reference_at(text: &str, at: usize, longest: usize) -> Option<(Range<usize>, usize)> {
    let rest = &text[at..];
    let (open, close) = [
        ("${", "}"),
        ("p('", "')"),
        ("p(\"", "\")"),
        ("p(&quot;", "&quot;)"),
    ]
    .into_iter()
    .find(|(open, _)| rest.starts_with(open))?;
    let start = at + open.len();
    // The name ends at the form's first closing quote or brace (ASCII).
    let stop = close.as_bytes()[0];
    let window = text.as_bytes().get(start..)?;
    let window = &window[..window.len().min(longest + 1)];
    let len = window.iter().position(|&b| b == stop)?;
    text[start + len..]
        .starts_with(close)
        .then_some((start..start + len, start + len + close.len()))
}

/// [`rewrite_refs`] one name after another, each form replaced through the
/// whole text.
fn rewrite_refs_one_by_one(text: &str, names: &[String]) -> String {
    let mut out = text.to_string();
    for name in names {
        for (from, to) in [
            (format!("${{{name}}}"), format!("${{secure::{name}}}")),
            (format!("p('{name}')"), format!("p('secure::{name}')")),
            (format!("p(\"{name}\")"), format!("p(\"secure::{name}\")")),
            (
                format!("p(&quot;{name}&quot;)"),
                format!("p(&quot;secure::{name}&quot;)"),
            ),
        ] {
            if out.contains(&from) {
                out = out.replace(&from, &to);
            }
        }
    }
    out
}

/// What to declare for a new secure-properties configuration.
pub(crate) struct NewConfig<'a> {
    pub prefix: &'a str,
    pub namespace: &'a str,
    pub schema: &'a str,
    /// The element's lines, without indentation of the root's children (each nested
    /// level indented by one `\t` placeholder, replaced by the file's unit).
    pub lines: Vec<String>,
}

/// Adds the namespace to the root element (`<mule>`, or a domain's `<mule-domain>`) and
/// inserts the element before the first flow (or before the root's close tag), with the
/// indentation of the root's children.
pub(crate) fn add_config(text: &str, cfg: &NewConfig<'_>) -> Option<String> {
    let nl = eol(text);
    let (root_start, qname) = configuration_root(text)?;
    let close_tag = format!("</{qname}");
    let root_end = root_start + text[root_start..].find('>')?;
    let root = &text[root_start..root_end];

    let lines = Lines::new(text);
    // Line of the root's end, and the first line after it.
    let root_end_line = text[..root_end].matches('\n').count() + 1;
    let flow_line = (root_end_line + 1..=lines.len()).find(|&n| {
        let t = lines.get(n).trim_start();
        t.starts_with("<flow ")
            || t.starts_with("<flow>")
            || t.starts_with("<sub-flow ")
            || t.starts_with("<sub-flow>")
    });
    let close_line = (root_end_line + 1..=lines.len())
        .rev()
        .find(|&n| lines.get(n).trim_start().starts_with(close_tag.as_str()));
    let first_child = (root_end_line + 1..=lines.len()).find(|&n| {
        let t = lines.get(n).trim_start();
        t.starts_with('<') && !t.starts_with(close_tag.as_str())
    });
    let child_indent: String = match first_child {
        Some(n) => {
            let l = lines.get(n);
            l[..indent_of(l)].to_string()
        }
        None => "    ".to_string(),
    };
    let unit = if child_indent.is_empty() {
        "    ".to_string()
    } else {
        child_indent.clone()
    };
    let mut block = String::new();
    for l in &cfg.lines {
        let depth = l.len() - l.trim_start_matches('\t').len();
        block.push_str(&child_indent);
        block.push_str(&unit.repeat(depth));
        block.push_str(l.trim_start_matches('\t'));
        block.push_str(nl);
    }
    let at = match (flow_line, close_line) {
        (Some(n), _) => {
            block.push_str(nl);
            lines.full(n).start
        }
        (None, Some(n)) => lines.full(n).start,
        // `</mule>` after other content on its line (a file written on one
        // line, or by a tool): the block goes on lines of its own before it.
        (None, None) => {
            let at = text.rfind(close_tag.as_str()).filter(|&at| at > root_end)?;
            block.insert_str(0, nl);
            at
        }
    };

    // Namespace edits inside the root start tag.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = vec![(at..at, block)];
    let xmlns = format!("xmlns:{}", cfg.prefix);
    if !root.contains(&format!("{xmlns}=")) {
        // After the last xmlns declaration.
        let last = root.rfind("xmlns")?;
        let q_open = last + root[last..].find(['"', '\''])?;
        let quote = &root[q_open..=q_open];
        let q_close = q_open + 1 + root[q_open + 1..].find(quote)?;
        let before = &root[..last];
        let sep = if before.trim_end_matches([' ', '\t']).ends_with('\n') {
            let line_start = before.trim_end_matches([' ', '\t']).len();
            format!("{nl}{}", &before[line_start..])
        } else {
            " ".to_string()
        };
        let pos = root_start + q_close + 1;
        edits.push((pos..pos, format!("{sep}{xmlns}=\"{}\"", cfg.namespace)));
        if let Some(sl) = root.find("schemaLocation") {
            let q_open = sl + root[sl..].find(['"', '\''])?;
            let quote = &root[q_open..=q_open];
            let q_close = q_open + 1 + root[q_open + 1..].find(quote)?;
            let value = &root[q_open + 1..q_close];
            let content_end = q_open + 1 + value.trim_end().len();
            let pair = format!("{} {}", cfg.namespace, cfg.schema);
            let insert = if value.contains('\n') {
                let last_line = value.trim_end().rsplit('\n').next().unwrap_or("");
                let ind = &last_line[..indent_of(last_line)];
                format!("{nl}{ind}{pair}")
            } else if value.trim().is_empty() {
                pair
            } else {
                format!(" {pair}")
            };
            let pos = root_start + content_end;
            edits.push((pos..pos, insert));
        } else {
            let pos = root_start + q_close + 1;
            let mut add = String::new();
            if !root.contains("xmlns:xsi=") {
                add.push_str(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
            }
            add.push_str(&format!(
                " xsi:schemaLocation=\"{} {}\"",
                cfg.namespace, cfg.schema
            ));
            // Same position as the xmlns insert: append to it.
            if let Some(e) = edits.iter_mut().find(|(r, _)| r.start == pos) {
                e.1.push_str(&add);
            }
        }
    }
    crate::text::apply_edits(text, edits)
}

/// The root element of a Mule configuration: where its start tag begins
/// and its qualified name, `mule` or a domain project's `mule-domain`
/// (`domain:mule-domain` in Mule 4). The XML declaration, comments and a
/// doctype before it are skipped.
fn configuration_root(text: &str) -> Option<(usize, &str)> {
    let mut at = 0;
    loop {
        at += text[at..].find('<')?;
        let rest = &text[at..];
        let skip_to = if rest.starts_with("<!--") {
            "-->"
        } else if rest.starts_with("<?") {
            "?>"
        } else if rest.starts_with("<!") {
            ">"
        } else {
            break;
        };
        at += rest.find(skip_to)? + skip_to.len();
    }
    let name_len = text[at + 1..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len() - at - 1);
    let qname = &text[at + 1..at + 1 + name_len];
    let local = qname.rsplit(':').next().unwrap_or(qname);
    matches!(local, "mule" | "mule-domain").then_some((at, qname))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secure-properties element of `lines` to add.
    fn secure_properties_config(lines: &[&str]) -> NewConfig<'static> {
        NewConfig {
            prefix: "secure-properties",
            namespace: "http://www.mulesoft.org/schema/mule/secure-properties",
            schema: "http://www.mulesoft.org/schema/mule/secure-properties/current/mule-secure-properties.xsd",
            lines: lines.iter().map(|l| l.to_string()).collect(),
        }
    }

    #[test]
    fn attr_span() {
        let t = "<mule>\n  <x:c name=\"a\"\n     password = 'p&amp;w' user=\"u\"/>\n</mule>\n";
        let v = attr_value_span(t, 3, 6, "password").unwrap();
        assert_eq!(v.scalar, "p&w");
        assert_eq!(&t[v.range.clone()], "p&amp;w");
        assert!(attr_value_span(t, 3, 6, "user").is_none());
    }

    #[test]
    fn dataweave_strings() {
        let t = "<http:headers><![CDATA[#[{\n  'Authorization': 'Bearer abc',\n  \"x-api-key\": \"k1\", b: 'a\\'b'\n}]]]></http:headers>";
        let v = dataweave_string_span(t, 2, 20).unwrap();
        assert_eq!(v.scalar, "Bearer abc");
        assert_eq!(&t[v.range.clone()], "'Bearer abc'");
        assert_eq!(&t[v.inner.clone()], "Bearer abc");
        let v = dataweave_string_span(t, 3, 16).unwrap();
        assert_eq!(&t[v.range.clone()], "\"k1\"");
        // An escaped quote, no quote at the column, a line past the end.
        assert!(dataweave_string_span(t, 3, 25).is_none());
        assert!(dataweave_string_span(t, 2, 4).is_none());
        assert!(dataweave_string_span(t, 9, 1).is_none());
        // The closing quote must be on the opening one's line (CRLF or LF).
        let t = "#[{\r\n  a: 'x\r\n  y', b: 'z'\r\n}]";
        assert!(dataweave_string_span(t, 2, 6).is_none());
        assert_eq!(dataweave_string_span(t, 3, 10).unwrap().scalar, "z");
    }

    /// One reading of the text rewrites what replacing each name's forms
    /// through the whole text did: texts of references whole, cut, nested,
    /// defaulted and already secure, and names that are prefixes of others.
    #[test]
    fn refs_rewritten_in_one_reading_are_those_of_one_name_after_another() {
        let pieces = [
            "${a}",
            "${ab}",
            "${a:x}",
            "${b.c}",
            "p('a')",
            "p(\"a\")",
            "p(&quot;a&quot;)",
            "p('b.c')",
            "p(\"ab\")",
            "${secure::a}",
            "p('secure::b.c')",
            "$${a}",
            "$",
            "p(p('a'))",
            "${a}}",
            "${",
            "p('",
            "p(\"a'",
            "p(&quot;a&quot;",
            "p('a'",
            "é",
            "\n",
            "  x=\"",
            "\"",
            "p",
            "pp('ab')",
            "${${a}}",
            "#[p('a') ++ p(\"b.c\")]",
            "&quot;",
            "}",
            "p(&quot;b.c&quot;)",
            "p('a')x",
            "${ab}${a}",
            "p('x'y')",
            "${x'y}",
            "p(\"x'y\")",
        ];
        let name_sets: [&[&str]; 6] = [
            &["a"],
            &["a", "ab"],
            &["ab", "b.c"],
            &["b.c", "a", "ab"],
            // Falling back: a name that is another's secure:: form, a quote.
            &["a", "secure::a"],
            &["x'y", "a"],
        ];
        let mut next = crate::test_draws(0x9e37_79b9_7f4a_7c15);
        let mut changed = 0;
        for round in 0..3_000 {
            let text: String = (0..1 + next(12))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            let names: Vec<String> = name_sets[round % name_sets.len()]
                .iter()
                .map(|n| n.to_string())
                .collect();
            let expected = rewrite_refs_one_by_one(&text, &names);
            assert_eq!(rewrite_refs(&text, &names), expected, "{text:?} {names:?}");
            changed += usize::from(expected != text);
        }
        assert!(changed > 1_000, "{changed}");
    }

    #[test]
    fn refs() {
        let t = r##"<a p="${sf.pw}" q="#[p('sf.pw')]" r="${sf.pwd}"/>"##;
        assert_eq!(
            rewrite_refs(t, &["sf.pw".to_string()]),
            r##"<a p="${secure::sf.pw}" q="#[p('secure::sf.pw')]" r="${sf.pwd}"/>"##
        );
    }

    #[test]
    fn config_inserted_with_namespace() {
        let t = "<?xml version=\"1.0\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"\n\txmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n\txsi:schemaLocation=\"http://www.mulesoft.org/schema/mule/core http://www.mulesoft.org/schema/mule/core/current/mule.xsd\">\n\t<configuration-properties file=\"a.yaml\"/>\n\t<flow name=\"f\">\n\t</flow>\n</mule>\n";
        let cfg = secure_properties_config(&["<a>", "\t<b/>", "</a>"]);
        let out = add_config(t, &cfg).unwrap();
        assert!(out.contains("\txmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n\txmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\""), "{out}");
        assert!(out.contains("mule.xsd http://www.mulesoft.org/schema/mule/secure-properties http://www.mulesoft.org/schema/mule/secure-properties/current/mule-secure-properties.xsd\">"), "{out}");
        assert!(out.contains("\t<configuration-properties file=\"a.yaml\"/>\n\t<a>\n\t\t<b/>\n\t</a>\n\n\t<flow name=\"f\">"), "{out}");
    }

    /// A file whose `</mule>` follows other content on its line (written on
    /// one line, or by a tool) gets the config on lines of its own before
    /// it; a root that closes itself has nowhere to take one.
    #[test]
    fn config_inserted_before_a_close_tag_that_ends_a_line() {
        let cfg = secure_properties_config(&["<a>", "\t<b/>", "</a>"]);
        let t = "<?xml version=\"1.0\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n<configuration-properties file=\"a.yaml\"/><sfdc:config name=\"SF\"/></mule>\n";
        let out = add_config(t, &cfg).unwrap();
        assert!(
            out.ends_with("<sfdc:config name=\"SF\"/>\n<a>\n    <b/>\n</a>\n</mule>\n"),
            "{out}"
        );
        assert!(
            out.contains(
                "xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\""
            ),
            "{out}"
        );
        let one_line =
            "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"><flow name=\"f\"/></mule>";
        let out = add_config(one_line, &cfg).unwrap();
        assert!(
            out.ends_with("<flow name=\"f\"/>\n    <a>\n        <b/>\n    </a>\n</mule>"),
            "{out}"
        );
        assert_eq!(add_config("<mule xmlns=\"urn:x\"/>\n", &cfg), None);
    }

    /// A domain project's configuration takes the config inside its root,
    /// `<domain:mule-domain>` (Mule 4) or `<mule-domain>` (Mule 3), before
    /// the root's own close tag; a comment before the root is skipped, and
    /// a file whose root is neither a Mule nor a domain configuration gets
    /// none.
    #[test]
    fn config_added_to_a_domain_projects_configuration() {
        let cfg = secure_properties_config(&["<a/>"]);
        let mule4 = "<?xml version=\"1.0\"?>\n<!-- <mule> shared resources -->\n<domain:mule-domain xmlns=\"http://www.mulesoft.org/schema/mule/core\"\n    xmlns:domain=\"http://www.mulesoft.org/schema/mule/ee/domain\">\n    <http:listener-config name=\"L\"/>\n</domain:mule-domain>\n";
        let out = add_config(mule4, &cfg).unwrap();
        assert!(
            out.ends_with("<http:listener-config name=\"L\"/>\n    <a/>\n</domain:mule-domain>\n"),
            "{out}"
        );
        assert!(
            out.contains("xmlns:domain=\"http://www.mulesoft.org/schema/mule/ee/domain\"\n    xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\""),
            "{out}"
        );
        let mule3 = "<mule-domain xmlns=\"http://www.mulesoft.org/schema/mule/ee/domain\">\n  <tls:context name=\"T\"/>\n</mule-domain>\n";
        let out = add_config(mule3, &cfg).unwrap();
        assert!(
            out.ends_with("<tls:context name=\"T\"/>\n  <a/>\n</mule-domain>\n"),
            "{out}"
        );
        assert_eq!(
            add_config("<beans xmlns=\"urn:x\">\n</beans>\n", &cfg),
            None
        );
    }
}
