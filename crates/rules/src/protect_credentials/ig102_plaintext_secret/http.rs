//! IG102 for credentials HTTP requests send: who sends each one and the
//! finding with its fix.

use super::*;

/// Where an HTTP credential is sent from: a request config's defaults, or
/// one `<http:request>`; or the payload of a flow that no request sends.
pub(super) enum HttpSender<'a> {
    Config(&'a str),
    Request {
        config_ref: Option<&'a str>,
        flow: Option<&'a str>,
    },
    Unsent {
        flow: Option<&'a str>,
    },
}

impl HttpSender<'_> {
    /// `<http:request-config> `ERP_Request` (default header)`, `<http:request>
    /// in flow `get-stock` (config `ERP_Request`)`.
    pub(super) fn label(&self, credential: &HttpCredential) -> String {
        let kind = credential.kind.label();
        match self {
            HttpSender::Config(name) => {
                format!("<http:request-config> `{name}` sends the default {kind}")
            }
            HttpSender::Request { config_ref, flow } => format!(
                "<http:request>{}{} sends the {kind}",
                flow.map(|f| format!(" in flow `{f}`")).unwrap_or_default(),
                config_ref
                    .map(|c| format!(" (config `{c}`)"))
                    .unwrap_or_default()
            ),
            HttpSender::Unsent { flow } => format!(
                "<{}>{} sets the payload field",
                credential.element,
                flow.map(|f| format!(" in flow `{f}`")).unwrap_or_default(),
            ),
        }
    }

    /// The suggested secure property for the credential.
    pub(super) fn property(&self, credential: &HttpCredential) -> String {
        let sender = match self {
            HttpSender::Config(name) => Some(*name),
            HttpSender::Request { config_ref, flow } => config_ref.or(*flow),
            HttpSender::Unsent { flow } => *flow,
        };
        vocab::http_credential_property(sender, &credential.name)
    }
}

