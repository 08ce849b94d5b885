//! Streaming reader of Mule configuration XML (Mule 4 and Mule 3).
//!
//! One pass with quick-xml over the decoded text. Global configurations of
//! interest (Salesforce, secure properties, TLS, HTTP) are captured as small
//! subtrees and turned into model items when they close; everything else is
//! looked at element by element: secret and URL attributes, global
//! properties, property imports and Salesforce operations.
//!
//! Elements are matched by namespace: the prefix written is resolved through
//! the `xmlns:` declarations in scope to a *family* (`salesforce`, `sfdc`,
//! `tls`, `http`, `secure-properties`, `secure-property-placeholder`,
//! `context`, and `""` for the Mule core namespace). An undeclared prefix
//! stands for itself, so files with missing declarations still work.
//!
//! Positions: elements point at their `<`; attributes at their own name, so a
//! finding on `password="..."` points exactly there.

use intguard_model::{
    vocab, Diagnostic, FilePath, GlobalProperty, HttpCredential, HttpListener, HttpParam,
    HttpParamKind, HttpRequestOperation, HttpRequester, HttpValueSyntax, KeyLoader, KeyLoaderKind,
    Location, PropertyImport, SalesforceConnection, SalesforceOperation, SecurePropertiesConfig,
    SendsBody, TlsContext, Value, XmlAttribute,
};
use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::dataweave::{body_fields, dataweave_map_entries};
use crate::position::Cursor;
pub(crate) use request_body::{follow_flow_refs, settle_body_mode, PayloadForward, PayloadHandoff};
use request_body::{sends_a_body, sends_the_payload};

mod global_config;
mod request_body;

/// Everything one Mule XML file contributes to its app.
#[derive(Debug, Default)]
pub(crate) struct MuleXmlFacts {
    /// The root element is `<mule>` (in the Mule core namespace).
    pub is_mule: bool,
    /// The root element is a Spring `<beans>` (in the Spring beans
    /// namespace): a beans file the app's Spring configuration loads (Mule 4
    /// `<spring:config files="beans.xml"/>`, a Mule 3 `<spring:import>`).
    /// Only its beans are read.
    pub spring_beans: bool,
    /// Mule 3 markers seen (`sfdc:`, `secure-property-placeholder:`,
    /// `context:property-placeholder`, Spring beans).
    pub salesforce_connections: Vec<SalesforceConnection>,
    pub secure_property_configs: Vec<SecurePropertiesConfig>,
    pub property_imports: Vec<PropertyImport>,
    pub global_properties: Vec<GlobalProperty>,
    pub tls_contexts: Vec<TlsContext>,
    pub key_loaders: Vec<KeyLoader>,
    pub http_listeners: Vec<HttpListener>,
    pub http_requests: Vec<HttpRequester>,
    pub http_request_operations: Vec<HttpRequestOperation>,
    pub unsent_payload_credentials: Vec<HttpCredential>,
    /// Payloads set just before a `flow-ref`: the flow called may send them.
    pub payload_handoffs: Vec<PayloadHandoff>,
    /// Flows that hand the payload they received on to another flow.
    pub payload_forwards: Vec<PayloadForward>,
    pub secret_attributes: Vec<XmlAttribute>,
    pub url_attributes: Vec<XmlAttribute>,
    pub operations: Vec<SalesforceOperation>,
    /// Secret variables DataWeave scripts in CDATA sections declare with a
    /// string literal (`var apiKey = "..."`): (name, value, location of the
    /// name).
    pub script_variables: Vec<(String, String, Location)>,
    pub diagnostics: Vec<Diagnostic>,
}

const MULE_NS_PREFIX: &str = "http://www.mulesoft.org/schema/mule/";

/// The namespace family of an element, for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fam {
    /// The Mule core namespace (or no namespace).
    Core,
    Salesforce,
    Sfdc,
    Tls,
    Http,
    SecureProperties,
    SecurePropertyPlaceholder,
    Context,
    /// Spring's beans namespace (Mule 3 configs declare beans inline).
    SpringBeans,
    Crypto,
    Sftp,
    Other,
}

/// Family named by a prefix (conventional prefixes) or a namespace's last
/// path segment.
fn fam_of_name(name: &str) -> Fam {
    match name {
        "" | "core" => Fam::Core,
        "salesforce" => Fam::Salesforce,
        "sfdc" => Fam::Sfdc,
        "tls" => Fam::Tls,
        "http" => Fam::Http,
        "secure-properties" => Fam::SecureProperties,
        "secure-property-placeholder" => Fam::SecurePropertyPlaceholder,
        "context" => Fam::Context,
        "crypto" => Fam::Crypto,
        "sftp" => Fam::Sftp,
        _ => Fam::Other,
    }
}

/// Family of a namespace URI; `None` for URIs that are neither Mule's nor
/// Spring's context (the prefix as written decides then).
fn fam_of_uri(uri: &str) -> Option<Fam> {
    let uri = uri.trim();
    if let Some(rest) = uri.strip_prefix(MULE_NS_PREFIX) {
        let rest = rest.trim_end_matches('/');
        return Some(match rest {
            "core" => Fam::Core,
            "ee/core" => Fam::Other,
            other => fam_of_name(other.rsplit('/').next().unwrap_or(other)),
        });
    }
    if uri == "http://www.springframework.org/schema/context" {
        return Some(Fam::Context);
    }
    if uri == "http://www.springframework.org/schema/beans" {
        return Some(Fam::SpringBeans);
    }
    None
}

fn is_mule_core_uri(uri: &str) -> bool {
    uri.trim().trim_end_matches('/') == "http://www.mulesoft.org/schema/mule/core"
}

/// How deep a global configuration's subtree is captured. Real ones are a
/// few levels deep (config > connection > tls:context > key-store); the bound
/// keeps a garbled or hostile file from building a tree whose recursive walks
/// and drop would overflow the stack.
const MAX_CAPTURE_DEPTH: usize = 64;

/// A captured element of a global configuration subtree.
#[derive(Debug, Clone)]
struct Node {
    qname: String,
    family: Fam,
    local: String,
    location: Location,
    attrs: Vec<XmlAttribute>,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&Value> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| &a.value)
    }

    fn attr_str(&self, name: &str) -> Option<String> {
        self.attr(name).map(|v| v.raw.clone())
    }

    fn child(&self, pred: impl Fn(&Node) -> bool) -> Option<&Node> {
        self.children.iter().find(|c| pred(c))
    }

    /// First descendant (depth-first, document order) matching `pred`.
    fn descendant(&self, pred: &dyn Fn(&Node) -> bool) -> Option<&Node> {
        for c in &self.children {
            if pred(c) {
                return Some(c);
            }
            if let Some(d) = c.descendant(pred) {
                return Some(d);
            }
        }
        None
    }

    fn is(&self, family: Fam, local: &str) -> bool {
        self.family == family && self.local == local
    }
}

/// An attribute as parsed from the raw tag: name, unescaped value, the
/// byte offset of its name in the file and the byte range of its value as
/// written (entities not resolved).
struct RawAttr<'t> {
    name: &'t str,
    value: Cow<'t, str>,
    offset: usize,
    value_span: (usize, usize),
}

/// Tolerant attribute parser over the part of a start tag after its name.
/// `base` is the byte offset of `s` in the file. Returns the first thing
/// that is not well-formed XML (its offset and what it is), which Mule would
/// refuse although the values are read as well as possible.
fn parse_attrs<'t>(
    s: &'t str,
    base: usize,
    out: &mut Vec<RawAttr<'t>>,
) -> Option<(usize, &'static str)> {
    out.clear();
    let mut problem: Option<(usize, &'static str)> = None;
    let bytes = s.as_bytes();
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n || bytes[i] == b'/' {
            break;
        }
        let name_start = i;
        while i < n && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' && bytes[i] != b'/' {
            i += 1;
        }
        let name = &s[name_start..i];
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n || bytes[i] != b'=' {
            // Attribute without a value (not XML): skip the name.
            if name.is_empty() {
                i += 1;
            } else {
                problem.get_or_insert((base + name_start, "an attribute without a value"));
            }
            continue;
        }
        i += 1;
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let quote = bytes[i];
        // Whether the value holds an entity: found with its closing quote in
        // one search, as this runs for every attribute of every element.
        let (value_start, value_end, entity) = if quote == b'"' || quote == b'\'' {
            let start = i + 1;
            let (end, entity) = match memchr::memchr2(quote, b'&', &bytes[start..]) {
                Some(e) if bytes[start + e] == quote => (start + e, false),
                Some(e) => {
                    let amp = start + e;
                    let end = memchr::memchr(quote, &bytes[amp..]).map_or(n, |q| amp + q);
                    (end, true)
                }
                None => (n, false),
            };
            i = (end + 1).min(n);
            (start, end, entity)
        } else {
            problem.get_or_insert((base + name_start, "an attribute value without quotes"));
            let start = i;
            while i < n && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            (start, i, memchr::memchr(b'&', &bytes[start..i]).is_some())
        };
        let raw = &s[value_start..value_end];
        let value = if entity {
            quick_xml::escape::unescape(raw).unwrap_or_else(|_| {
                problem.get_or_insert((
                    base + name_start,
                    "a bare `&` or an unknown entity in an attribute value",
                ));
                Cow::Borrowed(raw)
            })
        } else {
            Cow::Borrowed(raw)
        };
        if !name.is_empty() {
            if out.iter().any(|a| a.name == name) {
                problem.get_or_insert((base + name_start, "an attribute written twice"));
            }
            out.push(RawAttr {
                name,
                value,
                offset: base + name_start,
                value_span: (base + value_start, base + value_end),
            });
        }
    }
    problem
}

