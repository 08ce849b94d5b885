//! HTTPS transport: ureq over rustls (aws-lc-rs), TLS 1.2 and 1.3 only.
//!
//! * `http://` (or any non-`https` URL) is refused with [`TransportError::InsecureScheme`]
//!   before any connection is made; redirects are never followed.
//! * Server certificates are verified against the system roots (rustls-native-certs; the
//!   Mozilla roots of `webpki-root-certs` when the system has none) plus an optional extra CA
//!   PEM file ([`TlsOptions::ca_file`]).
//! * Mutual TLS: a client certificate and key from PEM files or a PKCS#12/JKS keystore. With
//!   mutual TLS, a My Domain host (`*.my.salesforce.com`) without an explicit port is called on
//!   port 8443, where Salesforce asks for the client certificate ([`mutual_tls_url`]).
//! * Proxies come from the usual environment variables (`HTTPS_PROXY`, `NO_PROXY`, ...), except
//!   for loopback hosts, which are always called directly.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use ureq::http::Uri;
use ureq::tls::{Certificate, ClientCert, RootCerts, TlsConfig, TlsProvider};

use crate::keys::{KeyError, PrivateKey};

/// Timeout for a whole request (connect, TLS, send, receive) unless set otherwise.
/// Largest CA bundle or client certificate file read: a system bundle of
/// every public CA is under 1 MiB.
const MAX_PEM_FILE: u64 = 16 << 20;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The port Salesforce serves mutual TLS on.
pub const MUTUAL_TLS_PORT: u16 = 8443;
/// Largest response body read.
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// TLS settings shared by the token request and REST calls.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Extra CA certificates (PEM) trusted besides the system roots, e.g. a TLS-inspecting proxy.
    pub ca_file: Option<PathBuf>,
    /// Client certificate for mutual TLS.
    pub client_identity: Option<ClientIdentitySource>,
}

/// Where the mutual-TLS client certificate and key come from. `Debug` hides passwords.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ClientIdentitySource {
    /// A PEM certificate (chain) file and a PEM key file (PKCS#1, PKCS#8, encrypted PKCS#8);
    /// both may be the same file.
    Pem {
        cert: PathBuf,
        key: PathBuf,
        key_password: Option<SecretString>,
    },
    /// A PKCS#12 or JKS keystore entry with its certificate chain.
    Keystore {
        path: PathBuf,
        alias: Option<String>,
        store_password: SecretString,
        key_password: Option<SecretString>,
    },
}

impl ClientIdentitySource {
    /// Loads the certificate chain (DER, leaf first) and the key.
    pub fn load(&self) -> Result<(Vec<Vec<u8>>, PrivateKey), TransportError> {
        let id_err = |e: KeyError| TransportError::ClientIdentity(e.to_string());
        match self {
            ClientIdentitySource::Pem {
                cert,
                key,
                key_password,
            } => {
                let key_bytes = crate::keys::read_secret_file(key).map_err(id_err)?;
                let key = PrivateKey::from_key_bytes(
                    &key_bytes,
                    key_password.as_ref().map(|p| p.expose_secret()),
                )
                .map_err(|e| {
                    TransportError::ClientIdentity(format!("client key {}: {e}", key.display()))
                })?;
                let cert_bytes = crate::files::read_regular(cert, MAX_PEM_FILE).map_err(|e| {
                    TransportError::ClientIdentity(format!(
                        "cannot read client certificate {}: {e}",
                        cert.display()
                    ))
                })?;
                let chain = pem_certificates(&cert_bytes);
                if chain.is_empty() {
                    return Err(TransportError::ClientIdentity(format!(
                        "no certificate found in {}",
                        cert.display()
                    )));
                }
                Ok((chain, key))
            }
            ClientIdentitySource::Keystore {
                path,
                alias,
                store_password,
                key_password,
            } => {
                let source = crate::keys::PrivateKeySource::Keystore {
                    path: path.clone(),
                    alias: alias.clone(),
                    store_password: store_password.clone(),
                    key_password: key_password.clone(),
                };
                let key = source.load().map_err(id_err)?;
                let chain = key.certificate_chain().to_vec();
                if chain.is_empty() {
                    return Err(TransportError::ClientIdentity(format!(
                        "the key entry in {} has no certificate",
                        path.display()
                    )));
                }
                Ok((chain, key))
            }
        }
    }
}

