//! Secrets written in the XML that `fix secrets` turns into new secure
//! properties: where each value is and how the edited text reads it.

use intguard_model::{HttpCredential, HttpValueSyntax, MuleRuntime};

use crate::text::ValueSpan;
use crate::xml;

/// How a moved literal reads its new secure property.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reference {
    /// An attribute value: `${secure::prop}` (Mule 3: `${prop}`).
    Placeholder(MuleRuntime),
    /// A DataWeave string: `p('secure::prop')`, with the string's own quote
    /// so that the XML around it stays well-formed.
    DataWeave(char),
    /// A value inside a DataWeave string (a form pair): the string ends
    /// before it and goes on after it, `" ++ p("secure::prop") ++ "`, with
    /// the string's own quote as written; `closes`: the string ended right
    /// after the value (its closing quote is replaced too).
    Concatenated { quote: &'static str, closes: bool },
}

impl Reference {
    pub(super) fn to(self, prop: &str) -> String {
        match self {
            Reference::Placeholder(MuleRuntime::Mule4) => format!("${{secure::{prop}}}"),
            Reference::Placeholder(MuleRuntime::Mule3) => format!("${{{prop}}}"),
            Reference::DataWeave(q) => format!("p({q}secure::{prop}{q})"),
            Reference::Concatenated { quote: q, closes } => {
                let tail = if closes {
                    String::new()
                } else {
                    format!(" ++ {q}")
                };
                format!("{q} ++ p({q}secure::{prop}{q}){tail}")
            }
        }
    }
}

/// Where an HTTP credential written in clear is and how it will read its
/// property: a key/value element's `value="…"`, a DataWeave string (a
/// header or query map entry, a body object field), the value of a
/// `name=value` pair in a form-encoded string (Mule 4: the string is cut
/// around it, `"...&password=" ++ p('secure::x') ++ "&..."`; Mule 3: a
/// `${x}` placeholder inside the string), or in a `set-payload value` written
/// as literal text (a placeholder). A pair whose string spans lines, and
/// literal text elsewhere (an `<http:body>`), are left to the finding's fix.
/// `at`: the byte where the credential's value is (its location in `text`,
/// `None` when the text has no such place).
pub(super) fn http_literal_span(
    text: &str,
    at: Option<usize>,
    credential: &HttpCredential,
    runtime: MuleRuntime,
) -> Result<(ValueSpan, Reference), &'static str> {
    match credential.syntax {
        HttpValueSyntax::Attribute => {
            let span = at
                .and_then(|at| xml::attr_value_span_at(text, at, "value"))
                .filter(|s| s.scalar == credential.value.raw)
                .ok_or("cannot locate the value attribute")?;
            Ok((span, Reference::Placeholder(runtime)))
        }
        HttpValueSyntax::DataWeaveField if runtime == MuleRuntime::Mule3 => {
            Err("a Mule 3 expression")
        }
        HttpValueSyntax::DataWeaveField => {
            let span = at
                .and_then(|at| xml::dataweave_string_span_at(text, at))
                .filter(|s| s.scalar == credential.value.raw)
                .ok_or("not a plain one-line DataWeave string")?;
            let quote = text[span.range.start..].chars().next().unwrap_or('\'');
            Ok((span, Reference::DataWeave(quote)))
        }
        HttpValueSyntax::DataWeaveFormPair => {
            let span = at
                .and_then(|at| xml::plain_value_span_at(text, at, &credential.value.raw))
                .ok_or("a form value written with entities or quotes")?;
            if runtime == MuleRuntime::Mule3 {
                return Ok((span, Reference::Placeholder(runtime)));
            }
            let (quote, closes) =
                xml::enclosing_quote(text, &span).ok_or("a pair in a string that spans lines")?;
            let mut span = span;
            if closes {
                span.range.end += quote.len();
            }
            Ok((span, Reference::Concatenated { quote, closes }))
        }
        HttpValueSyntax::Text if credential.element == "set-payload" => {
            let span = at
                .and_then(|at| xml::plain_value_span_at(text, at, &credential.value.raw))
                .ok_or("a value written with entities or quotes")?;
            Ok((span, Reference::Placeholder(runtime)))
        }
        HttpValueSyntax::Text => Err("a body written as literal text"),
    }
}

/// A secret written in the XML that moves to a new secure property.
pub(super) struct LiteralSite<'a> {
    pub(super) location: &'a intguard_model::Location,
    /// The value as Mule reads it.
    pub(super) value: std::borrow::Cow<'a, str>,
    pub(super) span: ValueSpan,
    /// The new property ([`intguard_model::property_names`]).
    pub(super) name: String,
    /// How the edited text reads the property chosen.
    pub(super) reference: Reference,
    /// What the action says is replaced.
    pub(super) what: String,
}
