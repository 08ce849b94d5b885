//! HTTP listener and request configs, and the requests flows send.

use serde::Serialize;

use crate::expr::Value;
use crate::location::Location;

use super::{TlsContext, XmlAttribute};

/// `http:listener-config` with its `http:listener-connection`.
#[derive(Debug, Clone, Serialize)]
pub struct HttpListener {
    pub config_name: String,
    /// Location of the connection element (or of the config if it has none).
    pub location: Location,
    pub protocol: Option<Value>,
    pub host: Option<Value>,
    pub port: Option<Value>,
    pub tls_context_ref: Option<String>,
    pub tls_context: Option<TlsContext>,
}

/// The namespace a Mule 3 transport endpoint element belongs to, which
/// sets its scheme unless it takes its address from a global endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EndpointTransport {
    /// The HTTP transport (`.../mule/http`): plain HTTP.
    Http,
    /// The HTTPS transport (`.../mule/https`): TLS.
    Https,
    /// Mule's core namespace (`<endpoint>`, `<inbound-endpoint>`,
    /// `<outbound-endpoint>`): the scheme of its `address` says.
    Generic,
}

/// A Mule 3 transport endpoint of HTTP interest: the HTTP transport's
/// `<http:inbound-endpoint>` and `<http:outbound-endpoint>` (namespace
/// `http://www.mulesoft.org/schema/mule/http`, plain HTTP), the core
/// `<inbound-endpoint>`/`<outbound-endpoint>`, and the global endpoints they
/// may take their address from with `ref` (`<http:endpoint name>`,
/// `<https:endpoint name>`, core `<endpoint name>`). The HTTPS transport's
/// flow endpoints (`<https:inbound-endpoint>`, namespace `.../mule/https`)
/// are kept only when they take their address from a global endpoint
/// (`ref`), whose scheme they then use. Attributes as written; those it does not set are `None`.
#[derive(Debug, Clone, Serialize)]
pub struct HttpTransportEndpoint {
    /// The element as written (`http:inbound-endpoint`).
    pub element: String,
    /// The namespace of the element.
    pub transport: EndpointTransport,
    /// A global endpoint's `name` (flow endpoints have none).
    pub global_name: Option<String>,
    /// An inbound endpoint (a server) rather than an outbound one (false for
    /// a global endpoint: its referrers say).
    pub inbound: bool,
    pub location: Location,
    pub address: Option<Value>,
    pub host: Option<Value>,
    pub port: Option<Value>,
    pub path: Option<Value>,
    /// `connector-ref`: the transport connector it uses.
    pub connector_ref: Option<String>,
    /// `ref`: a global `<http:endpoint>` it takes its address from.
    pub endpoint_ref: Option<String>,
}

/// A Mule 3 HTTP or HTTPS transport connector (`<http:connector name>`,
/// `<https:connector name>`, and their `polling-connector`s), which an
/// endpoint's `connector-ref` names.
#[derive(Debug, Clone, Serialize)]
pub struct TransportConnector {
    pub name: String,
    /// The element as written (`https:connector`).
    pub element: String,
    /// The HTTPS transport's (`.../mule/https`): its protocol is `https`.
    pub https: bool,
    pub location: Location,
}

/// `http:request-config` with its `http:request-connection`. `Default` is
/// a config of no name with nothing set, for tests to build on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HttpRequester {
    pub config_name: String,
    pub location: Location,
    pub protocol: Option<Value>,
    pub host: Option<Value>,
    pub port: Option<Value>,
    pub base_path: Option<Value>,
    pub tls_context_ref: Option<String>,
    pub tls_context: Option<TlsContext>,
    /// An `http:authentication` child (basic, digest, ntlm, oauth client
    /// credentials ...): the request carries credentials.
    pub authentication: Option<HttpAuthentication>,
    /// Default headers and query parameters (`<http:default-headers>`,
    /// `<http:default-query-params>`) that carry a credential: every request
    /// through this config sends them.
    pub default_credentials: Vec<HttpCredential>,
    /// The other default query parameters (`grant_type`, `username`,
    /// `scope` ...): every request through this config sends them too.
    pub default_query_params: Vec<HttpParam>,
    /// `sendBodyMode` (`AUTO`, `ALWAYS`, `NEVER`): whether its requests send
    /// a body, for those that do not say so themselves.
    pub send_body_mode: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpAuthentication {
    pub element: String,
    pub location: Location,
    pub attributes: Vec<XmlAttribute>,
}