/// The attribute names that make up most of a Mule file (loggers, variables,
/// transforms, operations' config references) and name no secret: answered
/// without the name folding of [`vocab::is_secret_name`], which runs for
/// every other attribute of every element.
fn is_common_plain_attribute(name: &str) -> bool {
    matches!(
        name,
        "config-ref"
            | "message"
            | "level"
            | "category"
            | "name"
            | "value"
            | "variableName"
            | "path"
            | "expression"
            | "type"
            | "method"
            | "target"
            | "targetValue"
            | "logException"
            | "enableNotifications"
            | "collection"
            | "batchSize"
            | "objectType"
            | "externalIdFieldName"
            | "allowedMethods"
            | "version"
            | "encoding"
            | "mimeType"
            | "when"
    )
}

/// Resolves a `&name;` reference met in text.
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name = String::from_utf8_lossy(r);
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => s.to_string(),
        None => format!("&{name};"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Capture,
    Operation,
    OperationQuery,
    /// An `<http:request>` in a flow, and what is inside it (text kept).
    HttpRequest,
    HttpRequestChild,
    /// `ee:set-payload` (its text is the payload script).
    SetPayload,
}

struct Frame<'t> {
    /// The element's own `name` attribute.
    name: Option<Cow<'t, str>>,
    ns_bindings: usize,
    role: Role,
}

struct OpenOperation {
    op: SalesforceOperation,
    query_attr: Option<String>,
    query_text: String,
    saw_query_child: bool,
}

struct XmlReader<'t> {
    text: &'t str,
    /// One shared path for every item's location.
    path: FilePath,
    lines: Cursor<'t>,
    facts: MuleXmlFacts,
    stack: Vec<Frame<'t>>,
    /// `(prefix, family)` in scope; `""` is the default namespace. `None`:
    /// a namespace intguard does not know (the prefix decides).
    ns: Vec<(&'t str, Option<Fam>, bool)>,
    /// Reused buffer for the attributes of the current tag.
    attr_buf: Vec<RawAttr<'t>>,
    capture: Vec<Node>,
    /// An `xml-depth` diagnostic was given (once per file).
    too_deep_reported: bool,
    /// An `xml-malformed` warning was given for this file.
    malformed_reported: bool,
    operation: Option<OpenOperation>,
    /// The `<http:request>` being read.
    http_request: Option<HttpRequestOperation>,
    /// The `<http:headers>` / `<http:query-params>` map of that request
    /// being read.
    param_map: Option<ParamMap>,
    /// The payload last set in the current flow.
    payload: Option<String>,
    /// The `set-payload` / `ee:set-payload` being read (its text is the
    /// payload), with where each piece of its text lies in the file.
    payload_setter: Option<PayloadSetter>,
    /// Where the payload last set in the current flow comes from, until the
    /// next `<http:request>` (which sends it as its body) reads its
    /// credential-named fields: only then, as most payloads go to no
    /// request.
    payload_source: Option<PayloadSetter>,
    /// Nothing in the current flow has set the payload yet: it is still the
    /// one the flow was called with.
    caller_payload: bool,
    /// Payloads handed to a flow by a `flow-ref`, read when the file ends:
    /// most go to a flow of the same file that sends no request, and need
    /// no more than an unsent payload.
    pending_handoffs: Vec<PendingHandoff>,
    /// The flows and sub-flows of this file.
    flows_here: Vec<String>,
    /// The file lies where Mule configuration lives.
    expect_mule: bool,
    /// A secret-named Spring bean `property` (or `constructor-arg`) whose
    /// value is the text of its `<value>` child.
    spring_value: Option<SpringValue>,
}

/// A Spring bean property whose value is written as element text:
/// `<property name="password"><value>...</value></property>`.
struct SpringValue {
    /// The bean property's name.
    property: String,
    /// The qualified name of its element (`property`, `constructor-arg`).
    element: String,
    owner: Option<String>,
    /// Depth of the property's frame in the element stack.
    property_depth: usize,
    /// Depth of its `<value>` frame, once started.
    value: Option<usize>,
    /// The text read so far and where its first non-blank character is.
    text: String,
    start: Option<usize>,
}

/// Reads one Mule configuration file. `expect_mule`: the file lies where Mule
/// configuration lives (`src/main/mule`, `src/main/app`, `src/test/munit`), so
/// syntax errors are reported even before the root element was seen.
pub(crate) fn read_mule_xml(text: &str, path: &str, expect_mule: bool) -> MuleXmlFacts {
    let mut r = XmlReader {
        text,
        path: FilePath::from(path),
        lines: Cursor::new(text),
        facts: MuleXmlFacts::default(),
        stack: Vec::new(),
        ns: Vec::new(),
        attr_buf: Vec::new(),
        capture: Vec::new(),
        too_deep_reported: false,
        malformed_reported: false,
        operation: None,
        http_request: None,
        param_map: None,
        payload: None,
        payload_setter: None,
        payload_source: None,
        caller_payload: false,
        pending_handoffs: Vec::new(),
        flows_here: Vec::new(),
        expect_mule,
        spring_value: None,
    };
    r.run(expect_mule);
    r.facts
}

impl<'t> XmlReader<'t> {
    fn loc(&mut self, offset: usize) -> Location {
        let (line, column) = self.lines.locate(offset);
        Location::new(&self.path, line, column)
    }

    fn run(&mut self, expect_mule: bool) {
        let mut reader = Reader::from_str(self.text);
        let mut seen_root = false;
        loop {
            let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
            let event = reader.read_event();
            match event {
                Ok(Event::Start(e)) => {
                    let is_root = !seen_root;
                    seen_root = true;
                    if !self.start(&e, before, is_root) {
                        return;
                    }
                }
                Ok(Event::Empty(e)) => {
                    let is_root = !seen_root;
                    seen_root = true;
                    if !self.start(&e, before, is_root) {
                        return;
                    }
                    self.end();
                }
                Ok(Event::End(_)) => self.end(),
                Ok(Event::Text(t)) if self.wants_text() => {
                    let piece = self.piece(&t);
                    self.text(&piece, before)
                }
                // The text follows `<![CDATA[`. A DataWeave script's secret
                // variables are looked for in every CDATA section that opens
                // with a header directive (`%dw 2.0`, as Studio writes
                // scripts, or `output`, `var`, ... when `%dw` is left out).
                Ok(Event::CData(t)) => {
                    if opens_dataweave_header(&t) {
                        self.script_variables(&t, before + 9);
                    }
                    if self.wants_text() {
                        let piece = self.piece(&t);
                        self.text(&piece, before + 9)
                    }
                }
                Ok(Event::GeneralRef(r)) if self.wants_text() => {
                    self.text(&resolve_ref(&r), before)
                }
                Ok(Event::Eof) => {
                    if !seen_root
                        && expect_mule
                        && !self.text.trim_start_matches('\u{feff}').trim().is_empty()
                    {
                        self.facts.diagnostics.push(
                            Diagnostic::error("xml-syntax", &self.path, "not XML: no root element")
                                .at(1, 1),
                        );
                    }
                    if !self.stack.is_empty() {
                        let (line, col) = self.lines.locate(self.text.len());
                        self.facts.diagnostics.push(
                            Diagnostic::error(
                                "xml-syntax",
                                &self.path,
                                format!(
                                    "unexpected end of file: {} element(s) not closed (truncated file?); kept what was read before",
                                    self.stack.len()
                                ),
                            )
                            .at(line, col),
                        );
                    }
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    if seen_root || expect_mule {
                        let at = usize::try_from(reader.error_position()).unwrap_or(0);
                        let (line, col) = self.lines.locate(at);
                        self.facts.diagnostics.push(
                            Diagnostic::error(
                                "xml-syntax",
                                &self.path,
                                format!("XML syntax error: {e}; kept what was read before"),
                            )
                            .at(line, col),
                        );
                    }
                    break;
                }
            }
        }
        // Close what a truncated or broken file left open, so the configs
        // already read are kept.
        while !self.stack.is_empty() {
            self.end();
        }
        self.discard_payload();
        self.finish_handoffs();
    }

    /// The secret variables a CDATA section (at `offset`) declares.
    // Out of the event loop, as `opens_dataweave_header`.
    #[inline(never)]
    fn script_variables(&mut self, bytes: &[u8], offset: usize) {
        let script = self.piece(bytes);
        let found = crate::text::dataweave_variables(&script);
        for (name, value, at) in found {
            let location = self.loc(offset + at);
            self.facts
                .script_variables
                .push((name.to_string(), value, location));
        }
    }

    fn family_of_prefix(&self, prefix: &str) -> Fam {
        match self.ns.iter().rev().find(|(p, _, _)| *p == prefix) {
            Some((_, Some(f), _)) => *f,
            _ => fam_of_name(prefix),
        }
    }

    /// The `name` of the element being started or of its nearest named
    /// ancestor.
    fn owner(&self, own: Option<&str>) -> Option<String> {
        own.or_else(|| self.stack.iter().rev().find_map(|f| f.name.as_deref()))
            .map(str::to_string)
    }

