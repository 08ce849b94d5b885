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
//!
//! - this module: the event loop, end tags and text, captured subtrees and
//!   the element-by-element facts;
//! - [`start`]: a start tag: its attributes and namespaces, secret and URL
//!   attributes, what it does to the payload, and its role (a configuration
//!   to capture, an HTTP request, a payload setter, a Salesforce operation);
//! - [`attrs`]: start-tag attributes with their positions;
//! - [`global_config`]: captured global configurations into model items;
//! - [`payload`]: HTTP request parameter maps and the payloads flows send;
//! - [`request_body`]: which requests send a body, and flows that hand a
//!   payload on;
//! - [`spring`]: Spring beans and SFTP key authentication.

use intguard_model::{
    vocab, Assignment, DefinitionForm, Diagnostic, FilePath, GlobalProperty, HttpCredential,
    HttpListener, HttpParam, HttpParamKind, HttpRequestOperation, HttpRequester, HttpValueSyntax,
    KeyLoader, KeyLoaderKind, Location, PropertyImport, SalesforceConnection, SalesforceOperation,
    SecurePropertiesConfig, SendsBody, SharedStr, TlsContext, Value, XmlAttribute,
};
use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::dataweave::{body_fields, dataweave_map_entries_named};
use crate::position::Cursor;
use intguard_model::expr::contains_pair;
pub(crate) use request_body::{follow_flow_refs, settle_body_mode, PayloadForward, PayloadHandoff};
use request_body::{sends_a_body, sends_the_payload};

pub(crate) use attrs::resolve_ref;
use attrs::{attr_segments, file_offset, is_common_plain_attribute, parse_attrs, RawAttr};
use payload::{flow_name, is_constant, ParamMap, PayloadSetter, PendingHandoff};
use spring::SpringValue;

mod attrs;
mod global_config;
mod payload;
mod request_body;
mod spring;
mod start;
#[cfg(test)]
mod tests;
mod writes;
#[cfg(test)]
mod writes_tests;

use writes::{OpenWrite, WriteEffect, WriteState};

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
    pub salesforce_connections: Vec<SalesforceConnection>,
    pub secure_property_configs: Vec<SecurePropertiesConfig>,
    pub property_imports: Vec<PropertyImport>,
    /// Mule 4 `<import file="..."/>`s.
    pub config_imports: Vec<intguard_model::ConfigImport>,
    pub global_properties: Vec<GlobalProperty>,
    pub tls_contexts: Vec<TlsContext>,
    pub key_loaders: Vec<KeyLoader>,
    pub http_listeners: Vec<HttpListener>,
    pub http_transport_endpoints: Vec<intguard_model::HttpTransportEndpoint>,
    pub transport_connectors: Vec<intguard_model::TransportConnector>,
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
    /// Secrets the DataWeave scripts of CDATA sections set with a string
    /// literal: variables they declare (`var apiKey = "..."`, at the name)
    /// and secret-named `ee:set-variable`s whose script is one literal (at
    /// the literal).
    pub script_variables: Vec<Assignment>,
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
    /// The Salesforce Composite connector (Mule 4): its connections log in
    /// as a Salesforce user like the Salesforce connector's.
    SalesforceComposite,
    Tls,
    Http,
    /// Mule 3's HTTPS transport (`<https:connector>` and its stores).
    Https,
    SecureProperties,
    SecurePropertyPlaceholder,
    Context,
    /// Spring's beans namespace (Mule 3 configs declare beans inline).
    SpringBeans,
    Crypto,
    Sftp,
    /// The domain namespace (`http://www.mulesoft.org/schema/mule/ee/domain`,
    /// Mule 3's community `.../mule/domain`): the root of a domain
    /// project's `mule-domain-config.xml`.
    Domain,
    Other,
}

/// Family named by a prefix (conventional prefixes) or a namespace's last
/// path segment.
fn fam_of_name(name: &str) -> Fam {
    match name {
        "" | "core" => Fam::Core,
        "salesforce" => Fam::Salesforce,
        "sfdc" => Fam::Sfdc,
        "salesforce-composite" => Fam::SalesforceComposite,
        "tls" => Fam::Tls,
        "http" => Fam::Http,
        "https" => Fam::Https,
        "secure-properties" => Fam::SecureProperties,
        "secure-property-placeholder" => Fam::SecurePropertyPlaceholder,
        "context" => Fam::Context,
        "crypto" => Fam::Crypto,
        "sftp" => Fam::Sftp,
        "domain" => Fam::Domain,
        _ => Fam::Other,
    }
}