const HUNG_UP_WITH_CERTIFICATE: &str = "the server closed the connection: it likely rejected the client certificate (mutual TLS: not uploaded under Setup > Certificate and Key Management > Mutual Authentication Certificates, not CA-signed, or missing the Client Authentication extended key usage)";
const HUNG_UP_WITHOUT_CERTIFICATE: &str = "the server closed the connection: it likely asked for a client certificate (mutual TLS, as Salesforce does on port 8443): pass --client-cert/--client-key (or the client keystore), with the certificate uploaded under Setup > Certificate and Key Management > Mutual Authentication Certificates";

/// Transport failures. URLs are shown, never headers or bodies.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    #[error("refusing {url}: only https:// URLs are allowed (Salesforce OAuth and API endpoints are HTTPS only), nothing was sent")]
    InsecureScheme { url: String },
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot use CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("cannot use the client certificate for mutual TLS: {0}")]
    ClientIdentity(String),
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("TLS failure with {url}: {reason}")]
    Tls { url: String, reason: String },
    #[error("{url} did not answer within {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("HTTP failure with {url}: {reason}")]
    Http { url: String, reason: String },
}

impl TransportError {
    /// True for [`TransportError::InsecureScheme`].
    pub fn is_insecure_scheme(&self) -> bool {
        matches!(self, TransportError::InsecureScheme { .. })
    }

    /// The message for a failure on a host that already answered this
    /// session (a call after others succeeded): a hang-up is then not a
    /// client certificate the server wants or rejects, so that guess, right
    /// for a first call, is left out.
    pub fn message_mid_session(&self) -> String {
        match self {
            TransportError::Tls { url, reason } => {
                let mut reason = reason.clone();
                for hint in [HUNG_UP_WITH_CERTIFICATE, HUNG_UP_WITHOUT_CERTIFICATE] {
                    reason =
                        reason.replace(&format!(": {hint}"), ": the server closed the connection");
                }
                TransportError::Tls {
                    url: url.clone(),
                    reason,
                }
                .to_string()
            }
            other => other.to_string(),
        }
    }
}

/// `url` for messages: a user name and password written before its host
/// (`https://user:password@host/`) shown as `***@`.
///
/// ```
/// use salesforce_auth::transport::redact_userinfo;
/// assert_eq!(redact_userinfo("https://u:pw@acme.my.salesforce.com/x?a=b@c"),
///            "https://***@acme.my.salesforce.com/x?a=b@c");
/// assert_eq!(redact_userinfo("https://login.salesforce.com"), "https://login.salesforce.com");
/// ```
pub fn redact_userinfo(url: &str) -> String {
    let trimmed = url.trim();
    let Some(scheme_end) = trimmed.find("://") else {
        return trimmed.to_string();
    };
    let rest = &trimmed[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}://***@{}", &trimmed[..scheme_end], &rest[at + 1..]),
        None => trimmed.to_string(),
    }
}

/// Checks that `url` is an absolute `https://` URL with a host and no user
/// name or password; `http://` is [`TransportError::InsecureScheme`]. Errors
/// show the URL with [`redact_userinfo`].
pub fn require_https(url: &str) -> Result<Uri, TransportError> {
    let trimmed = url.trim();
    let shown = redact_userinfo(trimmed);
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("ws://") {
        return Err(TransportError::InsecureScheme { url: shown });
    }
    // `login.salesforce.com`, as Setup shows a host: the parser's "invalid
    // format" would not say what is missing.
    if !trimmed.contains("://") {
        return Err(TransportError::InvalidUrl {
            reason: format!(
                "it has no scheme: Salesforce URLs start with https:// (https://{shown})"
            ),
            url: shown,
        });
    }
    let uri: Uri = trimmed.parse().map_err(|e| TransportError::InvalidUrl {
        url: shown.clone(),
        reason: format!("{e}"),
    })?;
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => {}
        Some(_) => return Err(TransportError::InsecureScheme { url: shown }),
        None => {
            return Err(TransportError::InvalidUrl {
                url: shown,
                reason: "it must start with https://".into(),
            })
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(TransportError::InvalidUrl {
            url: shown,
            reason: "no host".into(),
        });
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(TransportError::InvalidUrl {
            url: shown,
            reason: "it holds a user name or password before the host (user:password@): Salesforce URLs never do, and the JWT bearer flow needs no password; remove it (nothing was sent)".into(),
        });
    }
    Ok(uri)
}