/// An `<http:request>` operation in a flow: where it goes and what it sends.
#[derive(Debug, Clone, Serialize)]
pub struct HttpRequestOperation {
    pub location: Location,
    /// The `http:request-config` it uses.
    pub config_ref: Option<String>,
    /// `url` (a full URL, instead of a config).
    pub url: Option<Value>,
    /// `path` (appended to the config's host and base path).
    pub path: Option<Value>,
    /// The text of its children (`http:body`, `http:query-params`,
    /// `http:headers`, `http:uri-params`): DataWeave expressions, as written.
    pub children_text: String,
    /// The payload the flow last set before the request (`ee:set-payload`
    /// text or `set-payload value`), the body a request sends by default.
    pub payload: Option<String>,
    /// That payload's script is a file of the app (`<ee:set-payload
    /// resource="dwl/login.dwl"/>`, under `src/main/resources/`): its text
    /// becomes `payload` when the app is assembled.
    pub payload_resource: Option<String>,
    /// Headers, query parameters and body fields it sends that carry a
    /// credential: its own, and the fields of the payload the flow set just
    /// before it (a request sends the payload as its body by default).
    pub credentials: Vec<HttpCredential>,
    /// How many of the first `credentials` are fields of that payload (or
    /// of the payloads `flow-ref`s hand its flow, see `sends_caller_payload`).
    pub payload_fields: usize,
    /// The flow or sub-flow holding it.
    pub flow: Option<String>,
    /// It is the first request of its flow, before anything there sets the
    /// payload, and sends it: the payload a `flow-ref` hands the flow is its
    /// body.
    pub sends_caller_payload: bool,
    /// Whether it sends a body (the payload, unless it has a body of its
    /// own).
    pub sends_body: SendsBody,
    /// Its query parameters written as key/value elements
    /// (`<http:query-param key value>`) whose name is no credential's
    /// (those are in `credentials`), kept when they may say how it logs in
    /// (`grant_type`, `username`, a property reference).
    pub query_params: Vec<HttpParam>,
}

impl HttpRequestOperation {
    /// Forgets the payload set before the request: it does not send it (its
    /// own body leaves it out, or it sends no body). Returns the payload's
    /// credential-named fields.
    pub fn drop_payload(&mut self) -> Vec<HttpCredential> {
        let n = self.payload_fields.min(self.credentials.len());
        self.payload_fields = 0;
        self.payload = None;
        self.payload_resource = None;
        self.credentials.drain(..n).collect()
    }
}

/// Whether an HTTP request sends a body: the HTTP connector's `sendBodyMode`
/// (the request's own, else its config's) with its method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendsBody {
    Yes,
    No,
    /// The request does not set `sendBodyMode`: its config's decides, and
    /// under the default mode (AUTO) it sends one when `auto` says so (its
    /// method is not GET, HEAD or OPTIONS). Settled when the app is
    /// assembled, its configs known.
    ByConfig {
        auto: bool,
    },
}

/// A named value an HTTP request sends that is no credential (`grant_type`,
/// `username`, `scope`): its name and its value as written.
#[derive(Debug, Clone, Serialize)]
pub struct HttpParam {
    pub name: String,
    pub value: Value,
}

/// Where an HTTP request puts a named value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpParamKind {
    Header,
    QueryParam,
    /// A field of the request body: an entry of a DataWeave or JSON object,
    /// or a `name=value` pair of a form-encoded string.
    BodyField,
}

impl HttpParamKind {
    /// `header`, `query parameter`, `body field`.
    pub fn label(self) -> &'static str {
        match self {
            HttpParamKind::Header => "header",
            HttpParamKind::QueryParam => "query parameter",
            HttpParamKind::BodyField => "body field",
        }
    }
}

/// How a credential's value is written, which decides how to replace it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpValueSyntax {
    /// The `value` attribute of a key/value element (`<http:header key
    /// value>`, `<http:default-header>`, Mule 3 `headerName`/`paramName`).
    Attribute,
    /// An entry of a DataWeave object (`client_secret: '...'`).
    DataWeaveField,
    /// A `name=value` pair inside a DataWeave string literal
    /// (`"grant_type=password&password=..."`).
    DataWeaveFormPair,
    /// Literal text, no expression (`set-payload value="a=b&password=..."`,
    /// a JSON body written as is): a `${...}` placeholder replaces it.
    Text,
}

/// A header, query parameter or body field an HTTP request sends whose name
/// says it carries a credential ([`crate::vocab::is_credential_param_name`]:
/// `Authorization`, `client_secret`, `password`, `x-api-key`, ...), whatever
/// its value: a key/value element (`<http:header key="..." value="..."/>`,
/// Mule 3 `headerName`/`paramName`, `<http:default-header>`), an entry of a
/// DataWeave map (`<http:headers>#[{'Authorization': '...'}]</http:headers>`),
/// or a field of the body (`<http:body>`, or the payload set just before the
/// request): an object entry or a form-encoded `name=value` pair.
#[derive(Clone)]
pub struct HttpCredential {
    pub kind: HttpParamKind,
    /// The header, parameter or field name as written.
    pub name: String,
    /// The value as written. Its location is the `value` attribute's (key/value
    /// elements), the opening quote of the DataWeave string (maps and
    /// objects), or the value's first character (form pairs, literal text).
    /// May be a secret: never output.
    pub value: Value,
    /// The value is a constant written in the file: no `${...}` / `#[...]`
    /// reference, no DataWeave expression, interpolation or concatenation.
    pub constant: bool,
    /// How the value is written.
    pub syntax: HttpValueSyntax,
    /// The element it is written in: `http:header`, `http:default-header`,
    /// `http:query-param`, `http:headers` (a DataWeave map), `http:body`,
    /// `ee:set-payload` / `set-payload` (the payload set before the
    /// request) ...
    pub element: String,
    /// The `name` of the request config (default headers) or of the flow
    /// holding the request.
    pub owner: Option<String>,
    /// A payload field handed on by flows between the flow that set it
    /// (`owner`) and the request's: the flows its `flow-ref`s went through,
    /// in order (`a` refs `b`, `b` refs `c` whose request sends it: `[b]`).
    /// Empty for all else.
    pub handed_via: Vec<String>,
}