/// `a == b` for namespace prefixes, compared byte by byte in place: every
/// element's prefix is looked up among the bindings in scope, and a call to
/// `memcmp` per binding of the same length (`doc`, `xsi`, `tls`) cost 4% of a
/// scan's CPU time in a `perf` profile of the bench corpus. Prefixes are a
/// few bytes long.
#[inline]
fn same_prefix(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Family of a namespace URI; `None` for URIs that are neither Mule's nor
/// Spring's context (the prefix as written decides then).
fn fam_of_uri(uri: &str) -> Option<Fam> {
    let uri = intguard_model::trim::trim(uri);
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
    intguard_model::trim::trim(uri).trim_end_matches('/')
        == "http://www.mulesoft.org/schema/mule/core"
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
    /// The records child of a Salesforce create / update / upsert (its
    /// text is their expression).
    OperationRecords,
}

struct Frame<'t> {
    /// The element's own `name` attribute.
    name: Option<Cow<'t, str>>,
    ns_bindings: usize,
    role: Role,
    /// What it does to the payload, for the fields written
    /// ([`writes`]), and the payload's version after it started.
    write_effect: WriteEffect,
    write_version: u32,
}

struct OpenOperation {
    op: SalesforceOperation,
    query_attr: Option<String>,
    query_text: String,
    saw_query_child: bool,
    /// A create / update / upsert: what it writes.
    write: Option<OpenWrite>,
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
    /// The element and owner names of the attributes recorded last: an
    /// element's attributes are recorded one after another, and share them.
    shared_names: Option<(SharedStr, Option<SharedStr>)>,
    capture: Vec<Node>,
    /// An `xml-depth` diagnostic was given (once per file).
    too_deep_reported: bool,
    /// An `xml-malformed` warning was given for this file.
    malformed_reported: bool,
    /// The file holds a CR: only then may an attribute value need its line
    /// ends normalized (one search of the file instead of one per value).
    has_cr: bool,
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
    /// An `ee:set-variable` (Mule 3 `dw:set-variable`) named like a secret,
    /// being read: its name and its frame's index. Its script may be one
    /// string literal, the secret in clear.
    secret_script_variable: Option<(String, usize)>,
    /// What the payload is, for the fields Salesforce writes set
    /// ([`writes`]).
    write_state: WriteState,
    /// Counts the changes of `write_state`: an element that ends with
    /// another count than it started with held a change.
    write_version: u32,
    /// The payload before each router branch or error handler open.
    write_branches: Vec<WriteState>,
    /// What the Salesforce write operation starting gets from the payload.
    pending_write: Option<OpenWrite>,
    /// The fields each Salesforce write sets are read ([`writes`]); when
    /// not, the payload is not followed for them either.
    fields_written: bool,
}

/// Reads one Mule configuration file. `expect_mule`: the file lies where Mule
/// configuration lives (`src/main/mule`, `src/main/app`, `src/test/munit`), so
/// syntax errors are reported even before the root element was seen.
#[cfg(test)]
pub(crate) fn read_mule_xml(text: &str, path: &str, expect_mule: bool) -> MuleXmlFacts {
    read_mule_xml_with(text, path, expect_mule, true)
}

