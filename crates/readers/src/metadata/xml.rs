//! Streaming walk of Salesforce metadata XML.
//!
//! One pass with quick-xml over the text; no tree is built. The walk keeps a
//! stack of open elements and hands each *compound* element (one with child
//! elements) to a [`Handler`] when it closes, with the *leaf* children it
//! holds (`<name>ModifyAllData</name>`), their decoded text and position. A
//! handler says which compound elements it wants ([`Handler::wants`]); the
//! leaves of the others (a profile's thousands of `fieldPermissions`) are
//! dropped as they go, so memory stays at the size of one element.
//!
//! Positions are 1-based line and column of an element's `<`. Entities
//! (`&apos;`, `&#39;`) and CDATA are decoded; namespace prefixes are ignored
//! (metadata uses a default namespace).

use intguard_model::{Diagnostic, Location};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::mule::xml::resolve_ref;
use crate::position::Cursor;

/// 1-based line and column.
pub(crate) type Pos = (u32, u32);

/// A leaf element: `<name>value</name>`.
#[derive(Debug, Clone)]
pub(crate) struct Leaf<'t> {
    pub name: &'t str,
    pub value: String,
    pub pos: Pos,
}

/// What a metadata type's reader does with the elements of a file.
pub(crate) trait Handler<'t> {
    /// True when the leaves of the compound element at `path` (element names
    /// below the root; empty for the root itself) are wanted.
    fn wants(&self, path: &[&'t str]) -> bool;
    /// A wanted compound element closed.
    fn element(&mut self, path: &[&'t str], leaves: Vec<Leaf<'t>>, pos: Pos);
}

/// What the walk learnt besides what it gave the handler.
#[derive(Debug, Default)]
pub(crate) struct Walked<'t> {
    /// The root element's local name.
    pub root: Option<&'t str>,
    /// The root element's position.
    pub root_pos: Pos,
    pub diagnostics: Vec<Diagnostic>,
}

struct Frame<'t> {
    pos: Pos,
    has_child: bool,
    /// The handler wants this element's leaves.
    keep: bool,
    /// This element's text is wanted (its parent keeps leaves).
    collect: bool,
    leaves: Vec<Leaf<'t>>,
}