impl HttpCredential {
    /// The properties its value reads: `${name}`, and `p('name')` calls
    /// (a DataWeave field's value is the expression inside its `#[...]`;
    /// the offsets are not the value's).
    pub fn references(&self) -> Vec<crate::expr::Placeholder> {
        match self.syntax {
            HttpValueSyntax::DataWeaveField => {
                crate::expr::placeholders(&format!("#[{}]", self.value.raw))
            }
            _ => self.value.placeholders(),
        }
    }

    /// The authentication scheme and the credential proper of an
    /// `Authorization` value (`Basic dXNl...` -> (`Basic`, `dXNl...`)); no
    /// scheme for other values or a single word.
    pub fn scheme_and_credential(&self) -> (Option<&str>, &str) {
        let v = self.value.raw.trim();
        let is_auth = self.kind == HttpParamKind::Header
            && (self.name.eq_ignore_ascii_case("authorization")
                || self.name.eq_ignore_ascii_case("proxy-authorization"));
        match v.split_once(char::is_whitespace) {
            Some((scheme, rest))
                if is_auth
                    && !rest.trim().is_empty()
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                (Some(scheme), rest.trim())
            }
            _ => (None, v),
        }
    }
}

/// The value is masked: a debug print must not show a secret.
impl std::fmt::Debug for HttpCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCredential")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("value", &crate::secret::mask(&self.value.raw))
            .field("location", &self.value.location)
            .field("constant", &self.constant)
            .field("syntax", &self.syntax)
            .field("element", &self.element)
            .field("owner", &self.owner)
            .field("handed_via", &self.handed_via)
            .finish()
    }
}

/// Serialized without the value (it may be a secret).
impl Serialize for HttpCredential {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("HttpCredential", 8)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("name", &self.name)?;
        s.serialize_field("location", &self.value.location)?;
        s.serialize_field("constant", &self.constant)?;
        s.serialize_field("syntax", &self.syntax)?;
        s.serialize_field("element", &self.element)?;
        s.serialize_field("owner", &self.owner)?;
        s.serialize_field("handed_via", &self.handed_via)?;
        s.end()
    }
}

/// An app's HTTP request configs by name, for finding each request's config
/// in one step: an app of 20,000 configs and as many requests searched the
/// list once per request (and per rule).
pub struct RequestConfigs<'a>(foldhash::HashMap<&'a str, &'a HttpRequester>);

impl<'a> RequestConfigs<'a> {
    /// The first config of each name, as a search of the list finds.
    pub fn new(configs: &'a [HttpRequester]) -> Self {
        let mut by_name =
            foldhash::HashMap::with_capacity_and_hasher(configs.len(), Default::default());
        for c in configs {
            by_name.entry(c.config_name.as_str()).or_insert(c);
        }
        RequestConfigs(by_name)
    }

    /// The config named `name`.
    pub fn named(&self, name: &str) -> Option<&'a HttpRequester> {
        self.0.get(name).copied()
    }

    /// The config a request names (`config-ref`), when the app has it.
    pub fn of(&self, op: &HttpRequestOperation) -> Option<&'a HttpRequester> {
        self.named(op.config_ref.as_deref()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, line: u32) -> HttpRequester {
        HttpRequester {
            config_name: name.into(),
            location: Location::new("global.xml", line, 3),
            ..HttpRequester::default()
        }
    }

    fn request(config_ref: Option<&str>) -> HttpRequestOperation {
        HttpRequestOperation {
            location: Location::new("flow.xml", 9, 5),
            config_ref: config_ref.map(String::from),
            url: None,
            path: None,
            children_text: String::new(),
            payload: None,
            payload_resource: None,
            credentials: Vec::new(),
            payload_fields: 0,
            flow: None,
            sends_caller_payload: false,
            sends_body: SendsBody::Yes,
            query_params: Vec::new(),
        }
    }

    /// A request finds the first config of the name it gives, as a search of
    /// the list did; none when it names none or one the app lacks.
    #[test]
    fn a_request_finds_the_first_config_of_its_name() {
        let configs = [config("A", 1), config("B", 2), config("A", 3)];
        let by_name = RequestConfigs::new(&configs);
        assert_eq!(by_name.named("A").map(|c| c.location.line), Some(1));
        assert_eq!(
            by_name.of(&request(Some("B"))).map(|c| c.location.line),
            Some(2)
        );
        assert!(by_name.of(&request(Some("C"))).is_none());
        assert!(by_name.of(&request(None)).is_none());
        assert!(by_name.named("a").is_none());
    }
}
