//! A start tag (or an empty element): its attributes and namespaces, the
//! secret and URL attributes any element may hold, what it does to the
//! payload a flow carries, and the role it plays (a global configuration to
//! capture, an HTTP request, a payload setter, a Salesforce operation, or a
//! plain element).

use super::*;

/// The start tag being handled.
struct Tag<'t> {
    /// The byte offset of its `<`.
    lt: usize,
    /// Its qualified name as written (`salesforce:sfdc-config`).
    qname: &'t str,
    local: &'t str,
    family: Fam,
    /// Its own `name` attribute (for Spring beans and SFTP, what names it).
    own_name: Option<Cow<'t, str>>,
    /// The `name` of the element or of its nearest named ancestor, worked
    /// out when an attribute first needs it.
    owner: Option<Option<String>>,
    /// A variable (or Mule 3 message property) named like a secret: its
    /// `value` attribute holds one (`<set-variable variableName="apiPassword"
    /// value="..."/>`).
    secret_variable: bool,
}

// The steps of `start` run for every element of every file: the five that
// always run are inlined into it, as when they were one function (called,
// they cost 0.6% more instructions; inlining the rare roles too costs more).
impl<'t> XmlReader<'t> {
    /// Handles a start tag. Returns false when this is the root and it is
    /// not a Mule configuration (the caller stops).
    pub(super) fn start(&mut self, e: &BytesStart<'_>, before: usize, is_root: bool) -> bool {
        let Some((lt, qname, raw_attrs)) = self.tag_attributes(e, before) else {
            return !is_root;
        };
        let ns_bindings = self.bind_namespaces(&raw_attrs);
        let (prefix, local) = match memchr::memchr(b':', qname.as_bytes()) {
            Some(i) => (&qname[..i], &qname[i + 1..]),
            None => ("", qname),
        };
        let family = self.family_of_prefix(prefix);
        if is_root && !self.is_configuration_root(qname, prefix, local, family, lt) {
            self.attr_buf = raw_attrs;
            return false;
        }

        let mut own_name: Option<Cow<'t, str>> = raw_attrs
            .iter()
            .find(|a| a.name == "name")
            .map(|a| a.value.clone());
        // Spring beans and the SFTP connector: rare, read apart.
        if matches!(family, Fam::SpringBeans | Fam::Sftp) {
            own_name = self.spring_or_sftp(family, local, qname, own_name, &raw_attrs, lt);
        }
        // A variable is named by its `variableName` (Mule 3's message
        // properties by `propertyName`): what its value's finding names.
        let mut secret_variable = false;
        // `set-variable`, `set-session-variable`, `set-property`: one test
        // of the name first, as this runs for every element.
        let sets = local.starts_with("set-");
        if sets && family == Fam::Core {
            if let Some(name) = secret_variable_name(local, &raw_attrs) {
                own_name = Some(name);
                secret_variable = true;
            }
        } else if sets && family == Fam::Other && local == "set-variable" {
            // `ee:set-variable` (Mule 3 `dw:set-variable`): its value is
            // its script, read when its text comes.
            if let Some(name) = secret_variable_name(local, &raw_attrs) {
                self.secret_script_variable = Some((name.into_owned(), self.stack.len()));
            }
        }
        let mut tag = Tag {
            lt,
            qname,
            local,
            family,
            own_name,
            owner: None,
            secret_variable,
        };
        self.secret_and_url_attributes(&mut tag, &raw_attrs);
        // A Salesforce create / update / upsert: what the payload set
        // before it gives, read before the payload is dropped for its
        // result.
        if self.fields_written
            && is_salesforce_family(family)
            && self.operation.is_none()
            && self.http_request.is_none()
            && self.capture.is_empty()
            && !is_capture_root(family, local)
            && is_operation(family, local)
        {
            self.write_before(local, &raw_attrs);
        }
        self.track_payload(&tag, &raw_attrs);
        let (write_effect, write_version) = self.track_writes(family, prefix, local, &raw_attrs);
        let role = self.role(&mut tag, &raw_attrs);
        // Taken by the operation's start, if it started.
        self.pending_write = None;
        self.attr_buf = raw_attrs;
        self.stack.push(Frame {
            name: tag.own_name,
            ns_bindings,
            role,
            write_effect,
            write_version,
        });
        true
    }