/// [`read_mule_xml`]; `fields_written`: whether the fields each Salesforce
/// create, update or upsert sets are read (the DataWeave building its
/// records, [`writes`]). Its operations are read either way.
pub(crate) fn read_mule_xml_with(
    text: &str,
    path: &str,
    expect_mule: bool,
    fields_written: bool,
) -> MuleXmlFacts {
    // XML parsers (Mule's too) skip a byte order mark; quick-xml does, but
    // counts its positions from after it, and a location counts from after
    // it too.
    let text = crate::position::without_bom(text);
    let mut r = XmlReader {
        text,
        path: FilePath::from(path),
        lines: Cursor::new(text),
        facts: MuleXmlFacts::default(),
        stack: Vec::new(),
        ns: Vec::new(),
        attr_buf: Vec::new(),
        shared_names: None,
        capture: Vec::new(),
        too_deep_reported: false,
        malformed_reported: false,
        has_cr: memchr::memchr(b'\r', text.as_bytes()).is_some(),
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
        secret_script_variable: None,
        write_state: WriteState::Unread(intguard_model::UnreadPayload::FlowInput),
        write_version: 0,
        write_branches: Vec::new(),
        pending_write: None,
        fields_written,
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
                    if self.secret_script_variable.is_some() {
                        self.secret_variable_script(&t, before + 9);
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
                    if !seen_root && expect_mule && !self.text.trim().is_empty() {
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

    /// The script of a secret-named `ee:set-variable` (a CDATA section at
    /// `offset`, its direct content) when it is one string literal: the
    /// variable is set to a secret in clear.
    #[inline(never)]
    fn secret_variable_script(&mut self, bytes: &[u8], offset: usize) {
        let Some((name, depth)) = &self.secret_script_variable else {
            return;
        };
        if self.stack.len() != depth + 1 {
            return;
        }
        let name = name.clone();
        let script = self.piece(bytes);
        if let Some((value, at)) = crate::text::literal_script(&script) {
            let location = self.loc(offset + at);
            self.facts.script_variables.push(Assignment {
                name: name.into(),
                value: value.into(),
                secret: true,
                location,
                form: DefinitionForm::SetVariableScript,
            });
        }
    }

    /// The secret variables a CDATA section (at `offset`) declares.
    // Out of the event loop, as `opens_dataweave_header`.
    #[inline(never)]
    fn script_variables(&mut self, bytes: &[u8], offset: usize) {
        let script = self.piece(bytes);
        let found = crate::text::dataweave_variables(&script);
        for (name, value, at) in found {
            let location = self.loc(offset + at);
            self.facts.script_variables.push(Assignment {
                name: name.to_string().into(),
                value: value.into(),
                secret: true,
                location,
                form: DefinitionForm::DataWeaveVariable,
            });
        }
    }

    fn family_of_prefix(&self, prefix: &str) -> Fam {
        match self
            .ns
            .iter()
            .rev()
            .find(|(p, _, _)| same_prefix(p, prefix))
        {
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

    fn attribute(
        &mut self,
        element: &str,
        owner: &Option<String>,
        a: &RawAttr<'_>,
    ) -> XmlAttribute {
        let same = |(e, o): &(SharedStr, Option<SharedStr>)| {
            *e == element && o.as_deref() == owner.as_deref()
        };
        if !self.shared_names.as_ref().is_some_and(same) {
            self.shared_names = Some((
                SharedStr::from(element),
                owner.as_deref().map(SharedStr::from),
            ));
        }
        let (element, owner) = self.shared_names.clone().unwrap_or_default();
        XmlAttribute {
            element,
            owner,
            name: a.name.to_string(),
            value: Value::new(a.value.as_ref(), self.loc(a.offset)),
        }
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
            (Fam::Http, "connector" | "polling-connector") => {
                self.facts
                    .transport_connectors
                    .push(intguard_model::TransportConnector {
                        name: get("name").map(|v| v.raw).unwrap_or_default(),
                        element: qname.to_string(),
                        https: false,
                        location,
                    });
            }
            (Fam::Core, "global-property") => {
                if let (Some(name), Some(value)) = (get("name"), get("value")) {
                    self.facts.global_properties.push(GlobalProperty {
                        name: name.raw,
                        value,
                        location,
                    });
                }
            }
            // Mule 3's HTTP transport (plain HTTP; the HTTPS transport's
            // endpoints are in the `https` namespace), the core endpoints,
            // and the global endpoints a `ref` names (mule-http.xsd's
            // `endpoint`, in mulesoft/mule
            // transports/http/src/main/resources/META-INF/mule-http.xsd).
            // An HTTPS flow endpoint is kept when it names a global one with
            // `ref`: AddressedEndpointDefinitionParser then disables its own
            // address (and `https` protocol), and EndpointURIEndpointBuilder
            // copies the global endpoint's URI, scheme included.
            (Fam::Http, "inbound-endpoint" | "outbound-endpoint" | "endpoint")
            | (Fam::Https, "endpoint" | "inbound-endpoint" | "outbound-endpoint")
            | (Fam::Core, "inbound-endpoint" | "outbound-endpoint" | "endpoint")
                if !matches!(family, Fam::Https)
                    || local == "endpoint"
                    || get("ref").is_some_and(|r| !r.raw.trim().is_empty()) =>
            {
                let text = |n: &str| get(n).map(|v| v.raw).filter(|v| !v.trim().is_empty());
                let transport = match family {
                    Fam::Http => intguard_model::EndpointTransport::Http,
                    Fam::Https => intguard_model::EndpointTransport::Https,
                    _ => intguard_model::EndpointTransport::Generic,
                };
                let global = local == "endpoint";
                self.facts
                    .http_transport_endpoints
                    .push(intguard_model::HttpTransportEndpoint {
                        element: qname.to_string(),
                        transport,
                        global_name: if global {
                            Some(text("name").unwrap_or_default())
                        } else {
                            None
                        },
                        inbound: local == "inbound-endpoint",
                        location,
                        address: get("address"),
                        host: get("host"),
                        port: get("port"),
                        path: get("path"),
                        connector_ref: text("connector-ref"),
                        endpoint_ref: text("ref"),
                    });
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
            // Mule 4's `<import file>` of another configuration file, a
            // plugin's when the app does not hold it (not documented in the
            // reference: read tolerantly, `file` as written).
            (Fam::Core, "import") => {
                if let Some(file) = get("file").filter(|f| !f.raw.trim().is_empty()) {
                    self.facts
                        .config_imports
                        .push(intguard_model::ConfigImport {
                            file: file.raw,
                            location,
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
        piece_of(self.text, bytes)
    }

    fn wants_text(&self) -> bool {
        self.stack.last().is_some_and(|f| {
            matches!(
                f.role,
                Role::OperationQuery
                    | Role::HttpRequestChild
                    | Role::SetPayload
                    | Role::OperationRecords
            )
        }) || self.in_spring_value()
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
                Role::OperationRecords => self.records_text(s, offset),
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
        if self
            .secret_script_variable
            .as_ref()
            .is_some_and(|(_, depth)| *depth == self.stack.len())
        {
            self.secret_script_variable = None;
        }
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
                        Some(strip_dsql(text))
                    } else {
                        open.query_attr.map(|q| strip_dsql(&q))
                    };
                    op.soql = soql.filter(|q| !q.is_empty());
                    if let Some(w) = open.write {
                        op.writes = Some(Box::new(self.write_end(w)));
                    }
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
                if self.fields_written {
                    let state = match &self.payload_source {
                        Some(PayloadSetter {
                            resource: Some(r), ..
                        }) => WriteState::Resource(r.clone()),
                        Some(source) => WriteState::script(
                            self.payload.clone().unwrap_or_default(),
                            source.segments.clone(),
                        ),
                        None => WriteState::Unread(intguard_model::UnreadPayload::Expression),
                    };
                    self.set_write_state(state);
                }
            }
            Role::OperationQuery | Role::Plain | Role::OperationRecords => {}
        }
        self.end_writes(frame.write_effect, frame.write_version);
    }
}

/// `bytes`, which a tokenizer reading `text` cut out of it, as the `&str` it
/// is in `text` (see [`XmlReader::piece`]); decoded as a copy should it not
/// be a piece of the text.
pub(crate) fn piece_of<'t>(text: &'t str, bytes: &[u8]) -> Cow<'t, str> {
    let start = (bytes.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    match start
        .checked_add(bytes.len())
        .and_then(|end| text.get(start..end))
    {
        Some(piece) => Cow::Borrowed(piece),
        None => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
    }
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
            | (Fam::SalesforceComposite, "config" | "composite-config")
            | (Fam::SecureProperties, "config")
            | (Fam::SecurePropertyPlaceholder, "config")
            | (Fam::Tls, "context")
            | (Fam::Https, "connector" | "polling-connector")
            | (Fam::Http, "listener-config")
            | (Fam::Http, "request-config")
            | (Fam::Crypto, "jce-config")
            | (Fam::Crypto, "pgp-config")
            | (Fam::SpringBeans, "bean")
    ) || (family == Fam::Sfdc && is_sfdc_config(local))
}

/// A Mule 3 Salesforce connector global config (the element is the
/// connection): `config`, `config-with-oauth`, `config-oauth-user-pass`, and
/// the cached ones of connector 8.x/9.x, `cached-basic-config` and
/// `cached-config-oauth-jwt-bearer` (the names MuleSoft's Mule 3 to 4
/// migration assistant reads). Other `cached-*` names are UNVERIFIED and
/// taken the same way: classified by their attributes.
pub(super) fn is_sfdc_config(local: &str) -> bool {
    local == "config" || local.starts_with("config-") || local.starts_with("cached-")
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
        || (family == Fam::Sfdc && (local.starts_with("config") || is_sfdc_config(local)))
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
    if contains_pair(text, b"${") || contains_pair(text, b"p(") {
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