/// True for My Domain hosts: `*.my.salesforce.com` (sandboxes included).
pub fn is_my_domain_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host.ends_with(".my.salesforce.com")
}

/// The mutual-TLS port rule: a My Domain URL without an explicit port gets port 8443; every
/// other URL, and any URL with an explicit port, is returned unchanged.
///
/// ```
/// use salesforce_auth::transport::mutual_tls_url;
/// assert_eq!(mutual_tls_url("https://acme.my.salesforce.com/services/data/"),
///            "https://acme.my.salesforce.com:8443/services/data/");
/// assert_eq!(mutual_tls_url("https://acme.my.salesforce.com:443/x"), "https://acme.my.salesforce.com:443/x");
/// assert_eq!(mutual_tls_url("https://login.salesforce.com/x"), "https://login.salesforce.com/x");
/// ```
pub fn mutual_tls_url(url: &str) -> String {
    let Ok(uri) = url.trim().parse::<Uri>() else {
        return url.to_string();
    };
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return url.to_string();
    };
    if authority.port().is_some() || !is_my_domain_host(authority.host()) {
        return url.to_string();
    }
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    // `path_and_query` is "/" for a bare host; keep the caller's form when it had no path.
    let after_authority = &url.trim()[scheme.len() + 3 + authority.as_str().len()..];
    let path = if after_authority.is_empty() { "" } else { path };
    format!("{scheme}://{}:{MUTUAL_TLS_PORT}{path}", authority.as_str())
}

/// A response: status, headers and body. `Debug` shows the body's size only.
#[derive(Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTPS-only client configured from [`TlsOptions`]. Cheap to clone.
#[derive(Clone)]
pub struct HttpsClient {
    agent: ureq::Agent,
    /// Same settings without the environment's proxy, for loopback hosts.
    direct: ureq::Agent,
    mutual_tls: bool,
    timeout: Duration,
    /// The proxy the environment sets (the one `agent` uses), for messages.
    proxy: Option<ureq::Proxy>,
}

impl fmt::Debug for HttpsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsClient")
            .field("mutual_tls", &self.mutual_tls)
            .field("timeout", &self.timeout)
            .finish()
    }
}

fn system_roots() -> &'static [Certificate<'static>] {
    static ROOTS: OnceLock<Vec<Certificate<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let native = rustls_native_certs::load_native_certs();
        let mut roots: Vec<Certificate<'static>> = native
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        if roots.is_empty() {
            roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .map(|c| Certificate::from_der(c.as_ref()).to_owned())
                .collect();
        }
        roots
    })
}

fn pem_certificates(bytes: &[u8]) -> Vec<Vec<u8>> {
    pem::parse_many(bytes)
        .map(|blocks| {
            blocks
                .into_iter()
                .filter(|b| matches!(b.tag(), "CERTIFICATE" | "TRUSTED CERTIFICATE"))
                .map(pem::Pem::into_contents)
                .collect()
        })
        .unwrap_or_default()
}

fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .clone()
}

impl HttpsClient {
    /// A client with [`DEFAULT_TIMEOUT`].
    pub fn new(tls: &TlsOptions) -> Result<Self, TransportError> {
        Self::with_timeout(tls, DEFAULT_TIMEOUT)
    }