    /// The tag's `<`, its qualified name and its attributes (parsed into
    /// the reused `attr_buf`, which the caller gives back), with a
    /// diagnostic for the file's first tag that is not well-formed. `None`
    /// when the name is not a slice of the text.
    #[inline(always)]
    fn tag_attributes(
        &mut self,
        e: &BytesStart<'_>,
        before: usize,
    ) -> Option<(usize, &'t str, Vec<RawAttr<'t>>)> {
        let text: &'t str = self.text;
        let bytes = text.as_bytes();
        let lt = crate::position::tag_start(bytes, before);
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
        let qname = text.get(content_offset.min(qname_end)..qname_end)?;
        let attrs_end = (content_offset + content.len()).min(text.len());
        let mut raw_attrs = std::mem::take(&mut self.attr_buf);
        let problem = match text.get(qname_end..attrs_end) {
            Some(s) => parse_attrs(s, qname_end, self.has_cr, &mut raw_attrs),
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
        Some((lt, qname, raw_attrs))
    }

    /// Binds the tag's namespace declarations; returns how many, for the
    /// end tag to unbind.
    #[inline(always)]
    fn bind_namespaces(&mut self, raw_attrs: &[RawAttr<'t>]) -> usize {
        let mut ns_bindings = 0;
        for a in raw_attrs {
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
        ns_bindings
    }

    /// Whether the root element makes this a file to read: `<mule>` in
    /// Mule's core namespace, or Spring `<beans>`. A root that is no XML
    /// name is a syntax error where Mule configuration is expected.
    fn is_configuration_root(
        &mut self,
        qname: &str,
        prefix: &str,
        local: &str,
        family: Fam,
        lt: usize,
    ) -> bool {
        if !is_xml_name(qname) {
            if self.expect_mule {
                let (line, column) = self.lines.locate(lt);
                self.facts.diagnostics.push(
                    Diagnostic::error(
                        "xml-syntax",
                        &self.path,
                        format!("not well-formed: `{qname}` is not an element name"),
                    )
                    .at(line, column),
                );
            }
            return false;
        }
        let binding = self.ns.iter().rev().find(|(p, _, _)| *p == prefix);
        let core = binding.is_none_or(|(_, _, core)| *core);
        if local == "beans" && family == Fam::SpringBeans {
            self.facts.spring_beans = true;
        } else if local == "mule-domain" && family == Fam::Domain {
            // A domain project's shared resources (`<domain:mule-domain>`):
            // global configurations like an app's, which every app of the
            // domain uses.
            self.facts.is_mule = true;
        } else if local != "mule" || !core {
            self.facts.is_mule = false;
            return false;
        } else {
            self.facts.is_mule = true;
        }
        true
    }

    /// The `name` of the tag or of its nearest named ancestor.
    fn tag_owner(&self, tag: &mut Tag<'t>) -> Option<String> {
        tag.owner
            .get_or_insert_with(|| self.owner(tag.own_name.as_deref()))
            .clone()
    }

    /// [`Self::tag_owner`] for its last use in the tag (its role): taken,
    /// not copied.
    fn take_tag_owner(&self, tag: &mut Tag<'t>) -> Option<String> {
        tag.owner
            .take()
            .unwrap_or_else(|| self.owner(tag.own_name.as_deref()))
    }

    /// Secret and URL attributes, wherever they are.
    #[inline(always)]
    fn secret_and_url_attributes(&mut self, tag: &mut Tag<'t>, raw_attrs: &[RawAttr<'t>]) {
        for a in raw_attrs {
            if a.name.starts_with("xmlns")
                || a.name.starts_with("doc:")
                || a.name.ends_with(":schemaLocation")
            {
                continue;
            }
            let secret = (!is_common_plain_attribute(a.name) && vocab::is_secret_name(a.name))
                || (tag.secret_variable && a.name == "value");
            let url = is_url_attribute(a.name, &a.value);
            if secret || url {
                let o = self.tag_owner(tag);
                let attr = self.attribute(tag.qname, &o, a);
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
    }

    /// A new flow starts with no known payload; after a `flow-ref` or a
    /// Salesforce operation the payload is what it returns: a request after
    /// it does not send the payload set before it. Unless the result goes to
    /// a variable (Mule 4 `target="..."`): the payload stays.
    #[inline(always)]
    fn track_payload(&mut self, tag: &Tag<'t>, raw_attrs: &[RawAttr<'t>]) {
        let (family, local) = (tag.family, tag.local);
        let to_variable = raw_attrs.iter().any(|a| a.name == "target");
        let is_flow = family == Fam::Core && matches!(local, "flow" | "sub-flow");
        let is_flow_ref = family == Fam::Core && local == "flow-ref";
        let is_salesforce_operation = is_salesforce_family(family)
            && self.operation.is_none()
            && self.http_request.is_none()
            && is_operation(family, local);
        if is_flow {
            if let Some(name) = tag.own_name.as_deref() {
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
    }

    /// The role the element plays, with what that role reads of it.
    #[inline(always)]
    fn role(&mut self, tag: &mut Tag<'t>, raw_attrs: &[RawAttr<'t>]) -> Role {
        let (family, local) = (tag.family, tag.local);
        let capturing = !self.capture.is_empty() || is_capture_root(family, local);
        if capturing && self.capture.len() >= MAX_CAPTURE_DEPTH {
            self.too_deep(tag);
            Role::Plain
        } else if capturing {
            self.capture_node(tag, raw_attrs);
            Role::Capture
        } else if self.http_request.is_some() {
            if family == Fam::Http
                && matches!(
                    local,
                    "headers" | "query-params" | "header" | "query-param" | "body"
                )
            {
                let o = self.tag_owner(tag);
                self.request_param(local, tag.qname, &o, raw_attrs);
            }
            Role::HttpRequestChild
        } else if family == Fam::Http && local == "request" {
            self.http_request_start(tag, raw_attrs);
            Role::HttpRequest
        } else if local == "set-payload" && self.operation.is_none() {
            self.set_payload(tag, raw_attrs)
        } else if let Some(op) = self.operation.as_mut() {
            // `search-string`: where Mule 4's `<salesforce:search>` is
            // expected to take its SOSL (the reference names the operation,
            // not its parameter: read tolerantly).
            if matches!(local, "salesforce-query" | "query" | "search-string") {
                op.saw_query_child = true;
                Role::OperationQuery
            } else if op.write.is_some() && self.write_child(local, raw_attrs) {
                Role::OperationRecords
            } else {
                Role::Plain
            }
        } else if is_salesforce_family(family) && is_operation(family, local) {
            self.salesforce_operation_start(tag, raw_attrs);
            Role::Operation
        } else {
            if matches!(
                (family, local),
                (Fam::Core, "global-property")
                    | (Fam::Core, "configuration-properties")
                    | (Fam::Core, "import")
                    | (Fam::Context, "property-placeholder")
                    | (
                        Fam::Http,
                        "inbound-endpoint"
                            | "outbound-endpoint"
                            | "endpoint"
                            | "connector"
                            | "polling-connector"
                    )
                    | (Fam::Https, "endpoint")
                    | (
                        Fam::Core,
                        "inbound-endpoint" | "outbound-endpoint" | "endpoint"
                    )
            ) || (matches!(
                (family, local),
                (Fam::Https, "inbound-endpoint" | "outbound-endpoint")
            ) && raw_attrs.iter().any(|a| a.name == "ref"))
            {
                let o = self.tag_owner(tag);
                let attrs: Vec<XmlAttribute> = raw_attrs
                    .iter()
                    .map(|a| self.attribute(tag.qname, &o, a))
                    .collect();
                let location = self.loc(tag.lt);
                self.plain_element(family, local, tag.qname, &attrs, location);
            }
            Role::Plain
        }
    }

    /// A global configuration nested deeper than is read: said once per file.
    fn too_deep(&mut self, tag: &Tag<'t>) {
        if self.too_deep_reported {
            return;
        }
        self.too_deep_reported = true;
        let (line, column) = self.lines.locate(tag.lt);
        let qname = tag.qname;
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

    /// An element of a global configuration, kept whole with its attributes
    /// until the configuration ends.
    fn capture_node(&mut self, tag: &mut Tag<'t>, raw_attrs: &[RawAttr<'t>]) {
        let o = self.tag_owner(tag);
        let qname = tag.qname;
        let attrs = raw_attrs
            .iter()
            .filter(|a| {
                !(a.name == "xmlns"
                    || a.name.starts_with("xmlns:")
                    || a.name.ends_with(":schemaLocation"))
            })
            .map(|a| self.attribute(qname, &o, a))
            .collect();
        let location = self.loc(tag.lt);
        self.capture.push(Node {
            qname: qname.to_string(),
            family: tag.family,
            local: tag.local.to_string(),
            location,
            attrs,
            children: Vec::new(),
        });
    }

    /// An `<http:request>` in a flow: where it goes, and the payload it
    /// sends.
    fn http_request_start(&mut self, tag: &mut Tag<'t>, raw_attrs: &[RawAttr<'t>]) {
        let o = self.take_tag_owner(tag);
        let qname = tag.qname;
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
        let location = self.loc(tag.lt);
        // The request sends the payload set before it as its body, unless
        // its method or its config's mode sends none (settled when the app
        // is assembled).
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
    }

    /// `set-payload` with a `value` (the payload is that value), or
    /// `ee:set-payload` / Mule 3 `dw:set-payload` (a DataWeave script: its
    /// text, read as the element's text).
    fn set_payload(&mut self, tag: &mut Tag<'t>, raw_attrs: &[RawAttr<'t>]) -> Role {
        let o = self.take_tag_owner(tag);
        self.discard_payload();
        self.caller_payload = false;
        match raw_attrs.iter().find(|a| a.name == "value") {
            Some(v) => {
                self.payload = Some(v.value.to_string());
                let segments = attr_segments(self.text, v.value_span);
                // Records built by a `#[...]` expression are read (when
                // written fields are); a literal value is none.
                self.set_write_state(
                    if self.fields_written && v.value.trim_start().starts_with("#[") {
                        WriteState::script(v.value.to_string(), segments.clone())
                    } else {
                        WriteState::Unread(intguard_model::UnreadPayload::Expression)
                    },
                );
                self.payload_source = Some(PayloadSetter {
                    element: tag.qname.to_string(),
                    owner: o,
                    segments,
                    script: false,
                    resource: None,
                });
                Role::Plain
            }
            None => {
                self.payload = Some(String::new());
                let resource = raw_attrs
                    .iter()
                    .find(|a| a.name == "resource")
                    .map(|a| a.value.trim().to_string())
                    .filter(|r| !r.is_empty() && !r.contains("${") && !r.contains("#["));
                self.payload_setter = Some(PayloadSetter {
                    element: tag.qname.to_string(),
                    owner: o,
                    segments: Vec::new(),
                    script: true,
                    resource,
                });
                Role::SetPayload
            }
        }
    }

    /// A Salesforce operation: its config, object type and query, completed
    /// by its children until it ends.
    fn salesforce_operation_start(&mut self, tag: &Tag<'t>, raw_attrs: &[RawAttr<'t>]) {
        // The first attribute named (in any case) for each of what is read,
        // found in one pass over the attributes.
        let (mut config_ref, mut object_type, mut bulk_operation, mut query_attr) =
            (None, None, None, None);
        for a in raw_attrs {
            let slot = match operation_attribute(a.name) {
                Some(OperationAttribute::ConfigRef) => &mut config_ref,
                Some(OperationAttribute::ObjectType) => &mut object_type,
                Some(OperationAttribute::BulkOperation) => &mut bulk_operation,
                Some(OperationAttribute::Query) => &mut query_attr,
                None => continue,
            };
            if slot.is_none() {
                *slot = Some(a.value.to_string());
            }
        }
        let op = OpenOperation {
            op: SalesforceOperation {
                element: tag.qname.to_string(),
                config_ref,
                object_type,
                soql: None,
                bulk_operation,
                location: self.loc(tag.lt),
                writes: None,
            },
            query_attr,
            query_text: String::new(),
            saw_query_child: false,
            write: self.pending_write.take(),
        };
        self.operation = Some(op);
    }
}

/// The name of a variable set to a secret: `<set-variable variableName="apiPassword"
/// value="..."/>` (Mule 4 and 3), Mule 3 `<set-session-variable>` and
/// `<set-property propertyName="Authorization" value="..."/>` (an outbound
/// property, sent as a header; UNVERIFIED against MuleSoft's Mule 3
/// reference, read tolerantly). `None` when the name says no secret.
fn secret_variable_name<'t>(local: &str, raw_attrs: &[RawAttr<'t>]) -> Option<Cow<'t, str>> {
    let (name_attribute, header) = match local {
        "set-variable" | "set-session-variable" => ("variableName", false),
        "set-property" => ("propertyName", true),
        _ => return None,
    };
    // Set by an expression (`#[payload.access_token]`, as most are): no
    // secret written, whatever the name.
    if raw_attrs
        .iter()
        .find(|a| a.name == "value")
        .is_some_and(|v| v.value.trim_start().starts_with("#["))
    {
        return None;
    }
    let name = &raw_attrs.iter().find(|a| a.name == name_attribute)?.value;
    // An outbound property is sent as a header: `Authorization` too.
    let secret = vocab::is_secret_name(name) || (header && vocab::is_credential_param_name(name));
    secret.then(|| name.clone())
}

