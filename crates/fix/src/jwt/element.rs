//! The connection element as written: its tags' places, attributes and children,
//! and its new start tag.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::text::indent_of;

/// An attribute of the element, as written.
pub(super) struct Attr {
    pub(super) name: String,
    /// The value between the quotes, as written (entities not decoded).
    pub(super) raw: String,
    pub(super) quote: char,
}

impl Attr {
    /// `name="raw"`, with its own quotes.
    pub(super) fn written(&self) -> String {
        format!("{}={q}{}{q}", self.name, self.raw, q = self.quote)
    }
}

/// The connection element in the file's text.
pub(super) struct Element {
    /// The start tag, `<` to `>`.
    pub(super) start_tag: Range<usize>,
    /// The name in the close tag (`</name>`), when it has one.
    pub(super) close_name: Option<Range<usize>>,
    pub(super) attrs: Vec<Attr>,
    /// The names of its child elements.
    pub(super) children: Vec<String>,
    pub(super) self_closing: bool,
}

impl Element {
    pub(super) fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The start tag of the new element: `groups` of new attributes, one group a
    /// line, then the `kept` ones, continued with the original's continuation
    /// indentation (or the element's, one level deeper); `nl`: the file's line
    /// ending ([`crate::text::eol`]).
    pub(super) fn new_start_tag(
        &self,
        text: &str,
        nl: &str,
        name: &str,
        groups: &[Vec<(String, String)>],
        kept: &[(String, String)],
    ) -> String {
        let line_start = text[..self.start_tag.start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = &text[line_start..self.start_tag.start];
        let indent = &line[..indent_of(line)];
        let tag = &text[self.start_tag.clone()];
        let continuation = tag
            .split('\n')
            .nth(1)
            .map(|l| l[..indent_of(l)].to_string())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| {
                let unit = if indent.contains('\t') { "\t" } else { "    " };
                format!("{indent}{unit}")
            });
        let mut lines: Vec<String> = groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| {
                g.iter()
                    // In double quotes: a `"` of a value taken from a single-quoted
                    // attribute (`username='#[p("sfdc.username")]'`) as an entity.
                    .map(|(n, v)| format!("{n}=\"{}\"", v.replace('"', "&quot;")))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if !kept.is_empty() {
            lines.push(
                kept.iter()
                    .map(|(_, w)| w.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        let mut out = format!("<{name}");
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                out.push(' ');
            } else {
                out.push_str(nl);
                out.push_str(&continuation);
            }
            out.push_str(l);
        }
        out.push_str(if self.self_closing { "/>" } else { ">" });
        out
    }
}

/// The element named `qname` whose start tag is at byte `at` of `text` (the
/// place the readers give, found with [`crate::text::offset_at`]), read with
/// quick-xml from there: its tags' places, attributes as written and children.
pub(super) fn element_at(text: &str, at: usize, qname: &str) -> Option<Element> {
    if !text.get(at..)?.starts_with(&format!("<{qname}")) {
        return None;
    }
    let mut reader = Reader::from_str(&text[at..]);
    let (start, self_closing) = match reader.read_event().ok()? {
        Event::Start(e) => (e, false),
        Event::Empty(e) => (e, true),
        _ => return None,
    };
    if start.name().as_ref() != qname.as_bytes() {
        return None;
    }
    let start_tag = at..at + reader.buffer_position() as usize;
    let mut attrs = Vec::new();
    for a in start.attributes().with_checks(false) {
        let a = a.ok()?;
        let name = std::str::from_utf8(a.key.as_ref()).ok()?.to_string();
        let raw = std::str::from_utf8(&a.value).ok()?.to_string();
        attrs.push(Attr {
            name,
            quote: if raw.contains('"') { '\'' } else { '"' },
            raw,
        });
    }
    let mut children = Vec::new();
    let mut close_name = None;
    if !self_closing {
        let mut depth = 1usize;
        loop {
            let event = reader.read_event().ok()?;
            let after = at + reader.buffer_position() as usize;
            match event {
                Event::Start(e) => {
                    if depth == 1 {
                        push_child(&mut children, e.name().as_ref());
                    }
                    depth += 1;
                }
                Event::Empty(e) if depth == 1 => push_child(&mut children, e.name().as_ref()),
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        let open = text[..after].rfind("</")? + 2;
                        close_name = Some(open..open + qname.len());
                        if text.get(open..open + qname.len())? != qname {
                            return None;
                        }
                        break;
                    }
                }
                Event::Eof => return None,
                _ => {}
            }
        }
    }
    Some(Element {
        start_tag,
        close_name,
        attrs,
        children,
        self_closing,
    })
}

fn push_child(children: &mut Vec<String>, name: &[u8]) {
    let name = String::from_utf8_lossy(name).into_owned();
    if !children.contains(&name) {
        children.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{eol, offset_at};

    /// The element at `line`:`col`, as a switch finds it.
    fn element_at(text: &str, line: u32, col: u32, qname: &str) -> Option<Element> {
        super::element_at(text, offset_at(text, line, col)?, qname)
    }

    #[test]
    fn elements() {
        let t = "<mule>\n  <x:c>\n    <x:basic-connection a=\"1\"\n        b='\"2\"'>\n      <reconnection><r/></reconnection>\n      <tls:context/>\n    </x:basic-connection >\n  </x:c>\n</mule>\n";
        let e = element_at(t, 3, 5, "x:basic-connection").unwrap();
        assert_eq!(
            &t[e.start_tag.clone()],
            "<x:basic-connection a=\"1\"\n        b='\"2\"'>"
        );
        assert_eq!(&t[e.close_name.clone().unwrap()], "x:basic-connection");
        assert_eq!(e.children, vec!["reconnection", "tls:context"]);
        assert_eq!(e.attr("b").unwrap().written(), "b='\"2\"'");
        let tag = e.new_start_tag(
            t,
            eol(t),
            "x:jwt-connection",
            &[
                vec![("k".into(), "v".into()), ("l".into(), "w".into())],
                vec![],
                vec![("p".into(), "q".into())],
            ],
            &[("a".into(), "a=\"1\"".into())],
        );
        assert_eq!(
            tag,
            "<x:jwt-connection k=\"v\" l=\"w\"\n        p=\"q\"\n        a=\"1\">"
        );
        assert!(element_at(t, 3, 4, "x:basic-connection").is_none());
        let t = "<a>\r\n\t<x:basic-connection u=\"1\"/>\r\n</a>";
        let e = element_at(t, 2, 2, "x:basic-connection").unwrap();
        assert!(e.self_closing && e.close_name.is_none());
        let tag = e.new_start_tag(
            t,
            eol(t),
            "x:j",
            &[
                vec![("k".into(), "v".into())],
                vec![("p".into(), "q".into())],
            ],
            &[],
        );
        assert_eq!(tag, "<x:j k=\"v\"\r\n\t\tp=\"q\"/>");
    }
}