    /// A client whose requests each give up after `timeout`.
    pub fn with_timeout(tls: &TlsOptions, timeout: Duration) -> Result<Self, TransportError> {
        let mut roots: Vec<Certificate<'static>> = system_roots().to_vec();
        if let Some(path) = &tls.ca_file {
            let bytes = crate::files::read_regular(path, MAX_PEM_FILE).map_err(|e| {
                TransportError::CaFile {
                    path: path.clone(),
                    reason: e.to_string(),
                }
            })?;
            let extra = pem_certificates(&bytes);
            if extra.is_empty() {
                return Err(TransportError::CaFile {
                    path: path.clone(),
                    reason: "no PEM certificate in it".into(),
                });
            }
            for der in &extra {
                if x509_parser::parse_x509_certificate(der).is_err() {
                    return Err(TransportError::CaFile {
                        path: path.clone(),
                        reason: "a certificate in it cannot be parsed".into(),
                    });
                }
            }
            roots.extend(
                extra
                    .into_iter()
                    .map(|d| Certificate::from_der(&d).to_owned()),
            );
        }

        let client_cert = match &tls.client_identity {
            None => None,
            Some(source) => {
                let (chain, key) = source.load()?;
                validate_identity(&chain, &key)?;
                let certs: Vec<Certificate<'static>> = chain
                    .iter()
                    .map(|d| Certificate::from_der(d).to_owned())
                    .collect();
                // ureq does not export its key-kind enum; its PEM reader gives a PKCS#8 key.
                let key = ureq::tls::PrivateKey::from_pem(key.to_pkcs8_pem().as_bytes())
                    .map_err(|e| TransportError::ClientIdentity(e.to_string()))?;
                Some(ClientCert::new_with_certs(&certs, key))
            }
        };
        let mutual_tls = client_cert.is_some();

        let tls_config = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(RootCerts::new_with_certs(&roots))
            .client_cert(client_cert)
            .unversioned_rustls_crypto_provider(crypto_provider())
            .build();
        let build = |proxy_from_env: bool| -> ureq::Agent {
            let builder = ureq::Agent::config_builder()
                .tls_config(tls_config.clone())
                .https_only(true)
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(timeout))
                .user_agent(concat!(
                    "intguard-salesforce-auth/",
                    env!("CARGO_PKG_VERSION")
                ));
            let builder = if proxy_from_env {
                builder
            } else {
                builder.proxy(None)
            };
            builder.build().into()
        };
        Ok(HttpsClient {
            agent: build(true),
            direct: build(false),
            mutual_tls,
            timeout,
            proxy: ureq::Proxy::try_from_env(),
        })
    }

    /// Loopback addresses never go through a proxy from the environment.
    fn agent_for(&self, url: &str) -> &ureq::Agent {
        match crate::audience::host_of(url) {
            Some(h) if h == "localhost" || h == "::1" || h.starts_with("127.") => &self.direct,
            _ => &self.agent,
        }
    }

    /// True when a client certificate is configured.
    pub fn mutual_tls(&self) -> bool {
        self.mutual_tls
    }

    /// The URL a request to `url` really goes to: checked for `https://`, and with port 8443
    /// for My Domain hosts under mutual TLS.
    pub fn effective_url(&self, url: &str) -> Result<String, TransportError> {
        require_https(url)?;
        let url = url.trim();
        Ok(if self.mutual_tls {
            mutual_tls_url(url)
        } else {
            url.to_string()
        })
    }

    /// GET `url` with `headers`.
    pub fn get(&self, url: &str, headers: &[(&str, &str)]) -> Result<HttpResponse, TransportError> {
        let url = self.effective_url(url)?;
        let mut req = self.agent_for(&url).get(&url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.finish(&url, req.call())
    }

    /// POST an `application/x-www-form-urlencoded` form.
    pub fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Result<HttpResponse, TransportError> {
        let url = self.effective_url(url)?;
        let mut req = self.agent_for(&url).post(&url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.finish(&url, req.send_form(form.iter().copied()))
    }

    /// POST a body with its content type.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<HttpResponse, TransportError> {
        let url = self.effective_url(url)?;
        let mut req = self
            .agent_for(&url)
            .post(&url)
            .header("Content-Type", content_type);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.finish(&url, req.send(body))
    }

    fn finish(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<HttpResponse, TransportError> {
        let mut response = result.map_err(|e| self.map_error(url, e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| self.map_error(url, e))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    /// The error, naming the environment's proxy when the request went
    /// through it: a proxy that is down, or refuses the host, otherwise reads
    /// as the Salesforce host refusing.
    fn map_error(&self, url: &str, e: ureq::Error) -> TransportError {
        let err = self.map_error_direct(url, e);
        let Some(via) = self.proxy_for(url) else {
            return err;
        };
        match err {
            TransportError::Connect { url, reason } => TransportError::Connect {
                url,
                reason: format!("{reason} {via}"),
            },
            TransportError::Tls { url, reason } => TransportError::Tls {
                url,
                reason: format!("{reason} {via}"),
            },
            TransportError::Http { url, reason } => TransportError::Http {
                url,
                reason: format!("{reason} {via}"),
            },
            other => other,
        }
    }

    /// `(through the proxy HOST:PORT ...)` when a request to `url` goes
    /// through the environment's proxy; never its user name or password.
    fn proxy_for(&self, url: &str) -> Option<String> {
        let proxy = self.proxy.as_ref()?;
        if std::ptr::eq(self.agent_for(url), &self.direct) {
            return None;
        }
        let uri: Uri = url.parse().ok()?;
        if proxy.is_no_proxy(&uri) {
            return None;
        }
        Some(format!(
            "(through the proxy {}:{} set in the environment by HTTPS_PROXY, ALL_PROXY or HTTP_PROXY: check that it runs and lets this host through, or list the host in NO_PROXY)",
            proxy.host(),
            proxy.port()
        ))
    }

    fn map_error_direct(&self, url: &str, e: ureq::Error) -> TransportError {
        let url = url.to_string();
        match e {
            ureq::Error::RequireHttpsOnly(_) => TransportError::InsecureScheme { url },
            ureq::Error::Timeout(_) => TransportError::Timeout {
                url,
                seconds: self.timeout.as_secs(),
            },
            ureq::Error::HostNotFound => TransportError::Connect {
                url,
                reason: "host not found (check the URL and DNS)".into(),
            },
            ureq::Error::ConnectionFailed => TransportError::Connect {
                url,
                reason: "connection failed".into(),
            },
            ureq::Error::Rustls(e) => TransportError::Tls {
                url,
                reason: describe_tls_error(&e),
            },
            ureq::Error::Tls(msg) => TransportError::Tls {
                url,
                reason: msg.to_string(),
            },
            ureq::Error::Io(io) => {
                if let Some(tls) = io
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                {
                    return TransportError::Tls {
                        url,
                        reason: describe_tls_error(tls),
                    };
                }
                // The server hung up on a connection it accepted: under
                // TLS 1.3 a server that wants a client certificate (or
                // rejects ours) closes after the handshake, and what the
                // client sees is a write that fails, not the TLS alert.
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::BrokenPipe
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::UnexpectedEof
                ) {
                    return TransportError::Tls {
                        url,
                        reason: format!("{io}: {}", self.hung_up_hint()),
                    };
                }
                match io.kind() {
                    std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::NotConnected
                    | std::io::ErrorKind::AddrNotAvailable => TransportError::Connect {
                        url,
                        reason: io.to_string(),
                    },
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                        TransportError::Timeout {
                            url,
                            seconds: self.timeout.as_secs(),
                        }
                    }
                    _ => TransportError::Http {
                        url,
                        reason: io.to_string(),
                    },
                }
            }
            other => TransportError::Http {
                url,
                reason: other.to_string(),
            },
        }
    }
}

impl HttpsClient {
    /// Why a server closes a TLS connection it accepted, most likely.
    fn hung_up_hint(&self) -> &'static str {
        if self.mutual_tls {
            HUNG_UP_WITH_CERTIFICATE
        } else {
            HUNG_UP_WITHOUT_CERTIFICATE
        }
    }
}

