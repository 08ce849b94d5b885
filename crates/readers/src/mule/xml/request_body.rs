//! What an `<http:request>` sends as its body: the HTTP connector's
//! `sendBodyMode` (the request's own, else its config's) with its method,
//! whether its own `<http:body>` uses the payload, and which request sends
//! the payload a `flow-ref` hands a flow. The reader records what each
//! request says; these settle it once an app's configs and flows are all
//! read.

use intguard_model::{HttpCredential, HttpRequestOperation, SendsBody};

/// The payload a `flow-ref` hands the flow it calls: its credential-named
/// fields, and its text when IG101 may read a login in it.
#[derive(Debug, Default)]
pub(crate) struct PayloadHandoff {
    pub target: String,
    pub credentials: Vec<HttpCredential>,
    pub payload: Option<String>,
    /// The payload's script is a file of the app (`<ee:set-payload
    /// resource="dwl/login.dwl"/>`): the receiving request's
    /// [`HttpRequestOperation::payload_resource`], read when the app is
    /// assembled.
    pub resource: Option<String>,
}

/// A flow whose `flow-ref` to `to` comes before anything in it sets the
/// payload: `to` receives the payload `from` was handed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PayloadForward {
    pub from: String,
    pub to: String,
}

/// How many flows a payload is followed through (`a` refs `b` refs `c` ...):
/// deeper chains, and loops, end as unsent.
const MAX_HANDOFF_HOPS: usize = 8;

/// Whether an `<http:request>` with these `method` and `sendBodyMode`
/// attributes sends a body. The HTTP connector's modes: ALWAYS and NEVER say
/// so; AUTO sends none for GET (the default method), HEAD and OPTIONS. A
/// request without a mode of its own takes its config's
/// ([`SendsBody::ByConfig`], settled by [`settle_body_mode`]). A method or
/// mode given by an expression or a property may send one.
pub(super) fn sends_a_body(method: Option<&str>, mode: Option<&str>) -> SendsBody {
    let method = method.map(str::trim).unwrap_or("GET");
    let auto = !["GET", "HEAD", "OPTIONS"]
        .iter()
        .any(|m| method.eq_ignore_ascii_case(m));
    match mode {
        None => SendsBody::ByConfig { auto },
        Some(mode) => match body_mode(mode) {
            Some(BodyMode::Always) | None => SendsBody::Yes,
            Some(BodyMode::Never) => SendsBody::No,
            Some(BodyMode::Auto) if auto => SendsBody::Yes,
            Some(BodyMode::Auto) => SendsBody::No,
        },
    }
}

/// The HTTP connector's `sendBodyMode` values.
enum BodyMode {
    Auto,
    Always,
    Never,
}

/// A `sendBodyMode` value; `None` for an expression or a property, whose
/// value is not known here.
fn body_mode(raw: &str) -> Option<BodyMode> {
    let raw = raw.trim();
    [
        ("AUTO", BodyMode::Auto),
        ("ALWAYS", BodyMode::Always),
        ("NEVER", BodyMode::Never),
    ]
    .into_iter()
    .find_map(|(name, mode)| raw.eq_ignore_ascii_case(name).then_some(mode))
}

/// Settles whether each request of an app that sets no `sendBodyMode` of
/// its own sends a body, from its config's mode (the connector's
/// `@ConfigOverride`: the request's mode defaults to its config's, AUTO when
/// neither says); the payload of one that sends none is dropped.
pub(crate) fn settle_body_mode(
    requests: &mut [HttpRequestOperation],
    configs: &[intguard_model::HttpRequester],
    unsent: &mut impl Extend<HttpCredential>,
) {
    let configs = intguard_model::RequestConfigs::new(configs);
    for op in requests {
        let SendsBody::ByConfig { auto } = op.sends_body else {
            continue;
        };
        let config_mode = configs.of(op).and_then(|c| c.send_body_mode.as_ref());
        let sends = match config_mode.map(|m| body_mode(&m.raw)) {
            None | Some(Some(BodyMode::Auto)) => auto,
            Some(Some(BodyMode::Always)) | Some(None) => true,
            Some(Some(BodyMode::Never)) => false,
        };
        if sends {
            op.sends_body = SendsBody::Yes;
        } else {
            op.sends_body = SendsBody::No;
            unsent.extend(op.drop_payload().into_iter().filter(|c| c.constant));
        }
    }
}