/// The local name of the element whose `<` is at `lt`.
fn element_name(text: &str, lt: usize) -> &str {
    let rest = text.get(lt + 1..).unwrap_or("");
    let end = rest
        .bytes()
        .position(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        .unwrap_or(rest.len());
    let qname = &rest[..end];
    qname.rsplit_once(':').map_or(qname, |(_, l)| l)
}

/// Walks `text` (the file at display path `path`), feeding `handler`.
pub(crate) fn walk<'t, H: Handler<'t>>(text: &'t str, path: &str, handler: &mut H) -> Walked<'t> {
    // XML parsers skip a byte order mark; quick-xml does, but counts its
    // positions from after it, and a location counts from after it too.
    let text = crate::position::without_bom(text);
    let mut walked = Walked::default();
    let mut reader = Reader::from_str(text);
    let mut lines = Cursor::new(text);
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame<'t>> = Vec::new();
    let mut names: Vec<&'t str> = Vec::new();
    let mut buf = String::new();

    let open = |frames: &mut Vec<Frame<'t>>,
                names: &mut Vec<&'t str>,
                walked: &mut Walked<'t>,
                handler: &mut H,
                lines: &mut Cursor<'t>,
                before: usize| {
        let lt = crate::position::tag_start(bytes, before);
        let name = element_name(text, lt);
        let pos = lines.locate(lt);
        let collect = match frames.last_mut() {
            Some(parent) => {
                parent.has_child = true;
                parent.keep
            }
            None => {
                walked.root = Some(name);
                walked.root_pos = pos;
                false
            }
        };
        names.push(name);
        let keep = handler.wants(&names[1..]);
        frames.push(Frame {
            pos,
            has_child: false,
            keep,
            collect,
            leaves: Vec::new(),
        });
    };

    fn close<'t, H: Handler<'t>>(
        frames: &mut Vec<Frame<'t>>,
        names: &mut Vec<&'t str>,
        handler: &mut H,
        buf: &mut String,
    ) {
        let Some(frame) = frames.pop() else {
            return;
        };
        if frame.has_child {
            if frame.keep {
                handler.element(&names[1..], frame.leaves, frame.pos);
            }
        } else if frame.collect {
            if let (Some(parent), Some(name)) = (frames.last_mut(), names.last()) {
                parent.leaves.push(Leaf {
                    name,
                    value: buf.trim().to_string(),
                    pos: frame.pos,
                });
            }
        } else if frame.keep && frames.is_empty() {
            // An empty root: still a (blank) item.
            handler.element(&names[1..], frame.leaves, frame.pos);
        }
        buf.clear();
        names.pop();
    }

    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                buf.clear();
                open(
                    &mut frames,
                    &mut names,
                    &mut walked,
                    handler,
                    &mut lines,
                    before,
                );
            }
            Ok(Event::Empty(_)) => {
                buf.clear();
                open(
                    &mut frames,
                    &mut names,
                    &mut walked,
                    handler,
                    &mut lines,
                    before,
                );
                close(&mut frames, &mut names, handler, &mut buf);
            }
            Ok(Event::End(_)) => close(&mut frames, &mut names, handler, &mut buf),
            Ok(Event::Text(t)) => {
                if frames.last().is_some_and(|f| f.collect && !f.has_child) {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::CData(t)) => {
                if frames.last().is_some_and(|f| f.collect && !f.has_child) {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if frames.last().is_some_and(|f| f.collect && !f.has_child) {
                    buf.push_str(&resolve_ref(&r));
                }
            }
            Ok(Event::Eof) => {
                if walked.root.is_none() && !text.trim().is_empty() {
                    walked.diagnostics.push(
                        Diagnostic::error("xml-syntax", path, "not XML: no root element").at(1, 1),
                    );
                }
                if !frames.is_empty() {
                    let (line, col) = lines.locate(text.len());
                    walked.diagnostics.push(
                        Diagnostic::error(
                            "xml-syntax",
                            path,
                            format!(
                                "unexpected end of file: {} element(s) not closed (truncated file?); kept what was read before",
                                frames.len()
                            ),
                        )
                        .at(line, col),
                    );
                }
                break;
            }
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                let (line, col) = lines.locate(at);
                walked.diagnostics.push(
                    Diagnostic::error(
                        "xml-syntax",
                        path,
                        format!("XML syntax error: {e}; kept what was read before"),
                    )
                    .at(line, col),
                );
                break;
            }
        }
    }
    // Close what a truncated or broken file left open, so what was read is kept.
    buf.clear();
    while !frames.is_empty() {
        close(&mut frames, &mut names, handler, &mut buf);
    }
    walked
}

/// Helpers over a compound element's leaves.
pub(crate) struct Leaves<'a, 't> {
    pub leaves: &'a [Leaf<'t>],
    pub path: &'a str,
}

impl<'a, 't> Leaves<'a, 't> {
    pub fn new(leaves: &'a [Leaf<'t>], path: &'a str) -> Self {
        Leaves { leaves, path }
    }

    pub fn get(&self, name: &str) -> Option<&'a Leaf<'t>> {
        self.leaves.iter().find(|l| l.name == name)
    }

    pub fn all(&self, name: &'a str) -> impl Iterator<Item = &'a Leaf<'t>> + 'a {
        self.leaves.iter().filter(move |l| l.name == name)
    }

    pub fn str(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|l| l.value.clone())
            .filter(|v| !v.is_empty())
    }

    pub fn loc(&self, pos: Pos) -> Location {
        Location::new(self.path, pos.0, pos.1)
    }

    /// A non-empty text leaf with its location.
    pub fn located(&self, name: &str) -> Option<intguard_model::Located<String>> {
        let l = self.get(name)?;
        (!l.value.is_empty())
            .then(|| intguard_model::Located::new(l.value.clone(), self.loc(l.pos)))
    }

    /// `true`/`false` (case-insensitive); anything else is reported and
    /// ignored.
    pub fn bool(
        &self,
        name: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<intguard_model::Located<bool>> {
        let l = self.get(name)?;
        let v = parse_bool(&l.value);
        if v.is_none() {
            diagnostics.push(
                Diagnostic::warning(
                    "metadata-value",
                    self.path,
                    format!("<{name}> is `{}`, not true or false: ignored", l.value),
                )
                .at(l.pos.0, l.pos.1),
            );
        }
        Some(intguard_model::Located::new(v?, self.loc(l.pos)))
    }

    /// An unsigned number; anything else is reported and ignored.
    pub fn number(
        &self,
        name: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<intguard_model::Located<u32>> {
        let l = self.get(name)?;
        let v = l.value.trim().parse::<u32>().ok();
        if v.is_none() {
            diagnostics.push(
                Diagnostic::warning(
                    "metadata-value",
                    self.path,
                    format!("<{name}> is `{}`, not a number: ignored", l.value),
                )
                .at(l.pos.0, l.pos.1),
            );
        }
        Some(intguard_model::Located::new(v?, self.loc(l.pos)))
    }

    /// A bool flag, false when absent or not a boolean.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .and_then(|l| parse_bool(&l.value))
            .unwrap_or(false)
    }
}