    /// The facts of a Spring beans or SFTP element, and the element's own
    /// name: a Spring bean is named by its `id` (or `name`), and a Spring
    /// `property`'s `name` is the bean property it sets, not a name.
    #[inline(never)]
    fn spring_or_sftp<'n>(
        &mut self,
        family: Fam,
        local: &str,
        qname: &str,
        own_name: Option<Cow<'n, str>>,
        attrs: &[RawAttr<'n>],
        lt: usize,
    ) -> Option<Cow<'n, str>> {
        match (family, local) {
            (Fam::SpringBeans, "property" | "constructor-arg") => {
                // `<spring:property name="password" value="..."/>`: the
                // value of a secret-named bean property, as if it were that
                // attribute.
                self.spring_secret_property(qname, attrs);
                None
            }
            (Fam::SpringBeans, "value") => {
                let depth = self.stack.len();
                if let Some(v) = self.spring_value.as_mut() {
                    if v.value.is_none() && depth == v.property_depth + 1 {
                        v.value = Some(depth);
                    }
                }
                own_name
            }
            (Fam::SpringBeans, "bean") => attrs
                .iter()
                .find(|a| a.name == "id")
                .map(|a| a.value.clone())
                .or(own_name),
            (Fam::Sftp, _) => {
                if attrs.iter().any(|a| a.name == "identityFile") {
                    let owner = self.owner(own_name.as_deref());
                    self.ssh_identity(qname, owner, attrs, lt);
                }
                own_name
            }
            _ => own_name,
        }
    }

    /// A Spring bean `property` whose `name` says it holds a secret: its
    /// `value` (located at that attribute) joins the secret attributes under
    /// the property's name, owned by the bean.
    fn spring_secret_property(&mut self, qname: &str, attrs: &[RawAttr<'_>]) {
        let find = |n: &str| attrs.iter().find(|a| a.name == n);
        let Some(name) = find("name") else {
            return;
        };
        let property = name.value.as_ref();
        if is_common_plain_attribute(property) || !vocab::is_secret_name(property) {
            return;
        }
        let owner = self.owner(None);
        let Some(value) = find("value") else {
            // The value may be the text of a `<value>` child.
            if find("ref").is_none() {
                self.spring_value = Some(SpringValue {
                    property: property.to_string(),
                    element: qname.to_string(),
                    owner,
                    property_depth: self.stack.len(),
                    value: None,
                    text: String::new(),
                    start: None,
                });
            }
            return;
        };
        let mut attr = self.attribute(qname, &owner, value);
        attr.name = property.to_string();
        self.facts.secret_attributes.push(attr);
    }

    /// SSH key authentication (an SFTP connection's `identityFile` and
    /// `passphrase`): a key loader named after `owner`, located at `lt`.
    fn ssh_identity(
        &mut self,
        qname: &str,
        owner: Option<String>,
        attrs: &[RawAttr<'_>],
        lt: usize,
    ) {
        let attributes = attrs
            .iter()
            .filter(|a| matches!(a.name, "identityFile" | "passphrase"))
            .map(|a| self.attribute(qname, &owner, a))
            .collect();
        let location = self.loc(lt);
        self.facts.key_loaders.push(KeyLoader {
            kind: KeyLoaderKind::SftpIdentity,
            element: qname.to_string(),
            name: owner,
            location,
            attributes,
            key_infos: Vec::new(),
        });
    }

    fn attribute(
        &mut self,
        element: &str,
        owner: &Option<String>,
        a: &RawAttr<'_>,
    ) -> XmlAttribute {
        XmlAttribute {
            element: element.to_string(),
            owner: owner.clone(),
            name: a.name.to_string(),
            value: Value::new(a.value.as_ref(), self.loc(a.offset)),
        }
    }

    /// Handles a start tag. Returns false when this is the root and it is
    /// not a Mule configuration (the caller stops).
    fn start(&mut self, e: &BytesStart<'_>, before: usize, is_root: bool) -> bool {
        let text: &'t str = self.text;
        let bytes = text.as_bytes();
        // The `<` of this element.
        let lt = if bytes.get(before) == Some(&b'<') {
            before
        } else {
            memchr::memchr(b'<', bytes.get(before..).unwrap_or_default())
                .map(|i| before + i)
                .unwrap_or(before)
        };
        // The tag content (name and attributes) as a slice of the text.
        let content: &[u8] = e;
        let content_offset = {
            let p = content.as_ptr() as usize;
            let base = text.as_ptr() as usize;
            if p >= base && p + content.len() <= base + text.len() {
                p - base
            } else {
                lt + 1
            }
        };
        let qname_len = e.name().as_ref().len();
        let qname_end = (content_offset + qname_len).min(text.len());
        let Some(qname) = text.get(content_offset.min(qname_end)..qname_end) else {
            return !is_root;
        };
        let attrs_end = (content_offset + content.len()).min(text.len());
        let mut raw_attrs = std::mem::take(&mut self.attr_buf);
        let problem = match text.get(qname_end..attrs_end) {
            Some(s) => parse_attrs(s, qname_end, &mut raw_attrs),
            None => {
                raw_attrs.clear();
                None
            }
        };
        if let Some((offset, what)) = problem {
            // Once per file: the first is enough to know Mule refuses it.
            if !self.malformed_reported {
                self.malformed_reported = true;
                let (line, column) = self.lines.locate(offset);
                self.facts.diagnostics.push(
                    Diagnostic::warning(
                        "xml-malformed",
                        &self.path,
                        format!(
                            "not well-formed: {what} in <{qname}>; Mule would refuse this file \
                             (read as well as possible)"
                        ),
                    )
                    .at(line, column),
                );
            }
        }

        // Namespace declarations.
        let mut ns_bindings = 0;
        for a in &raw_attrs {
            let prefix = if a.name == "xmlns" {
                ""
            } else if let Some(p) = a.name.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let core = is_mule_core_uri(&a.value);
            self.ns.push((prefix, fam_of_uri(&a.value), core));
            ns_bindings += 1;
        }
        let (prefix, local) = match memchr::memchr(b':', qname.as_bytes()) {
            Some(i) => (&qname[..i], &qname[i + 1..]),
            None => ("", qname),
        };
        let family = self.family_of_prefix(prefix);

        if is_root {
            if !is_xml_name(qname) {
                self.attr_buf = raw_attrs;
                if !self.expect_mule {
                    return false;
                }
                let (line, column) = self.lines.locate(lt);
                self.facts.diagnostics.push(
                    Diagnostic::error(
                        "xml-syntax",
                        &self.path,
                        format!("not well-formed: `{qname}` is not an element name"),
                    )
                    .at(line, column),
                );
                return false;
            }
            let binding = self.ns.iter().rev().find(|(p, _, _)| *p == prefix);
            let core = binding.is_none_or(|(_, _, core)| *core);
            if local == "beans" && family == Fam::SpringBeans {
                self.facts.spring_beans = true;
            } else if local != "mule" || !core {
                self.facts.is_mule = false;
                self.attr_buf = raw_attrs;
                return false;
            } else {
                self.facts.is_mule = true;
            }
        }

        let mut own_name: Option<Cow<'t, str>> = raw_attrs
            .iter()
            .find(|a| a.name == "name")
            .map(|a| a.value.clone());
        // Spring beans and the SFTP connector: rare, read apart.
        if matches!(family, Fam::SpringBeans | Fam::Sftp) {
            own_name = self.spring_or_sftp(family, local, qname, own_name, &raw_attrs, lt);
        }

        // Secret and URL attributes, wherever they are.
        let mut owner: Option<Option<String>> = None;
        for a in &raw_attrs {
            if a.name.starts_with("xmlns")
                || a.name.starts_with("doc:")
                || a.name.ends_with(":schemaLocation")
            {
                continue;
            }
            let secret = !is_common_plain_attribute(a.name) && vocab::is_secret_name(a.name);
            let url = is_url_attribute(a.name, &a.value);
            if secret || url {
                let o = owner
                    .get_or_insert_with(|| self.owner(own_name.as_deref()))
                    .clone();
                let attr = self.attribute(qname, &o, a);
                if secret && url {
                    self.facts.secret_attributes.push(attr.clone());
                    self.facts.url_attributes.push(attr);
                } else if secret {
                    self.facts.secret_attributes.push(attr);
                } else {
                    self.facts.url_attributes.push(attr);
                }
            }
        }

        // A new flow starts with no known payload; after a `flow-ref` or a
        // Salesforce operation the payload is what it returns: a request
        // after it does not send the payload set before it. Unless the
        // result goes to a variable (Mule 4 `target="..."`): the payload
        // stays.
        let to_variable = raw_attrs.iter().any(|a| a.name == "target");
        let is_flow = family == Fam::Core && matches!(local, "flow" | "sub-flow");
        let is_flow_ref = family == Fam::Core && local == "flow-ref";
        let is_salesforce_operation = (family == Fam::Salesforce || family == Fam::Sfdc)
            && self.operation.is_none()
            && self.http_request.is_none()
            && is_operation(family, local);
        if is_flow {
            if let Some(name) = own_name.as_deref() {
                self.flows_here.push(name.to_string());
            }
        }
        if is_flow_ref {
            let target = raw_attrs
                .iter()
                .find(|a| a.name == "name")
                .map(|a| &*a.value);
            // Nothing in this flow has set the payload yet: the flow called
            // receives what this flow received.
            if self.caller_payload {
                if let (Some(from), Some(to)) = (self.owner(None), flow_name(target)) {
                    self.facts.payload_forwards.push(PayloadForward {
                        from,
                        to: to.to_string(),
                    });
                }
            }
            self.hand_payload(target, !to_variable);
        }
        if is_flow || ((is_flow_ref || is_salesforce_operation) && !to_variable) {
            self.discard_payload();
            self.payload = None;
            self.caller_payload = is_flow;
        }
        let capturing = !self.capture.is_empty() || is_capture_root(family, local);
        let role = if capturing && self.capture.len() >= MAX_CAPTURE_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                let (line, column) = self.lines.locate(lt);
                self.facts.diagnostics.push(
                    Diagnostic::warning(
                        "xml-depth",
                        &self.path,
                        format!(
                            "elements nested more than {MAX_CAPTURE_DEPTH} deep in a global \
                             configuration: `{qname}` and what it contains are not read"
                        ),
                    )
                    .at(line, column),
                );
            }
            Role::Plain
        } else if capturing {
            let o = owner
                .get_or_insert_with(|| self.owner(own_name.as_deref()))
                .clone();
            let attrs = raw_attrs
                .iter()
                .filter(|a| {
                    !(a.name == "xmlns"
                        || a.name.starts_with("xmlns:")
                        || a.name.ends_with(":schemaLocation"))
                })
                .map(|a| self.attribute(qname, &o, a))
                .collect();
            let location = self.loc(lt);
            self.capture.push(Node {
                qname: qname.to_string(),
                family,
                local: local.to_string(),
                location,
                attrs,
                children: Vec::new(),
            });
            Role::Capture
        } else if self.http_request.is_some() {
            if family == Fam::Http
                && matches!(
                    local,
                    "headers" | "query-params" | "header" | "query-param" | "body"
                )
            {
                let o = owner
                    .get_or_insert_with(|| self.owner(own_name.as_deref()))
                    .clone();
                self.request_param(local, qname, &o, &raw_attrs);
            }
            Role::HttpRequestChild
        } else if family == Fam::Http && local == "request" {
            let o = owner
                .get_or_insert_with(|| self.owner(own_name.as_deref()))
                .clone();
            let mut get = |n: &str| {
                raw_attrs
                    .iter()
                    .find(|a| a.name == n)
                    .map(|a| self.attribute(qname, &o, a).value)
            };
            let (url, path) = (get("url"), get("path"));
            let config_ref = raw_attrs
                .iter()
                .find(|a| a.name == "config-ref")
                .map(|a| a.value.to_string());
            let location = self.loc(lt);
            // The request sends the payload set before it as its body,
            // unless its method or its config's mode sends none (settled
            // when the app is assembled).
            let attr = |n: &str| raw_attrs.iter().find(|a| a.name == n).map(|a| &*a.value);
            let sends_body = sends_a_body(attr("method"), attr("sendBodyMode"));
            // With `target="..."` its response goes to a variable and the
            // payload stays, for the requests after it too.
            let to_variable = raw_attrs.iter().any(|a| a.name == "target");
            // A payload script kept in a file: the app's assembly reads it.
            let payload_resource = self
                .payload_source
                .as_ref()
                .and_then(|s| s.resource.clone())
                .filter(|_| sends_body != SendsBody::No);
            let credentials = if sends_body == SendsBody::No {
                if !to_variable {
                    self.discard_payload();
                }
                Vec::new()
            } else {
                self.payload_credentials(!to_variable)
            };
            let sends_caller_payload =
                std::mem::take(&mut self.caller_payload) && sends_body != SendsBody::No;
            self.http_request = Some(HttpRequestOperation {
                location,
                config_ref,
                url,
                path,
                flow: o,
                sends_caller_payload,
                children_text: String::new(),
                // Only a payload IG101 may read is copied into each request.
                payload: self
                    .payload
                    .as_deref()
                    .filter(|p| sends_body != SendsBody::No && may_carry_a_login(p))
                    .map(str::to_string),
                payload_fields: credentials.len(),
                payload_resource,
                credentials,
                sends_body,
                query_params: Vec::new(),
            });
            Role::HttpRequest
        } else if local == "set-payload" && self.operation.is_none() {
            let o = owner
                .get_or_insert_with(|| self.owner(own_name.as_deref()))
                .clone();
            self.discard_payload();
            self.caller_payload = false;
            match raw_attrs.iter().find(|a| a.name == "value") {
                Some(v) => {
                    self.payload = Some(v.value.to_string());
                    let segments = attr_segments(text, v.value_span);
                    self.payload_source = Some(PayloadSetter {
                        element: qname.to_string(),
                        owner: o,
                        segments,
                        script: false,
                        resource: None,
                    });
                    Role::Plain
                }
                None => {
                    self.payload = Some(String::new());
                    // `ee:set-payload` / Mule 3 `dw:set-payload`: a DataWeave
                    // script.
                    let resource = raw_attrs
                        .iter()
                        .find(|a| a.name == "resource")
                        .map(|a| a.value.trim().to_string())
                        .filter(|r| !r.is_empty() && !r.contains("${") && !r.contains("#["));
                    self.payload_setter = Some(PayloadSetter {
                        element: qname.to_string(),
                        owner: o,
                        segments: Vec::new(),
                        script: true,
                        resource,
                    });
                    Role::SetPayload
                }
            }
        } else if let Some(op) = self.operation.as_mut() {
            if local == "salesforce-query" || local == "query" {
                op.saw_query_child = true;
                Role::OperationQuery
            } else {
                Role::Plain
            }
        } else if (family == Fam::Salesforce || family == Fam::Sfdc) && is_operation(family, local)
        {
            let find = |names: &[&str]| {
                raw_attrs
                    .iter()
                    .find(|a| names.iter().any(|n| a.name.eq_ignore_ascii_case(n)))
                    .map(|a| a.value.to_string())
            };
            let op = OpenOperation {
                op: SalesforceOperation {
                    element: qname.to_string(),
                    config_ref: find(&["config-ref"]),
                    object_type: find(&["type", "objectType", "sObjectType"]),
                    soql: None,
                    bulk_operation: find(&["operation"]),
                    location: self.loc(lt),
                },
                query_attr: find(&["query"]),
                query_text: String::new(),
                saw_query_child: false,
            };
            self.operation = Some(op);
            Role::Operation
        } else {
            if matches!(
                (family, local),
                (Fam::Core, "global-property")
                    | (Fam::Core, "configuration-properties")
                    | (Fam::Context, "property-placeholder")
            ) {
                let o = owner
                    .get_or_insert_with(|| self.owner(own_name.as_deref()))
                    .clone();
                let attrs: Vec<XmlAttribute> = raw_attrs
                    .iter()
                    .map(|a| self.attribute(qname, &o, a))
                    .collect();
                let location = self.loc(lt);
                self.plain_element(family, local, qname, &attrs, location);
            }
            Role::Plain
        };
        self.attr_buf = raw_attrs;
        self.stack.push(Frame {
            name: own_name,
            ns_bindings,
            role,
        });
        true
    }

    /// Single elements that matter on their own.
    fn plain_element(
        &mut self,
        family: Fam,
        local: &str,
        qname: &str,
        attrs: &[XmlAttribute],
        location: Location,
    ) {
        let get = |n: &str| attrs.iter().find(|a| a.name == n).map(|a| a.value.clone());
        match (family, local) {
            (Fam::Core, "global-property") => {
                if let (Some(name), Some(value)) = (get("name"), get("value")) {
                    self.facts.global_properties.push(GlobalProperty {
                        name: name.raw,
                        value,
                        location,
                    });
                }
            }
            (Fam::Core, "configuration-properties") => {
                if let Some(file) = get("file") {
                    self.facts.property_imports.push(PropertyImport {
                        element: qname.to_string(),
                        file,
                        secure: false,
                    });
                }
            }
            (Fam::Context, "property-placeholder") => {
                if let Some(file) = get("location") {
                    self.facts.property_imports.push(PropertyImport {
                        element: qname.to_string(),
                        file,
                        secure: false,
                    });
                }
            }
            _ => {}
        }
    }

    /// `bytes`, which the tokenizer cut out of the file's text, as the `&str`
    /// it is: the text is UTF-8 already and the tokenizer cuts at ASCII
    /// delimiters, so validating each piece again (DataWeave bodies,
    /// queries) is wasted work. Decoded as a copy should it not be a piece of
    /// the text.
    fn piece(&self, bytes: &[u8]) -> Cow<'t, str> {
        let text: &'t str = self.text;
        let start = (bytes.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        match start
            .checked_add(bytes.len())
            .and_then(|end| text.get(start..end))
        {
            Some(piece) => Cow::Borrowed(piece),
            None => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    /// An HTTP element inside an `<http:request>`: a header or query
    /// parameter written as key and value (Mule 4 `<http:header key value>`
    /// children of `<http:headers>`; Mule 3 `<http:header headerName value>`
    /// and `<http:query-param paramName value>` in `<http:request-builder>`),
    /// or the start of a DataWeave map of them. UNVERIFIED against MuleSoft's
    /// documentation: the Mule 4 key/value children form (its docs show the
    /// DataWeave map) and the Mule 3 attribute names (seen in real apps);
    /// both are read tolerantly.
    fn request_param(
        &mut self,
        local: &str,
        qname: &str,
        owner: &Option<String>,
        raw_attrs: &[RawAttr<'_>],
    ) {
        let kind = match local {
            "headers" | "query-params" | "body" => {
                self.param_map = Some(ParamMap {
                    kind: match local {
                        "headers" => HttpParamKind::Header,
                        "query-params" => HttpParamKind::QueryParam,
                        _ => HttpParamKind::BodyField,
                    },
                    element: qname.to_string(),
                    owner: owner.clone(),
                    depth: self.stack.len(),
                    text: String::new(),
                    segments: Vec::new(),
                });
                return;
            }
            "header" => HttpParamKind::Header,
            "query-param" => HttpParamKind::QueryParam,
            _ => return,
        };
        let find = |names: &[&str]| raw_attrs.iter().find(|a| names.contains(&a.name));
        let (Some(key), Some(value)) =
            (find(&["key", "headerName", "paramName"]), find(&["value"]))
        else {
            return;
        };
        if !vocab::is_credential_param_name(&key.value) {
            // A query parameter that may say how the request logs in
            // (`grant_type`, `username`, a property reference).
            if kind == HttpParamKind::QueryParam
                && may_carry_a_login(&format!("{}={}", key.value, value.value))
            {
                let value = self.attribute(qname, owner, value).value;
                if let Some(r) = self.http_request.as_mut() {
                    r.query_params.push(HttpParam {
                        name: key.value.to_string(),
                        value,
                    });
                }
            }
            return;
        }
        let value = self.attribute(qname, owner, value).value;
        let credential = HttpCredential {
            kind,
            name: key.value.to_string(),
            constant: is_constant(&value),
            value,
            syntax: HttpValueSyntax::Attribute,
            element: qname.to_string(),
            owner: owner.clone(),
            handed_via: Vec::new(),
        };
        if let Some(r) = self.http_request.as_mut() {
            r.credentials.push(credential);
        }
    }

    /// A `<http:headers>` / `<http:query-params>` closed: the entries of its
    /// DataWeave map that carry a credential. A `<http:body>` closed: the
    /// credential-named fields of the body.
    fn param_map_closed(&mut self, map: ParamMap) {
        if map.kind == HttpParamKind::BodyField {
            let body = PayloadSetter {
                element: map.element,
                owner: map.owner,
                segments: map.segments,
                script: false,
                resource: None,
            };
            let found = self.body_credentials(&map.text, &body);
            if let Some(r) = self.http_request.as_mut() {
                // A body of its own that does not use the payload: the
                // payload set before the request is not what it sends.
                if !sends_the_payload(&map.text) {
                    r.sends_caller_payload = false;
                    let unsent = r.drop_payload();
                    self.facts
                        .unsent_payload_credentials
                        .extend(unsent.into_iter().filter(|c| c.constant));
                }
                r.credentials.extend(found);
            }
            return;
        }
        let mut found = Vec::new();
        for entry in dataweave_map_entries(&map.text) {
            if !vocab::is_credential_param_name(&entry.key) {
                continue;
            }
            let location = self.loc(file_offset(&map.segments, entry.value_at));
            found.push(HttpCredential {
                kind: map.kind,
                name: entry.key,
                value: Value::new(entry.value, location),
                constant: entry.constant,
                syntax: HttpValueSyntax::DataWeaveField,
                element: map.element.clone(),
                owner: map.owner.clone(),
                handed_via: Vec::new(),
            });
        }
        if let Some(r) = self.http_request.as_mut() {
            r.credentials.extend(found);
        }
    }

    /// A `flow-ref` to `target` (a flow's name, not an expression) hands the
    /// flow called the payload set before it, if any: read when the file
    /// ends ([`Self::finish_handoffs`]). `replaced`: the flow's result
    /// becomes the payload (no `target` variable), so the payload is the
    /// called flow's alone.
    fn hand_payload(&mut self, target: Option<&str>, replaced: bool) {
        let Some(target) = flow_name(target) else {
            return;
        };
        let source = if replaced {
            self.payload_source.take()
        } else {
            self.payload_source.clone()
        };
        let Some(source) = source else {
            return;
        };
        let text = self.payload.clone().unwrap_or_default();
        self.pending_handoffs.push(PendingHandoff {
            target: target.to_string(),
            text,
            source,
        });
    }

    /// The payloads handed by this file's `flow-ref`s: one whose flow is in
    /// this file and has no request to send it is an unsent payload; the
    /// others are kept with their fields until the app is assembled, when
    /// the request that sends them (if any) is known.
    fn finish_handoffs(&mut self) {
        for PendingHandoff {
            target,
            text,
            source,
        } in std::mem::take(&mut self.pending_handoffs)
        {
            let received_here =
                self.facts.http_request_operations.iter().any(|op| {
                    op.sends_caller_payload && op.flow.as_deref() == Some(target.as_str())
                });
            let forwarded = self.facts.payload_forwards.iter().any(|f| f.from == target);
            if self.flows_here.contains(&target) && !received_here && !forwarded {
                self.keep_unsent(&text, &source);
                continue;
            }
            let credentials = self.body_credentials(&text, &source);
            let payload = may_carry_a_login(&text).then_some(text);
            self.facts.payload_handoffs.push(PayloadHandoff {
                target,
                credentials,
                payload,
            });
        }
    }

    /// The payload last set is sent by no request: the flow ends, a new
    /// payload is set, or the request after it sends no body.
    fn discard_payload(&mut self) {
        let Some(source) = self.payload_source.take() else {
            return;
        };
        let text = self.payload.take().unwrap_or_default();
        self.keep_unsent(&text, &source);
        self.payload = Some(text);
    }

    /// Keeps the constant credential-named fields of a payload no request
    /// sends: they are written in the XML all the same. Only a constant is
    /// worth keeping (what IG102 reports), and in an expression a constant
    /// is a quoted string: most payloads (mappings of `payload`) hold none
    /// and are not read (their reading was a sixth of a scan's
    /// instructions).
    fn keep_unsent(&mut self, text: &str, source: &PayloadSetter) {
        let expression = source.script || text.trim_start().starts_with("#[");
        if expression && memchr::memchr2(b'"', b'\'', text.as_bytes()).is_none() {
            return;
        }
        let unsent = self.body_credentials(text, source);
        self.facts
            .unsent_payload_credentials
            .extend(unsent.into_iter().filter(|c| c.constant));
    }

    /// The credential-named fields of the payload last set, which the
    /// `<http:request>` starting sends as its body; `consume`: the payload
    /// is the response's after it (no `target` variable).
    fn payload_credentials(&mut self, consume: bool) -> Vec<HttpCredential> {
        let Some(source) = self.payload_source.take() else {
            return Vec::new();
        };
        let text = self.payload.take().unwrap_or_default();
        let found = self.body_credentials(&text, &source);
        self.payload = Some(text);
        if !consume {
            self.payload_source = Some(source);
        }
        found
    }

    /// The credential-named fields of a request body or of a payload
    /// (`text`, whose pieces lie in the file as `from.segments` says).
    fn body_credentials(&mut self, text: &str, from: &PayloadSetter) -> Vec<HttpCredential> {
        body_fields(text, from.script)
            .into_iter()
            .map(|f| {
                let location = self.loc(file_offset(&from.segments, f.value_at));
                HttpCredential {
                    kind: HttpParamKind::BodyField,
                    name: f.key,
                    value: Value::new(f.value, location),
                    constant: f.constant,
                    syntax: f.syntax,
                    element: from.element.clone(),
                    owner: from.owner.clone(),
                    handed_via: Vec::new(),
                }
            })
            .collect()
    }

    fn wants_text(&self) -> bool {
        self.stack.last().is_some_and(|f| {
            matches!(
                f.role,
                Role::OperationQuery | Role::HttpRequestChild | Role::SetPayload
            )
        }) || self.in_spring_value()
    }

    /// The current element is the `<value>` of a secret-named Spring bean
    /// property.
    fn in_spring_value(&self) -> bool {
        self.spring_value
            .as_ref()
            .is_some_and(|v| v.value.is_some_and(|d| d + 1 == self.stack.len()))
    }

    /// The end of an element that may close a Spring bean property's
    /// `<value>` (its text becomes a secret attribute of the property's
    /// element, located at the text) or the property.
    fn end_spring_value(&mut self) {
        let depth = self.stack.len();
        let Some(v) = self.spring_value.take() else {
            return;
        };
        match v.value {
            Some(d) if d == depth => {
                let raw = v.text.trim_end();
                if let (Some(start), false) = (v.start, raw.is_empty()) {
                    let value = Value::new(raw, self.loc(start));
                    self.facts.secret_attributes.push(XmlAttribute {
                        element: v.element,
                        owner: v.owner,
                        name: v.property,
                        value,
                    });
                }
            }
            // The property itself ends.
            _ if depth <= v.property_depth => {}
            value => {
                self.spring_value = Some(SpringValue { value, ..v });
            }
        }
    }

    /// Text of the current element; `offset`: where it starts in the file.
    fn text(&mut self, s: &str, offset: usize) {
        if self.in_spring_value() {
            if let Some(v) = self.spring_value.as_mut() {
                if v.start.is_none() {
                    let blank = s.len() - s.trim_start().len();
                    if blank < s.len() {
                        v.start = Some(offset + blank);
                        v.text.push_str(s.trim_start());
                    }
                } else {
                    v.text.push_str(s);
                }
            }
            return;
        }
        if let Some(frame) = self.stack.last() {
            if frame.role == Role::HttpRequestChild {
                if let Some(map) = self.param_map.as_mut() {
                    map.segments.push((map.text.len(), offset));
                    map.text.push_str(s);
                }
            }
            match frame.role {
                Role::OperationQuery => {
                    if let Some(op) = self.operation.as_mut() {
                        op.query_text.push_str(s);
                    }
                }
                Role::HttpRequestChild => {
                    if let Some(r) = self.http_request.as_mut() {
                        r.children_text.push_str(s);
                    }
                }
                Role::SetPayload => {
                    if let Some(p) = self.payload.as_mut() {
                        if let Some(setter) = self.payload_setter.as_mut() {
                            setter.segments.push((p.len(), offset));
                        }
                        p.push_str(s);
                    }
                }
                _ => {}
            }
        }
    }

    fn end(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if self.spring_value.is_some() {
            self.end_spring_value();
        }
        for _ in 0..frame.ns_bindings {
            self.ns.pop();
        }
        match frame.role {
            Role::Capture => {
                if let Some(node) = self.capture.pop() {
                    match self.capture.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => self.global_config(node),
                    }
                }
            }
            Role::Operation => {
                if let Some(open) = self.operation.take() {
                    let mut op = open.op;
                    let text = open.query_text.trim();
                    let soql = if open.saw_query_child && !text.is_empty() {
                        Some(text.to_string())
                    } else {
                        open.query_attr
                    };
                    op.soql = soql.map(|q| strip_dsql(&q)).filter(|q| !q.is_empty());
                    self.facts.operations.push(op);
                }
            }
            Role::HttpRequest => {
                self.param_map = None;
                if let Some(mut r) = self.http_request.take() {
                    // Held for every request of every app until the rules
                    // run (+37 MB on the bench corpus): keep the DataWeave
                    // only where a login can be (a grant, a username) or
                    // come from (a property reference).
                    if !may_carry_a_login(&r.children_text) {
                        r.children_text = String::new();
                    }
                    r.children_text.shrink_to_fit();
                    self.facts.http_request_operations.push(r);
                }
            }
            Role::HttpRequestChild => {
                if self
                    .param_map
                    .as_ref()
                    .is_some_and(|m| m.depth == self.stack.len())
                {
                    if let Some(map) = self.param_map.take() {
                        self.param_map_closed(map);
                    }
                }
                if let Some(r) = self.http_request.as_mut() {
                    r.children_text.push('\n');
                }
            }
            Role::SetPayload => {
                self.payload_source = self.payload_setter.take();
            }
            Role::OperationQuery | Role::Plain => {}
        }
    }
}

/// The DataWeave text of an `<http:headers>` / `<http:query-params>` being
/// read, with where each piece of it lies in the file.
struct ParamMap {
    kind: HttpParamKind,
    element: String,
    owner: Option<String>,
    /// Stack depth of the element (its frame's index).
    depth: usize,
    text: String,
    /// (offset in `text`, offset in the file) of each piece of text.
    segments: Vec<(usize, usize)>,
}

/// Where a body's or a payload's text comes from: the element, the flow (or
/// config) it is in, and where each piece of the text lies in the file.
#[derive(Clone)]
struct PayloadSetter {
    element: String,
    owner: Option<String>,
    /// (offset in the text, offset in the file) of each piece of text.
    segments: Vec<(usize, usize)>,
    /// The whole text is a DataWeave script (`ee:set-payload`), not a value
    /// that is an expression only when written `#[...]`.
    script: bool,
    /// The script is in a file of the app (`<ee:set-payload
    /// resource="dwl/login.dwl"/>`), read when the app is assembled.
    resource: Option<String>,
}

/// The flow a `flow-ref`'s `name` names: none when it is an expression
/// (`#[vars.next]`), whose flow is not known here.
fn flow_name(name: Option<&str>) -> Option<&str> {
    name.map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains("#["))
}