fn describe_tls_error(e: &rustls::Error) -> String {
    use rustls::AlertDescription as A;
    match e {
        rustls::Error::AlertReceived(A::CertificateRequired)
        | rustls::Error::AlertReceived(A::HandshakeFailure) => {
            format!("{e}: the server may require a client certificate (mutual TLS): check --client-cert/--client-key or the client keystore, and that the certificate is uploaded under Setup > Certificate and Key Management > Mutual Authentication Certificates")
        }
        rustls::Error::AlertReceived(A::BadCertificate)
        | rustls::Error::AlertReceived(A::UnknownCA)
        | rustls::Error::AlertReceived(A::CertificateUnknown) => {
            format!("{e}: the server rejected the client certificate (not uploaded, not CA-signed, or missing the Client Authentication extended key usage)")
        }
        rustls::Error::InvalidCertificate(
            rustls::CertificateError::Expired
            | rustls::CertificateError::ExpiredContext { .. }
            | rustls::CertificateError::NotValidYet
            | rustls::CertificateError::NotValidYetContext { .. },
        ) => {
            format!("{e}: the server's certificate is out of its validity period (or this machine's clock is wrong): check the clock, and that the URL is the org's")
        }
        rustls::Error::InvalidCertificate(
            rustls::CertificateError::NotValidForName
            | rustls::CertificateError::NotValidForNameContext { .. },
        ) => {
            format!("{e}: the server's certificate is not for this host: check the URL (a Salesforce login URL, or the org's My Domain URL)")
        }
        rustls::Error::InvalidCertificate(_) => {
            format!("{e}: the server certificate is not trusted; behind a TLS-inspecting proxy, pass its CA with --ca-file")
        }
        other => other.to_string(),
    }
}