/// What a Salesforce operation's attribute gives it.
enum OperationAttribute {
    ConfigRef,
    ObjectType,
    /// A bulk job's operation.
    BulkOperation,
    Query,
}

/// The attribute's part of a Salesforce operation, by its name in any case:
/// told by its length first, as most attributes of an operation are none.
fn operation_attribute(name: &str) -> Option<OperationAttribute> {
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    match name.len() {
        10 if is("config-ref") => Some(OperationAttribute::ConfigRef),
        // `publish-platform-event-message` names the event object it
        // inserts a record of in `platformEventName`.
        4 if is("type") => Some(OperationAttribute::ObjectType),
        10 if is("objectType") => Some(OperationAttribute::ObjectType),
        11 if is("sObjectType") => Some(OperationAttribute::ObjectType),
        17 if is("platformEventName") => Some(OperationAttribute::ObjectType),
        9 if is("operation") => Some(OperationAttribute::BulkOperation),
        // Mule 3's `<sfdc:search query="FIND ...">`; `searchString` for a
        // Mule 4 search written with the parameter as an attribute
        // (UNVERIFIED name, read tolerantly).
        5 if is("query") => Some(OperationAttribute::Query),
        12 if is("searchString") => Some(OperationAttribute::Query),
        _ => None,
    }
}

/// The connectors whose operations call Salesforce as their connection's
/// user: the Salesforce connector (Mule 4, Mule 3) and the Composite one.
fn is_salesforce_family(family: Fam) -> bool {
    matches!(
        family,
        Fam::Salesforce | Fam::Sfdc | Fam::SalesforceComposite
    )
}