/// A payload a `flow-ref` of the file hands `target`, before its fields are
/// read ([`XmlReader::finish_handoffs`]).
struct PendingHandoff {
    target: String,
    /// The payload's text.
    text: String,
    source: PayloadSetter,
}

/// The offset in the file of byte `at` of a text read in pieces.
fn file_offset(segments: &[(usize, usize)], at: usize) -> usize {
    segments
        .iter()
        .rev()
        .find(|(start, _)| *start <= at)
        .map(|(start, file)| file + (at - start))
        .unwrap_or(0)
}

/// The pieces of an attribute value (the file's bytes `span`, as written)
/// for [`file_offset`]: each entity (`&amp;`, `&#38;`) is one piece whose
/// unescaped text starts where it does.
fn attr_segments(text: &str, span: (usize, usize)) -> Vec<(usize, usize)> {
    let Some(raw) = text.get(span.0..span.1) else {
        return vec![(0, span.0)];
    };
    let mut out = vec![(0, span.0)];
    let mut unescaped = 0;
    let mut i = 0;
    while let Some(amp) = raw[i..].find('&').map(|a| i + a) {
        unescaped += amp - i;
        let Some(semi) = raw[amp..].find(';').filter(|s| *s <= 12).map(|s| amp + s) else {
            // A bare `&`: kept as written.
            unescaped += 1;
            i = amp + 1;
            continue;
        };
        let entity = &raw[amp..=semi];
        let len = quick_xml::escape::unescape(entity)
            .map(|u| u.len())
            .unwrap_or(entity.len());
        out.push((unescaped, span.0 + amp));
        unescaped += len;
        i = semi + 1;
        out.push((unescaped, span.0 + i));
    }
    out
}