/// An `xsd:boolean`, as the Metadata API types its flags: `true` / `false`
/// or `1` / `0` (a hand-edited `<enabled>1</enabled>` grants the
/// permission on deploy).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") || s == "1" {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s == "0" {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_xsd_booleans() {
        for (s, want) in [
            ("true", Some(true)),
            (" TRUE ", Some(true)),
            ("1", Some(true)),
            ("false", Some(false)),
            ("0", Some(false)),
            ("yes", None),
            ("", None),
        ] {
            assert_eq!(parse_bool(s), want, "{s:?}");
        }
    }

    type Seen = (String, Vec<(String, String, Pos)>, Pos);

    #[derive(Default)]
    struct Collect {
        seen: Vec<Seen>,
    }

    impl<'t> Handler<'t> for Collect {
        fn wants(&self, path: &[&'t str]) -> bool {
            path.first() != Some(&"skip")
        }
        fn element(&mut self, path: &[&'t str], leaves: Vec<Leaf<'t>>, pos: Pos) {
            self.seen.push((
                path.join("/"),
                leaves
                    .into_iter()
                    .map(|l| (l.name.to_string(), l.value, l.pos))
                    .collect(),
                pos,
            ));
        }
    }

    #[test]
    fn leaves_entities_and_positions() {
        let text = "<?xml version=\"1.0\"?>\n<Profile xmlns=\"x\">\n  <custom>true</custom>\n  <userPermissions>\n    <enabled>true</enabled>\n    <name>Author&apos;s &#65;pex</name>\n  </userPermissions>\n  <skip><a>1</a></skip>\n  <x:y><![CDATA[a<b]]></x:y>\n  <empty/>\n</Profile>\n";
        let mut c = Collect::default();
        let w = walk(text, "p.xml", &mut c);
        assert_eq!(w.root, Some("Profile"));
        assert!(w.diagnostics.is_empty());
        assert_eq!(c.seen.len(), 2);
        let (path, leaves, pos) = &c.seen[0];
        assert_eq!(path, "userPermissions");
        assert_eq!(*pos, (4, 3));
        assert_eq!(leaves[1], ("name".into(), "Author's Apex".into(), (6, 5)));
        let (path, leaves, _) = &c.seen[1];
        assert_eq!(path, "");
        let names: Vec<_> = leaves.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(names, ["custom", "y", "empty"]);
        assert_eq!(leaves[1].1, "a<b");
    }

    #[test]
    fn truncated_keeps_what_was_read() {
        let text = "<Profile>\n<userPermissions><enabled>true</enabled><name>A</name></userPermissions>\n<userPermissions><enabled>true</enabled><name>B</na";
        let mut c = Collect::default();
        let w = walk(text, "p.xml", &mut c);
        assert_eq!(w.diagnostics.len(), 1);
        assert_eq!(w.diagnostics[0].code, "xml-syntax");
        assert_eq!(c.seen[0].1[1].1, "A");
        let broken = walk("<a><b></c></a>", "q.xml", &mut Collect::default());
        assert_eq!(broken.diagnostics[0].code, "xml-syntax");
        let not_xml = walk("hello", "r.xml", &mut Collect::default());
        assert_eq!(not_xml.diagnostics[0].code, "xml-syntax");
    }
}