/// Every header, query parameter and body field carrying a credential that
/// the app's HTTP requests send, with who sends it; then the fields of the
/// payloads no request sends.
pub(super) fn http_credentials(app: &MuleApp) -> Vec<(&HttpCredential, HttpSender<'_>)> {
    let mut out: Vec<(&HttpCredential, HttpSender<'_>)> = Vec::new();
    for r in &app.http_requests {
        for c in &r.default_credentials {
            out.push((c, HttpSender::Config(&r.config_name)));
        }
    }
    for op in &app.http_request_operations {
        for c in &op.credentials {
            out.push((
                c,
                HttpSender::Request {
                    config_ref: op.config_ref.as_deref(),
                    flow: op.flow.as_deref().or(c.owner.as_deref()),
                },
            ));
        }
    }
    for c in &app.unsent_payload_credentials {
        out.push((
            c,
            HttpSender::Unsent {
                flow: c.owner.as_deref(),
            },
        ));
    }
    out
}

/// Whether a credential an HTTP request sends is written in clear: a
/// constant, not a template dummy. (Salesforce tokens are left to IG106 by
/// the caller.)
pub(super) fn is_clear_credential(credential: &HttpCredential) -> bool {
    if !credential.constant {
        return false;
    }
    let (scheme, secret) = credential.scheme_and_credential();
    // A scheme without its credential (`Authorization: Bearer`) is a template.
    let scheme_alone = scheme.is_none()
        && ["basic", "bearer", "digest", "negotiate", "token"]
            .iter()
            .any(|s| secret.eq_ignore_ascii_case(s));
    !(scheme_alone
        || vocab::is_placeholder_value(&credential.value.raw)
        || vocab::is_placeholder_value(secret)
        || !is_clear_secret(secret))
}

/// The finding for a credential an HTTP request sends written in clear
/// ([`is_clear_credential`]), to be read from the secure property `prop`.
pub(super) fn http_credential_finding(
    app: &MuleApp,
    credential: &HttpCredential,
    sender: &HttpSender<'_>,
    how: &str,
    prop: &str,
) -> Finding {
    let (scheme, secret) = credential.scheme_and_credential();
    let what = match scheme {
        Some(s) => format!("a {s} credential"),
        None => "a credential".to_string(),
    };
    let basic = scheme.is_some_and(|s| s.eq_ignore_ascii_case("basic"));
    // A body field of the payload set before the request, not of its own
    // <http:body>.
    let payload =
        credential.kind == HttpParamKind::BodyField && credential.element.ends_with("set-payload");
    let message = format!(
        "{}: {} `{}`{} with {what} written in clear in the XML ({}){}",
        app.name,
        sender.label(credential),
        credential.name,
        match sender {
            HttpSender::Unsent { .. } => {
                " (no <http:request> of this flow sends it as its body)".to_string()
            }
            HttpSender::Request {
                flow: Some(flow), ..
            } if payload && credential.owner.as_deref().is_some_and(|o| o != *flow) => format!(
                " (in the payload <{}> in flow `{}` sets before its flow-ref to {})",
                credential.element,
                credential.owner.as_deref().unwrap_or_default(),
                handed_on(&credential.handed_via)
            ),
            _ if payload => format!(
                " (in the payload <{}> sets before the request)",
                credential.element
            ),
            _ => String::new(),
        },
        describe(secret),
        if basic {
            ": Basic is only base64 of user:password, anyone reading the file can decode it"
        } else {
            ""
        }
    );
    let whole = match scheme {
        Some(s) => format!(" (the whole value, `{s}` scheme included)"),
        None => String::new(),
    };
    let (element, name) = (&credential.element, &credential.name);
    let secure_file = format!(
        "add `{}`{whole} to the app's secure properties file ({})",
        app.secure_line(prop),
        app.secure_file_hint()
    );
    let mule3_file = format!(
        "add `{prop}=![<encrypted value>]`{whole} to {}",
        mule3_secure_file(app)
    );
    let replace = match (app.runtime, credential.syntax) {
        (MuleRuntime::Mule3, HttpValueSyntax::Attribute) => {
            format!("Replace value=\"…\" with value=\"${{{prop}}}\" and {mule3_file}")
        }
        (MuleRuntime::Mule4, HttpValueSyntax::Attribute) => format!(
            "Replace value=\"…\" with value=\"${{secure::{prop}}}\" and {secure_file}"
        ),
        (MuleRuntime::Mule3, HttpValueSyntax::DataWeaveField) => format!(
            "In the DataWeave of <{element}>, replace the literal after `{name}`: with \"${{{prop}}}\" (a placeholder, filled in when the app starts) and {mule3_file}"
        ),
        (MuleRuntime::Mule4, HttpValueSyntax::DataWeaveField) => format!(
            "In the DataWeave of <{element}>, replace the literal after `{name}`: with p('secure::{prop}') (the expression form of ${{secure::{prop}}}) and {secure_file}"
        ),
        (MuleRuntime::Mule3, HttpValueSyntax::DataWeaveFormPair) => format!(
            "In the expression of <{element}>, replace the value after `{name}=` in the string with ${{{prop}}} (a placeholder, filled in when the app starts) and {mule3_file}"
        ),
        (MuleRuntime::Mule4, HttpValueSyntax::DataWeaveFormPair) => format!(
            "In the DataWeave of <{element}>, end the string before the value and append the property, \"...{name}=\" ++ p('secure::{prop}'), or better write the body as an object, output application/x-www-form-urlencoded --- {{ ..., {name}: p('secure::{prop}') }}, which also URL-encodes it; {secure_file}"
        ),
        (MuleRuntime::Mule3, HttpValueSyntax::Text) => format!(
            "In <{element}>, replace the value of `{name}` with ${{{prop}}} (a placeholder, filled in when the app starts) and {mule3_file}"
        ),
        (MuleRuntime::Mule4, HttpValueSyntax::Text) => format!(
            "In <{element}>, replace the value of `{name}` with ${{secure::{prop}}} and {secure_file}"
        ),
    };
    let better = match (basic, app.runtime) {
        (false, _) => "",
        (true, MuleRuntime::Mule4) => " Better still, send it with <http:authentication><http:basic-authentication username=\"...\" password=\"${secure::...}\"/></http:authentication> on the request config.",
        (true, MuleRuntime::Mule3) => " Better still, send it with <http:basic-authentication username=\"...\" password=\"${...}\"/> in the <http:request-config>.",
    };
    let fix = format!(
        "{replace}; {how}. Then change the credential: the clear value stays in git history.{better}"
    );
    let owner = match sender {
        HttpSender::Config(name) => (*name).to_string(),
        HttpSender::Request { config_ref, flow } => {
            format!(
                "{}>{}",
                flow.unwrap_or_default(),
                config_ref.unwrap_or_default()
            )
        }
        HttpSender::Unsent { flow } => format!("{}>payload", flow.unwrap_or_default()),
    };
    finding(&credential.value.location, message)
        .key(format!(
            "http|{owner}|{}|{}|{}",
            credential.kind.label(),
            credential.name.to_ascii_lowercase(),
            secret_digest(secret)
        ))
        .fix(fix)
}

/// Where a flow-ref's payload went: straight to the request's flow, or
/// through the flows that handed it on.
pub(super) fn handed_on(via: &[String]) -> String {
    match via {
        [] => "this flow".to_string(),
        [first] => format!("`{first}`, which hands it on to this flow"),
        [first, rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "`{first}`, which hands it on through {} to this flow",
                crate::support::and_list(&rest)
            )
        }
    }
}