/// A key/value element's value is a constant: no `${...}` reference and no
/// `#[...]` expression anywhere in it.
fn is_constant(value: &Value) -> bool {
    value.is_literal() && !value.raw.contains("#[")
}

/// A plausible XML element name (letters, digits, `_ - . :`, not starting
/// with a digit or punctuation other than `_`).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn is_capture_root(family: Fam, local: &str) -> bool {
    matches!(
        (family, local),
        (Fam::Salesforce, "sfdc-config")
            | (Fam::SecureProperties, "config")
            | (Fam::SecurePropertyPlaceholder, "config")
            | (Fam::Tls, "context")
            | (Fam::Http, "listener-config")
            | (Fam::Http, "request-config")
            | (Fam::Crypto, "jce-config")
            | (Fam::Crypto, "pgp-config")
            | (Fam::SpringBeans, "bean")
    ) || (family == Fam::Sfdc && (local == "config" || local.starts_with("config-")))
}

/// Salesforce elements that are operations or sources (not configs,
/// connections or the helper children of operations).
fn is_operation(family: Fam, local: &str) -> bool {
    const HELPERS: &[&str] = &[
        "salesforce-query",
        "parameters",
        "parameter",
        "reconnection",
        "reconnect",
        "reconnect-forever",
        "pooling-profile",
        "connection-pooling-profile",
        "oauth-client-credentials",
        "oauth-store-config",
        "oauth-callback-config",
        "proxy",
        "proxy-configuration",
        "headers",
        "header",
        "records",
        "field-names",
        "ids",
        "expiration-policy",
    ];
    !(local.ends_with("-config")
        || local.ends_with("-connection")
        || (family == Fam::Sfdc && local.starts_with("config"))
        || HELPERS.contains(&local))
}