/// Gives each payload a `flow-ref` hands a flow to the request that sends
/// it there (the flow's first request, before anything sets the payload,
/// sending a body), following flows that hand it on with a `flow-ref` of
/// their own first ([`PayloadForward`]); the constant fields of one that no
/// request sends are kept as unsent. Runs after [`settle_body_mode`].
pub(crate) fn follow_flow_refs(
    requests: &mut [HttpRequestOperation],
    handoffs: Vec<PayloadHandoff>,
    forwards: &[PayloadForward],
    unsent: &mut impl Extend<HttpCredential>,
) {
    for h in handoffs {
        let mut target = h.target.as_str();
        let mut via: Vec<String> = Vec::new();
        let receiver = loop {
            let found = requests.iter().position(|op| {
                op.sends_caller_payload
                    && op.sends_body == SendsBody::Yes
                    && op.flow.as_deref() == Some(target)
            });
            if found.is_some() || via.len() >= MAX_HANDOFF_HOPS {
                break found;
            }
            match forwards.iter().find(|f| f.from == target) {
                Some(f) if f.to != h.target && !via.contains(&f.to) => {
                    via.push(target.to_string());
                    target = &f.to;
                }
                _ => break None,
            }
        };
        match receiver {
            Some(i) => {
                let op = &mut requests[i];
                op.payload_fields += h.credentials.len();
                let credentials = h.credentials.into_iter().map(|mut c| {
                    c.handed_via = via.clone();
                    c
                });
                op.credentials.splice(0..0, credentials);
                if op.payload.is_none() && op.payload_resource.is_none() {
                    op.payload = h.payload;
                    op.payload_resource = h.resource;
                }
            }
            None => unsent.extend(h.credentials.into_iter().filter(|c| c.constant)),
        }
    }
}

