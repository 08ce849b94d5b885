//! What HTTP requests send: the header and query-parameter maps of an
//! `<http:request>`, and the payload a flow sets, followed to the request
//! that sends it (through `flow-ref`s too) for its credential fields.

use super::*;

impl<'t> XmlReader<'t> {
    /// An HTTP element inside an `<http:request>`: a header or query
    /// parameter written as key and value (Mule 4 `<http:header key value>`
    /// children of `<http:headers>`; Mule 3 `<http:header headerName value>`
    /// and `<http:query-param paramName value>` in `<http:request-builder>`),
    /// or the start of a DataWeave map of them. UNVERIFIED against MuleSoft's
    /// documentation: the Mule 4 key/value children form (its docs show the
    /// DataWeave map) and the Mule 3 attribute names (seen in real apps);
    /// both are read tolerantly.
    pub(super) fn request_param(
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
    pub(super) fn param_map_closed(&mut self, map: ParamMap) {
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
        for entry in dataweave_map_entries_named(&map.text, vocab::is_credential_param_name) {
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
    pub(super) fn hand_payload(&mut self, target: Option<&str>, replaced: bool) {
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
    pub(super) fn finish_handoffs(&mut self) {
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
                resource: source.resource,
            });
        }
    }

    /// The payload last set is sent by no request: the flow ends, a new
    /// payload is set, or the request after it sends no body.
    pub(super) fn discard_payload(&mut self) {
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
    pub(super) fn keep_unsent(&mut self, text: &str, source: &PayloadSetter) {
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
    pub(super) fn payload_credentials(&mut self, consume: bool) -> Vec<HttpCredential> {
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
    pub(super) fn body_credentials(
        &mut self,
        text: &str,
        from: &PayloadSetter,
    ) -> Vec<HttpCredential> {
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
}

/// The DataWeave text of an `<http:headers>` / `<http:query-params>` being
/// read, with where each piece of it lies in the file.
pub(super) struct ParamMap {
    pub(super) kind: HttpParamKind,
    pub(super) element: String,
    pub(super) owner: Option<String>,
    /// Stack depth of the element (its frame's index).
    pub(super) depth: usize,
    pub(super) text: String,
    /// (offset in `text`, offset in the file) of each piece of text.
    pub(super) segments: Vec<(usize, usize)>,
}

/// Where a body's or a payload's text comes from: the element, the flow (or
/// config) it is in, and where each piece of the text lies in the file.
#[derive(Clone)]
pub(super) struct PayloadSetter {
    pub(super) element: String,
    pub(super) owner: Option<String>,
    /// (offset in the text, offset in the file) of each piece of text.
    pub(super) segments: Vec<(usize, usize)>,
    /// The whole text is a DataWeave script (`ee:set-payload`), not a value
    /// that is an expression only when written `#[...]`.
    pub(super) script: bool,
    /// The script is in a file of the app (`<ee:set-payload
    /// resource="dwl/login.dwl"/>`), read when the app is assembled.
    pub(super) resource: Option<String>,
}

/// The flow a `flow-ref`'s `name` names: none when it is an expression
/// (`#[vars.next]`), whose flow is not known here.
pub(super) fn flow_name(name: Option<&str>) -> Option<&str> {
    name.map(str::trim)
        .filter(|t| !t.is_empty() && !t.contains("#["))
}

/// A payload a `flow-ref` of the file hands `target`, before its fields are
/// read ([`XmlReader::finish_handoffs`]).
pub(super) struct PendingHandoff {
    pub(super) target: String,
    /// The payload's text.
    pub(super) text: String,
    pub(super) source: PayloadSetter,
}

/// A key/value element's value is a constant: no `${...}` reference and no
/// `#[...]` expression anywhere in it.
pub(super) fn is_constant(value: &Value) -> bool {
    value.is_literal() && !value.raw.contains("#[")
}