/// `url`, `tokenEndpoint`, `address` ... or any value with `://`.
pub(crate) fn is_url_attribute(name: &str, value: &str) -> bool {
    let ends = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let v = value.as_bytes();
    ends("url")
        || ends("endpoint")
        || ends("address")
        || memchr::memchr_iter(b':', v).any(|i| v.get(i + 1..i + 3) == Some(b"//"))
}

fn strip_dsql(q: &str) -> String {
    let t = q.trim();
    match t.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("dsql:") => t[5..].trim().to_string(),
        _ => t.to_string(),
    }
}

/// What a request's body, parameters or payload must hold for IG101 to read
/// a login in it (`grant_type`, `username`) or in what it reads
/// (`${...}`, `p('...')`); case-insensitive.
pub(crate) fn may_carry_a_login(text: &str) -> bool {
    if text.contains("${") || text.contains("p(") {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    lower.contains("grant_type") || lower.contains("username")
}

/// A CDATA section that opens like a DataWeave script's header: `%dw 2.0`,
/// or a directive (`output`, `input`, `var`, `fun`, `import`, `ns`, `type`)
/// when the version line is left out, which DataWeave 2 allows.
// Kept out of the event loop: inlined, it slowed the whole loop (+0.6%
// instructions on the 200-app corpus).
#[inline(never)]
fn opens_dataweave_header(cdata: &[u8]) -> bool {
    const DIRECTIVES: &[&[u8]] = &[
        b"%dw", b"output ", b"input ", b"var ", b"fun ", b"import ", b"ns ", b"type ",
    ];
    let text = cdata.trim_ascii_start();
    DIRECTIVES.iter().any(|d| text.starts_with(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Spring beans file (root `<beans>` in the Spring beans namespace) is
    /// read for its beans wherever it lies: secret-named properties and
    /// constructor arguments, written as `value` or as a `<value>` child's
    /// text (located at the text), owned by the bean's `id`; a `ref`, a
    /// plain name and a `<value>` of another property are not secrets. A
    /// PGP key ring bean is a key loader there too. A `<beans>` root in no
    /// namespace is not Spring's.
    #[test]
    fn spring_beans_file() {
        let xml = r#"<?xml version="1.0"?>
<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="ds" class="org.apache.commons.dbcp2.BasicDataSource">
    <property name="username"><value>svc</value></property>
    <property name="password" value="pw-1"/>
    <property name="secret" ref="vault"/>
  </bean>
  <bean id="client" class="com.acme.Client">
    <constructor-arg name="clientSecret" value="cs-2"/>
    <property name="apiKey">
      <value>
        key-3
      </value>
    </property>
    <property name="token"><value>${api.token}</value></property>
  </bean>
  <bean id="keys" class="org.mule.module.pgp.PGPKeyRingImpl">
    <property name="secretKeyRingFileName" value="secring.gpg"/>
  </bean>
</beans>"#;
        let f = read_mule_xml(xml, "app/src/main/resources/beans.xml", false);
        assert!(f.spring_beans && !f.is_mule);
        type Seen<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, u32, u32);
        let got: Vec<Seen<'_>> = f
            .secret_attributes
            .iter()
            .map(|a| {
                (
                    a.element.as_str(),
                    a.owner.as_deref(),
                    a.name.as_str(),
                    a.value.raw.as_str(),
                    a.value.location.line,
                    a.value.location.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("property", Some("ds"), "password", "pw-1", 5, 31),
                (
                    "constructor-arg",
                    Some("client"),
                    "clientSecret",
                    "cs-2",
                    9,
                    42
                ),
                ("property", Some("client"), "apiKey", "key-3", 12, 9),
                ("property", Some("client"), "token", "${api.token}", 15, 35),
            ]
        );
        assert!(f
            .secret_attributes
            .iter()
            .all(|a| a.written_name() == "value"));
        assert_eq!(f.key_loaders.len(), 1);
        assert_eq!(f.key_loaders[0].kind, KeyLoaderKind::PgpKeyRingBean);

        let plain = read_mule_xml(
            r#"<beans><bean id="x"><property name="password" value="pw"/></bean></beans>"#,
            "app/src/main/resources/other.xml",
            false,
        );
        assert!(!plain.spring_beans && plain.secret_attributes.is_empty());
    }

    #[test]
    fn entities_are_told_per_value() {
        let mut attrs = Vec::new();
        let s = r#" a="plain" b='x&amp;y' c="t&lt;" d="open&amp;"#;
        assert_eq!(parse_attrs(s, 0, &mut attrs), None);
        let got: Vec<(&str, &str, bool)> = attrs
            .iter()
            .map(|a| (a.name, &*a.value, matches!(a.value, Cow::Borrowed(_))))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", "plain", true),
                ("b", "x&y", false),
                ("c", "t<", false),
                // Unterminated: the value runs to the end, entity decoded.
                ("d", "open&", false),
            ]
        );
    }

    #[test]
    fn attrs_with_positions() {
        let s = r#" name="a" password = 'p&amp;w' x=y/"#;
        let mut attrs = Vec::new();
        let problem = parse_attrs(s, 10, &mut attrs);
        assert_eq!(
            problem,
            Some((
                10 + s.find("x=").unwrap(),
                "an attribute value without quotes"
            ))
        );
        assert_eq!(attrs.len(), 3);
        assert_eq!(attrs[1].name, "password");
        assert_eq!(attrs[1].value, "p&w");
        assert_eq!(attrs[1].offset, 10 + s.find("password").unwrap());
        assert_eq!(attrs[2].value, "y/");
    }

    #[test]
    fn query_text_is_kept_exactly_across_text_cdata_and_references() {
        // Text pieces are taken from the file's text without re-validation:
        // multi-byte characters on either side of a CDATA section and of an
        // entity must come out whole.
        let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" \
                   xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\">\
                   <flow name=\"f\"><salesforce:query config-ref=\"sf\">\
                   <salesforce:salesforce-query>SELECT Id FROM Account WHERE Name = 'Zürich' \
                   <![CDATA[AND City <> 'Köln']]> AND Note = 'a&amp;b ✓'</salesforce:salesforce-query>\
                   </salesforce:query></flow></mule>";
        let facts = read_mule_xml(xml, "src/main/mule/f.xml", true);
        assert_eq!(facts.operations.len(), 1);
        assert_eq!(
            facts.operations[0].soql.as_deref(),
            Some(
                "SELECT Id FROM Account WHERE Name = 'Zürich' AND City <> 'Köln' AND Note = 'a&b ✓'"
            )
        );
    }

    #[test]
    fn common_plain_attributes_are_not_secret_names() {
        for name in [
            "config-ref",
            "message",
            "level",
            "category",
            "name",
            "value",
            "variableName",
            "path",
            "expression",
            "type",
            "method",
            "target",
            "targetValue",
            "logException",
            "enableNotifications",
            "collection",
            "batchSize",
            "objectType",
            "externalIdFieldName",
            "allowedMethods",
            "version",
            "encoding",
            "mimeType",
            "when",
        ] {
            assert!(is_common_plain_attribute(name), "{name}");
            assert!(!vocab::is_secret_name(name), "{name} is a secret name");
        }
        assert!(!is_common_plain_attribute("password"));
    }

    #[test]
    fn not_mule_root() {
        let f = read_mule_xml("<project><a/></project>", "p.xml", false);
        assert!(!f.is_mule);
        assert!(f.diagnostics.is_empty());
    }

    #[test]
    fn request_credentials_with_positions() {
        let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <http:request-config name="Stock_Config">
    <http:request-connection host="stock.acme.com"/>
    <http:default-headers>
      <http:default-header key="Authorization" value="Basic c3RvY2s6c2VjcmV0"/>
      <http:default-header key="Accept" value="application/json"/>
    </http:default-headers>
    <http:default-query-params>
      <http:query-param key="apikey" value="${stock.apikey}"/>
    </http:default-query-params>
  </http:request-config>
  <flow name="get-stock">
    <http:request method="GET" config-ref="Stock_Config" path="/x">
      <http:headers><![CDATA[#[{
  'Authorization': 'Bearer abcDEF123',
  'Accept': 'application/json'
}]]]></http:headers>
      <http:query-params>#[{client_secret: &quot;s3cr3tValue&quot;}]</http:query-params>
    </http:request>
    <http:request method="GET" url="http://m3.acme.com/x">
      <http:request-builder>
        <http:header headerName="Authorization" value="Bearer m3Literal"/>
        <http:query-param paramName="access_token" value="#[flowVars.token]"/>
      </http:request-builder>
    </http:request>
  </flow>
</mule>
"##;
        let f = read_mule_xml(xml, "a.xml", true);
        let config = &f.http_requests[0];
        let d: Vec<(&str, u32, u32, bool)> = config
            .default_credentials
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.value.location.line,
                    c.value.location.column,
                    c.constant,
                )
            })
            .collect();
        assert_eq!(
            d,
            vec![("Authorization", 5, 48, true), ("apikey", 9, 38, false)]
        );
        assert_eq!(
            config.default_credentials[0].owner.as_deref(),
            Some("Stock_Config")
        );
        assert_eq!(
            config.default_credentials[1].kind,
            HttpParamKind::QueryParam
        );
        let ops = &f.http_request_operations;
        let c: Vec<(&str, &str, u32, u32, bool)> = ops[0]
            .credentials
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.value.raw.as_str(),
                    c.value.location.line,
                    c.value.location.column,
                    c.constant,
                )
            })
            .collect();
        assert_eq!(
            c,
            vec![
                ("Authorization", "Bearer abcDEF123", 15, 20, true),
                ("client_secret", "s3cr3tValue", 18, 44, true),
            ]
        );
        assert_eq!(ops[0].credentials[0].owner.as_deref(), Some("get-stock"));
        let m3: Vec<(&str, u32, bool)> = ops[1]
            .credentials
            .iter()
            .map(|c| (c.name.as_str(), c.value.location.line, c.constant))
            .collect();
        assert_eq!(
            m3,
            vec![("Authorization", 22, true), ("access_token", 23, false)]
        );
    }

    /// After a `flow-ref` or a Salesforce operation the payload is what it
    /// returns: the request after it does not send the payload set before
    /// it; a logger changes nothing. The payload a `flow-ref` hands a flow is
    /// sent by that flow's first request when nothing there set the payload
    /// before it, else it is kept as unsent.
    #[test]
    fn flow_refs_and_salesforce_operations_replace_the_payload() {
        let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="a">
    <set-payload value='#[{ password: "BeforeRef1" }]'/>
    <flow-ref name="b"/>
    <http:request method="POST" url="https://partner.example/a"/>
  </flow>
  <flow name="c">
    <set-payload value='#[{ password: "BeforeQuery2" }]'/>
    <salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT Id FROM Account</salesforce:salesforce-query></salesforce:query>
    <http:request method="POST" url="https://partner.example/c"/>
  </flow>
  <flow name="d">
    <set-payload value='#[{ password: "Sent3" }]'/>
    <logger message="sending"/>
    <http:request method="POST" url="https://partner.example/d"/>
  </flow>
  <flow name="x">
    <set-payload value='#[{ password: "ToE4" }]'/>
    <flow-ref name="e"/>
  </flow>
  <sub-flow name="b">
    <logger message="calling"/>
    <http:request method="POST" url="https://partner.example/b"/>
  </sub-flow>
  <sub-flow name="e">
    <set-payload value='#[{ id: 1 }]'/>
    <http:request method="POST" url="https://partner.example/e"/>
  </sub-flow>
</mule>
"##;
        let mut f = read_mule_xml(xml, "a.xml", true);
        let raw = |cs: &[HttpCredential]| -> Vec<String> {
            cs.iter().map(|c| c.value.raw.clone()).collect()
        };
        let sent: Vec<Vec<String>> = f
            .http_request_operations
            .iter()
            .map(|op| raw(&op.credentials))
            .collect();
        assert_eq!(
            sent,
            [vec![], vec![], vec!["Sent3".to_string()], vec![], vec![]]
        );
        let flows: Vec<(Option<&str>, bool)> = f
            .http_request_operations
            .iter()
            .map(|op| (op.flow.as_deref(), op.sends_caller_payload))
            .collect();
        assert_eq!(
            flows,
            [
                (Some("a"), false),
                (Some("c"), false),
                (Some("d"), false),
                (Some("b"), true),
                (Some("e"), false)
            ]
        );
        // `e` is in this file and sets its own payload before its request:
        // what `x` hands it is unsent, read as such when the file ends.
        assert_eq!(raw(&f.unsent_payload_credentials), ["BeforeQuery2", "ToE4"]);
        let handed: Vec<(&str, Vec<String>)> = f
            .payload_handoffs
            .iter()
            .map(|h| (h.target.as_str(), raw(&h.credentials)))
            .collect();
        assert_eq!(handed, [("b", vec!["BeforeRef1".to_string()])]);
        assert!(f.payload_forwards.is_empty(), "{:?}", f.payload_forwards);
        let handoffs = std::mem::take(&mut f.payload_handoffs);
        settle_body_mode(
            &mut f.http_request_operations,
            &[],
            &mut f.unsent_payload_credentials,
        );
        follow_flow_refs(
            &mut f.http_request_operations,
            handoffs,
            &[],
            &mut f.unsent_payload_credentials,
        );
        let b = &f.http_request_operations[3];
        assert_eq!(
            (raw(&b.credentials), b.payload_fields),
            (vec!["BeforeRef1".to_string()], 1)
        );
        assert_eq!(b.credentials[0].owner.as_deref(), Some("a"));
        assert_eq!(b.credentials[0].value.location.line, 3);
        assert_eq!(raw(&f.unsent_payload_credentials), ["BeforeQuery2", "ToE4"]);
        assert_eq!(f.operations.len(), 1);
    }

    /// A flow whose first payload step is a `flow-ref` hands the payload it
    /// received on: the request at the end of the chain sends it, and says
    /// which flows it went through. A loop, or a flow that sets its own
    /// payload first, ends the chain: the payload is unsent.
    #[test]
    fn payloads_are_followed_through_flows_that_hand_them_on() {
        let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <flow name="caller">
    <set-payload value='#[{ grant_type: "password", username: "int@acme.example", password: "Chain1" }]'/>
    <flow-ref name="wrapper"/>
  </flow>
  <sub-flow name="wrapper">
    <logger message="getting a token"/>
    <flow-ref name="token"/>
  </sub-flow>
  <sub-flow name="token">
    <http:request method="POST" url="https://login.example/token"/>
  </sub-flow>
  <flow name="loop-a">
    <set-payload value='#[{ password: "Loop2" }]'/>
    <flow-ref name="loop-b"/>
  </flow>
  <sub-flow name="loop-b">
    <flow-ref name="loop-c"/>
  </sub-flow>
  <sub-flow name="loop-c">
    <flow-ref name="loop-b"/>
  </sub-flow>
  <flow name="to-sets-first">
    <set-payload value='#[{ password: "NotForwarded3" }]'/>
    <flow-ref name="sets-first"/>
  </flow>
  <sub-flow name="sets-first">
    <set-payload value='#[{ id: 1 }]'/>
    <flow-ref name="token"/>
  </sub-flow>
</mule>
"##;
        let mut f = read_mule_xml(xml, "a.xml", true);
        let forwards: Vec<(&str, &str)> = f
            .payload_forwards
            .iter()
            .map(|p| (p.from.as_str(), p.to.as_str()))
            .collect();
        assert_eq!(
            forwards,
            [
                ("wrapper", "token"),
                ("loop-b", "loop-c"),
                ("loop-c", "loop-b")
            ]
        );
        let handoffs = std::mem::take(&mut f.payload_handoffs);
        let forwards = std::mem::take(&mut f.payload_forwards);
        settle_body_mode(
            &mut f.http_request_operations,
            &[],
            &mut f.unsent_payload_credentials,
        );
        follow_flow_refs(
            &mut f.http_request_operations,
            handoffs,
            &forwards,
            &mut f.unsent_payload_credentials,
        );
        let token = &f.http_request_operations[0];
        let sent: Vec<(&str, &str, Option<&str>, &[String])> = token
            .credentials
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.value.raw.as_str(),
                    c.owner.as_deref(),
                    c.handed_via.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            sent,
            [(
                "password",
                "Chain1",
                Some("caller"),
                &["wrapper".to_string()][..]
            )]
        );
        assert_eq!(token.credentials[0].value.location.line, 3);
        // IG101 reads the password grant at the end of the chain.
        assert!(token
            .payload
            .as_deref()
            .is_some_and(|p| p.contains("grant_type")));
        let unsent: Vec<&str> = f
            .unsent_payload_credentials
            .iter()
            .map(|c| c.value.raw.as_str())
            .collect();
        assert_eq!(unsent, ["NotForwarded3", "Loop2"]);
    }

    /// A `flow-ref`, a Salesforce operation or a request whose result goes
    /// to a variable (`target="..."`) leaves the payload: the request after
    /// it sends it too, and the flow called still receives it.
    #[test]
    fn results_kept_in_variables_leave_the_payload() {
        let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="t1">
    <set-payload value='#[{ password: "KeptRef5" }]'/>
    <flow-ref name="b" target="audit"/>
    <http:request method="POST" url="https://partner.example/t1"/>
  </flow>
  <flow name="t2">
    <set-payload value='#[{ password: "KeptQuery6" }]'/>
    <salesforce:query config-ref="SF" target="rows"><salesforce:salesforce-query>SELECT Id FROM Account</salesforce:salesforce-query></salesforce:query>
    <http:request method="POST" url="https://partner.example/t2"/>
  </flow>
  <flow name="t3">
    <set-payload value='#[{ password: "Twice7" }]'/>
    <http:request method="GET" url="https://partner.example/check" target="check"/>
    <http:request method="POST" url="https://partner.example/first" target="first"/>
    <http:request method="POST" url="https://partner.example/second"/>
    <http:request method="POST" url="https://partner.example/third"/>
  </flow>
</mule>
"##;
        let mut f = read_mule_xml(xml, "a.xml", true);
        // The GET sends no body (settled with the configs): what it read of
        // the payload goes, and the payload stays for the next request.
        let mut unsent = Vec::new();
        settle_body_mode(&mut f.http_request_operations, &[], &mut unsent);
        let sent: Vec<Vec<&str>> = f
            .http_request_operations
            .iter()
            .map(|op| {
                op.credentials
                    .iter()
                    .map(|c| c.value.raw.as_str())
                    .collect()
            })
            .collect();
        assert_eq!(
            sent,
            [
                vec!["KeptRef5"],
                vec!["KeptQuery6"],
                vec![],
                vec!["Twice7"],
                vec!["Twice7"],
                vec![]
            ]
        );
        let handed: Vec<(&str, Vec<&str>)> = f
            .payload_handoffs
            .iter()
            .map(|h| {
                (
                    h.target.as_str(),
                    h.credentials.iter().map(|c| c.value.raw.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(handed, [("b", vec!["KeptRef5"])]);
        assert!(f.unsent_payload_credentials.is_empty());
    }

    #[test]
    fn request_body_and_payload_credentials_with_positions() {
        let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http" xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core">
  <http:request-config name="Token_Config">
    <http:request-connection host="login.salesforce.com"/>
    <http:default-query-params>
      <http:query-param key="grant_type" value="password"/>
      <http:query-param key="password" value="${secure::pw}"/>
    </http:default-query-params>
  </http:request-config>
  <flow name="f">
    <set-payload value="#[&quot;grant_type=password&amp;password=Attr1Pw&quot;]"/>
    <http:request method="POST" config-ref="Token_Config" path="/t">
      <http:body><![CDATA[#[payload ++ { client_secret: "B0dySecret" }]]]></http:body>
      <http:query-params>
        <http:query-param key="grant_type" value="password"/>
        <http:query-param key="page" value="1"/>
      </http:query-params>
    </http:request>
    <http:request method="POST" config-ref="Token_Config" path="/again"/>
  </flow>
  <flow name="g">
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/json
---
{ password: "Scr1ptPw" }]]></ee:set-payload>
      </ee:message>
    </ee:transform>
  </flow>
  <flow name="h">
    <http:request method="POST" config-ref="Token_Config" path="/h">
      <http:body>grant_type=password&amp;password=T3xtPw</http:body>
    </http:request>
  </flow>
</mule>
"##;
        let f = read_mule_xml(xml, "a.xml", true);
        let config = &f.http_requests[0];
        assert_eq!(config.default_credentials.len(), 1);
        let defaults: Vec<(&str, &str, u32)> = config
            .default_query_params
            .iter()
            .map(|p| (p.name.as_str(), p.value.raw.as_str(), p.value.location.line))
            .collect();
        assert_eq!(defaults, vec![("grant_type", "password", 5)]);
        let ops = &f.http_request_operations;
        assert_eq!(ops.len(), 3);
        let creds = |i: usize| -> Vec<(&str, &str, u32, u32, bool, &str, HttpValueSyntax)> {
            ops[i]
                .credentials
                .iter()
                .map(|c| {
                    assert_eq!(c.kind, HttpParamKind::BodyField);
                    (
                        c.name.as_str(),
                        c.value.raw.as_str(),
                        c.value.location.line,
                        c.value.location.column,
                        c.constant,
                        c.element.as_str(),
                        c.syntax,
                    )
                })
                .collect()
        };
        // The payload set before the first request is sent by its body (the
        // value of the attribute, through `&quot;` and `&amp;`), with the
        // body's own field.
        assert_eq!(
            creds(0),
            vec![
                (
                    "password",
                    "Attr1Pw",
                    10,
                    66,
                    true,
                    "set-payload",
                    HttpValueSyntax::DataWeaveFormPair
                ),
                (
                    "client_secret",
                    "B0dySecret",
                    12,
                    57,
                    true,
                    "http:body",
                    HttpValueSyntax::DataWeaveField
                ),
            ]
        );
        assert_eq!(ops[0].credentials[0].owner.as_deref(), Some("f"));
        let params: Vec<(&str, &str)> = ops[0]
            .query_params
            .iter()
            .map(|p| (p.name.as_str(), p.value.raw.as_str()))
            .collect();
        assert_eq!(params, vec![("grant_type", "password")]);
        // The next request sends the first one's response: no payload
        // credentials again.
        assert!(creds(1).is_empty());
        // A payload set in a flow without a request is nobody's body; literal
        // body text.
        assert_eq!(
            creds(2),
            vec![(
                "password",
                "T3xtPw",
                32,
                51,
                true,
                "http:body",
                HttpValueSyntax::Text
            )]
        );
    }

    #[test]
    fn dsql() {
        assert_eq!(
            strip_dsql(" dsql:SELECT Id FROM Account"),
            "SELECT Id FROM Account"
        );
        assert_eq!(strip_dsql("SELECT Id"), "SELECT Id");
    }
}