fn validate_identity(chain: &[Vec<u8>], key: &PrivateKey) -> Result<(), TransportError> {
    use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    // The TLS library refuses short RSA keys as keys it "failed to parse":
    // say what is wrong with it.
    if let Some(bits) = key.rsa_bits().filter(|b| *b < 2048) {
        return Err(TransportError::ClientIdentity(format!(
            "the client key is RSA {bits} bits; TLS needs 2048 bits or more: make a new key and certificate (CA-signed, for mutual TLS) and upload the certificate"
        )));
    }
    let certs: Vec<CertificateDer<'static>> = chain
        .iter()
        .map(|c| CertificateDer::from(c.clone()))
        .collect();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.pkcs8_der().to_vec()));
    rustls::ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::ClientIdentity(e.to_string()))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_client_auth_cert(certs, key_der)
        .map(|_| ())
        .map_err(|e| {
            TransportError::ClientIdentity(format!(
                "the client certificate and key do not form a usable identity ({e})"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under TLS 1.3 a server that wants a client certificate hangs up
    /// after the handshake: the client's write fails (`Broken pipe`) before
    /// it reads the alert. The error names the likely cause all the same.
    #[test]
    fn a_hang_up_names_the_client_certificate() {
        let err = |kind: std::io::ErrorKind, mtls: bool| {
            let mut client = HttpsClient::new(&TlsOptions::default()).unwrap();
            client.mutual_tls = mtls;
            client
                .map_error(
                    "https://127.0.0.1:1/services/oauth2/token",
                    ureq::Error::Io(std::io::Error::from(kind)),
                )
                .to_string()
        };
        for kind in [
            std::io::ErrorKind::BrokenPipe,
            std::io::ErrorKind::ConnectionReset,
            std::io::ErrorKind::UnexpectedEof,
        ] {
            let text = err(kind, false);
            assert!(
                text.starts_with("TLS failure with https://127.0.0.1:1/services/oauth2/token")
                    && text.contains("asked for a client certificate")
                    && text.contains("--client-cert/--client-key"),
                "{text}"
            );
            let text = err(kind, true);
            assert!(text.contains("rejected the client certificate"), "{text}");
        }
        // A refused connection is still a connection failure.
        let text = err(std::io::ErrorKind::ConnectionRefused, false);
        assert!(text.starts_with("cannot connect"), "{text}");
    }

    /// Found by testing: a 1024-bit RSA client key for mutual TLS was
    /// refused as "failed to parse private key as RSA, ECDSA, or EdDSA".
    #[test]
    fn a_short_rsa_client_key_is_named_as_such() {
        let pem = include_bytes!("../tests/fixtures/rsa1024-key-and-cert.pem");
        let key = PrivateKey::from_key_bytes(pem, None).unwrap();
        let err = validate_identity(&pem_certificates(pem), &key).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("the client key is RSA 1024 bits; TLS needs 2048 bits or more"),
            "{text}"
        );
    }

    /// Found by testing: an expired server certificate, or one for another
    /// host, was explained as a TLS-inspecting proxy's ("pass its CA with
    /// --ca-file"), which would not help.
    #[test]
    fn server_certificate_errors_say_what_is_wrong() {
        use rustls::CertificateError as C;
        let text = |c: C| describe_tls_error(&rustls::Error::InvalidCertificate(c));
        for c in [C::Expired, C::NotValidYet] {
            let t = text(c);
            assert!(t.contains("out of its validity period"), "{t}");
            assert!(!t.contains("--ca-file"), "{t}");
        }
        let t = text(C::NotValidForName);
        assert!(t.contains("not for this host"), "{t}");
        assert!(!t.contains("--ca-file"), "{t}");
        let t = text(C::UnknownIssuer);
        assert!(t.contains("--ca-file"), "{t}");
    }

    #[test]
    fn https_is_required() {
        assert!(require_https("https://login.salesforce.com").is_ok());
        assert!(require_https("HTTPS://login.salesforce.com/x").is_ok());
        for bad in [
            "http://login.salesforce.com",
            "HTTP://login.salesforce.com",
            " http://127.0.0.1:1/",
            "ftp://x/",
        ] {
            assert!(
                require_https(bad).unwrap_err().is_insecure_scheme(),
                "{bad}"
            );
        }
        assert!(matches!(
            require_https("login.salesforce.com"),
            Err(TransportError::InvalidUrl { reason, .. })
                if reason.contains("no scheme") && reason.contains("(https://login.salesforce.com)")
        ));
        assert!(matches!(
            require_https("https://"),
            Err(TransportError::InvalidUrl { .. })
        ));
    }

    /// Found by testing: `--login-url https://user:s3cret@host` was used,
    /// and every message printed the password with the login URL.
    #[test]
    fn a_password_in_a_url_is_refused_and_never_shown() {
        for url in [
            "https://int.orders:s3cretPW@login.salesforce.com",
            "https://int.orders:s3cretPW@127.0.0.1:8443/services/oauth2/token",
            "http://int.orders:s3cretPW@login.salesforce.com",
            "ftp://int.orders:s3cretPW@login.salesforce.com",
        ] {
            let err = require_https(url).unwrap_err();
            let text = err.to_string();
            assert!(!text.contains("s3cretPW"), "{text}");
            assert!(text.contains("***@"), "{text}");
        }
        let err = require_https("https://u:s3cretPW@login.salesforce.com").unwrap_err();
        assert!(
            matches!(&err, TransportError::InvalidUrl { reason, .. } if reason.contains("user name or password")),
            "{err:?}"
        );
        // An @ after the host is no user name.
        assert!(require_https("https://acme.my.salesforce.com/x?u=a@b.com").is_ok());
    }

    #[test]
    fn my_domain_hosts() {
        assert!(is_my_domain_host("acme.my.salesforce.com"));
        assert!(is_my_domain_host("ACME--uat.sandbox.my.salesforce.com."));
        assert!(!is_my_domain_host("login.salesforce.com"));
        assert!(!is_my_domain_host("my.salesforce.com.evil.example"));
        assert!(!is_my_domain_host("acme.my.site.com"));
    }

    #[test]
    fn port_8443_rule() {
        assert_eq!(
            mutual_tls_url("https://acme.my.salesforce.com"),
            "https://acme.my.salesforce.com:8443"
        );
        assert_eq!(
            mutual_tls_url("https://acme.my.salesforce.com/"),
            "https://acme.my.salesforce.com:8443/"
        );
        assert_eq!(
            mutual_tls_url("https://acme--dev.sandbox.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id"),
            "https://acme--dev.sandbox.my.salesforce.com:8443/services/data/v62.0/query?q=SELECT+Id"
        );
        assert_eq!(
            mutual_tls_url("https://acme.my.salesforce.com:9443/x"),
            "https://acme.my.salesforce.com:9443/x"
        );
        assert_eq!(
            mutual_tls_url("https://acme.my.salesforce.com:443/x"),
            "https://acme.my.salesforce.com:443/x"
        );
        assert_eq!(
            mutual_tls_url("https://login.salesforce.com/services/oauth2/token"),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            mutual_tls_url("https://127.0.0.1:1234/x"),
            "https://127.0.0.1:1234/x"
        );
        assert_eq!(mutual_tls_url("not a url"), "not a url");
    }
}