/// Whether an `<http:body>` (its text) sends the message payload: it is
/// empty (the default body is `#[payload]`) or its expression names
/// `payload` (`#[payload]`, `payload ++ {...}`, `payload.form`).
pub(super) fn sends_the_payload(body: &str) -> bool {
    let bytes = body.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    body.trim().is_empty()
        || memchr::memmem::find_iter(bytes, b"payload").any(|i| {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + "payload".len()).copied();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{HttpParamKind, HttpValueSyntax, Location, Value};

    #[test]
    fn methods_that_send_a_body() {
        use SendsBody::{ByConfig, No, Yes};
        assert_eq!(sends_a_body(None, None), ByConfig { auto: false });
        for m in ["GET", "get", "HEAD", " OPTIONS "] {
            assert_eq!(sends_a_body(Some(m), None), ByConfig { auto: false }, "{m}");
            assert_eq!(sends_a_body(Some(m), Some("AUTO")), No, "{m}");
            assert_eq!(sends_a_body(Some(m), Some("always")), Yes, "{m}");
            assert_eq!(sends_a_body(Some(m), Some("${http.mode}")), Yes, "{m}");
        }
        for m in [
            "POST",
            "put",
            "PATCH",
            "DELETE",
            "#[vars.method]",
            "${api.method}",
        ] {
            assert_eq!(sends_a_body(Some(m), None), ByConfig { auto: true }, "{m}");
            assert_eq!(sends_a_body(Some(m), Some("AUTO")), Yes, "{m}");
            assert_eq!(sends_a_body(Some(m), Some("NEVER")), No, "{m}");
        }
    }

    /// A request without a mode of its own takes its config's: AUTO (the
    /// default) by its method, ALWAYS and NEVER whatever it is, a property
    /// as "may send"; one that sends nothing loses its payload fields.
    #[test]
    fn body_mode_is_settled_by_the_config() {
        let at = Location::new("a/src/main/mule/f.xml", 1, 1);
        let config = |name: &str, mode: Option<&str>| intguard_model::HttpRequester {
            config_name: name.into(),
            location: at.clone(),
            send_body_mode: mode.map(|m| Value::new(m, at.clone())),
            ..Default::default()
        };
        let configs = [
            config("always", Some("ALWAYS")),
            config("never", Some("never")),
            config("auto", Some("AUTO")),
            config("unset", None),
            config("property", Some("${http.sendBodyMode}")),
        ];
        let field = |name: &str| HttpCredential {
            kind: HttpParamKind::BodyField,
            name: name.into(),
            value: Value::new("s3cr3t", at.clone()),
            constant: true,
            syntax: HttpValueSyntax::DataWeaveField,
            element: "ee:set-payload".into(),
            owner: None,
            handed_via: Vec::new(),
        };
        let request = |config: Option<&str>, sends_body: SendsBody| HttpRequestOperation {
            location: at.clone(),
            config_ref: config.map(str::to_string),
            url: None,
            path: None,
            children_text: String::new(),
            payload: Some("{ password: 's3cr3t' }".into()),
            payload_resource: None,
            credentials: vec![field("password"), field("client_secret")],
            payload_fields: 1,
            flow: None,
            sends_caller_payload: false,
            sends_body,
            query_params: Vec::new(),
        };
        let get = SendsBody::ByConfig { auto: false };
        let post = SendsBody::ByConfig { auto: true };
        let cases = [
            (Some("always"), get, true),
            (Some("never"), post, false),
            (Some("auto"), get, false),
            (Some("auto"), post, true),
            (Some("unset"), get, false),
            (Some("unset"), post, true),
            (Some("property"), get, true),
            (Some("missing"), get, false),
            (None, post, true),
            (Some("never"), SendsBody::Yes, true),
            (Some("always"), SendsBody::No, false),
        ];
        let mut ops: Vec<_> = cases.iter().map(|(c, m, _)| request(*c, *m)).collect();
        // `No` was decided by the request itself: the reader already dropped
        // its payload.
        ops[10].drop_payload();
        let mut unsent = Vec::new();
        settle_body_mode(&mut ops, &configs, &mut unsent);
        // The payload field of each of the four the config keeps from
        // sending a body (`[10]` gave its own up when it was read).
        assert_eq!(unsent.len(), 4, "{unsent:?}");
        assert!(unsent.iter().all(|c| c.name == "password"));
        for ((config, mode, sends), op) in cases.iter().zip(&ops) {
            let want = if *sends {
                SendsBody::Yes
            } else {
                SendsBody::No
            };
            assert_eq!(op.sends_body, want, "{config:?} {mode:?}");
            let names: Vec<&str> = op.credentials.iter().map(|c| c.name.as_str()).collect();
            if *sends {
                assert_eq!(names, ["password", "client_secret"], "{config:?} {mode:?}");
                assert!(op.payload.is_some());
            } else {
                assert_eq!(names, ["client_secret"], "{config:?} {mode:?}");
                assert!(op.payload.is_none() && op.payload_fields == 0);
            }
        }
    }

    #[test]
    fn bodies_that_send_the_payload() {
        for sends in [
            "",
            "  \n ",
            "#[payload]",
            "#[payload ++ { a: 1 }]",
            "#[output json --- payload.form]",
            "#[(payload)]",
        ] {
            assert!(sends_the_payload(sends), "{sends:?}");
        }
        for own in [
            "#[{ api_key: p('k') }]",
            "#[vars.payloadCopy]",
            "#[payloads]",
            "#[my_payload]",
        ] {
            assert!(!sends_the_payload(own), "{own:?}");
        }
    }
}
