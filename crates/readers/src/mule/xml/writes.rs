//! The fields a Salesforce create / update / upsert sets (Mule 4
//! `salesforce:create|update|upsert|create-single|upsert-bulk|...`, bulk
//! `create-job` inserting, updating or upserting; Mule 3
//! `sfdc:create|update|upsert|...`): the keys of the objects built by the
//! DataWeave producing its records ([`crate::mule::record_fields`]).
//!
//! The records are the operation's own child's expression when it has one
//! (its element name is UNVERIFIED, `<salesforce:records>` is expected: any
//! child's `#[...]` or text is read, but for the query, headers and
//! parameters children; `#[payload]` is the payload), else the payload.
//! The payload is known only when set, in the same flow, by an
//! `ee:set-payload` (Mule 3 `dw:set-payload`) or a `set-payload` with a
//! `#[...]` value, and nothing between it and the operation may change
//! it: only loggers, variable setters, validators, other transforms'
//! variables and operations whose result goes to a `target` variable are
//! let through; a scope or router (`try`, `choice`) is entered with the
//! payload before it, and after it the payload is not known if anything in
//! it set one. Everything else is said to be not known, with why
//! ([`UnreadPayload`]).

use intguard_model::{PayloadWrites, UnreadPayload, WrittenField};

use super::*;
use crate::mule::record_fields::{
    field_keys, is_custom_field_name, is_standard_field_name, output_object_keys,
};

/// What the payload is, as far as the fields of records are concerned.
#[derive(Debug, Clone)]
pub(super) enum WriteState {
    /// Not known, and why.
    Unread(UnreadPayload),
    /// The DataWeave last set as the payload, with where its pieces lie in
    /// the file (its own copy: a branch's payload is set back after the
    /// branch).
    Script(std::rc::Rc<ScriptPayload>),
    /// The DataWeave file of the app (`resource="dwl/x.dwl"`) set last.
    Resource(String),
}

/// A DataWeave payload, read for the fields of records once, whatever the
/// number of writes it feeds (operations with a `target` leave it).
#[derive(Debug)]
pub(super) struct ScriptPayload {
    text: String,
    /// (offset in `text`, offset in the file) of each piece of text.
    segments: Vec<(usize, usize)>,
    writes: std::cell::OnceCell<PayloadWrites>,
}

impl WriteState {
    pub(super) fn script(text: String, segments: Vec<(usize, usize)>) -> WriteState {
        WriteState::Script(std::rc::Rc::new(ScriptPayload {
            text,
            segments,
            writes: std::cell::OnceCell::new(),
        }))
    }
}

/// What an element does to the payload, for [`WriteState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WriteEffect {
    /// Leaves it (a logger, a variable setter, a transform's parts, an
    /// operation with a `target`, what is inside a Salesforce operation).
    Neutral,
    /// A scope or router entered with the payload before it (`try`,
    /// `choice`): after it the payload is not known if anything in it set
    /// one.
    Scope,
    /// One way through a router or an error handler (`when`, `otherwise`,
    /// `on-error-continue`): the next one starts from the payload before
    /// it.
    Branch,
    /// A message source (`http:listener`): the flow's input.
    Source,
    /// Anything else: it may change the payload.
    Processor,
}

/// A write operation being read: what its payload gave, and its records
/// child when it has one.
pub(super) struct OpenWrite {
    /// The operation's frame index.
    pub(super) depth: usize,
    /// What the payload before it gives.
    pub(super) writes: PayloadWrites,
    /// An upsert's `externalIdFieldName`, set by every record.
    pub(super) external_id: Option<WrittenField>,
    pub(super) records: Option<RecordsChild>,
}

/// The records child of a write operation.
#[derive(Default)]
pub(super) struct RecordsChild {
    pub(super) text: String,
    /// (offset in `text`, offset in the file) of each piece of text.
    pub(super) segments: Vec<(usize, usize)>,
    /// A Mule 3 style `ref="#[...]"` attribute.
    pub(super) reference: Option<String>,
    /// It holds elements (Mule 3 inline object maps): not read.
    pub(super) elements: bool,
}

/// Whether the Salesforce element `local` (with a bulk `operation`)
/// creates, updates or upserts records.
pub(super) fn writes_records(local: &str, bulk_operation: Option<&str>) -> bool {
    match local {
        "create" | "update" | "upsert" | "create-single" | "update-single" | "upsert-single"
        | "create-bulk" | "update-bulk" | "upsert-bulk" => true,
        "create-job" | "create-job-bulk-api-v2" => bulk_operation.is_some_and(|o| {
            matches!(
                o.trim().to_ascii_lowercase().as_str(),
                "insert" | "create" | "update" | "upsert"
            )
        }),
        _ => false,
    }
}

/// Children of a write operation that are not its records.
fn is_records_child(local: &str) -> bool {
    !matches!(
        local,
        "headers"
            | "header"
            | "parameters"
            | "parameter"
            | "salesforce-query"
            | "query"
            | "reconnection"
            | "reconnect"
            | "reconnect-forever"
            | "field-names"
            | "ids"
    )
}

/// `#[payload]` (blanks ignored): the payload itself.
fn is_payload(expression: &str) -> bool {
    let t = expression.trim();
    let inner = t
        .strip_prefix("#[")
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    inner.trim() == "payload"
}

impl<'t> XmlReader<'t> {
    /// Sets what the payload is; anything enclosing sees it changed.
    pub(super) fn set_write_state(&mut self, state: WriteState) {
        self.write_state = state;
        self.write_version = self.write_version.wrapping_add(1);
    }

    /// Before a Salesforce write operation starts (and the payload is
    /// dropped for its result): what the payload gives it, for
    /// [`Self::salesforce_operation_start`].
    #[inline(never)]
    pub(super) fn write_before(&mut self, local: &str, raw_attrs: &[RawAttr<'t>]) {
        let attr = |name: &str| raw_attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name));
        if !writes_records(local, attr("operation").map(|a| &*a.value)) {
            return;
        }
        let state = self.write_state.clone();
        let writes = match state {
            WriteState::Unread(reason) => PayloadWrites {
                unread: Some(reason),
                ..PayloadWrites::default()
            },
            WriteState::Resource(path) => PayloadWrites {
                unread: Some(UnreadPayload::Resource),
                resource: Some(path),
                ..PayloadWrites::default()
            },
            WriteState::Script(script) => match script.writes.get() {
                Some(w) => w.clone(),
                None => {
                    let w = self.script_writes(&script.text, &script.segments);
                    script.writes.get_or_init(|| w).clone()
                }
            },
        };
        let external_id = attr("externalIdFieldName")
            .filter(|a| {
                let name = a.value.trim();
                is_custom_field_name(name) || is_standard_field_name(name)
            })
            .map(|a| (a.value.trim().to_string(), a.offset));
        let external_id = external_id.map(|(field, at)| WrittenField {
            field,
            location: self.loc(at),
        });
        self.pending_write = Some(OpenWrite {
            depth: self.stack.len(),
            writes,
            external_id,
            records: None,
        });
    }

    /// The fields of the records DataWeave `text` builds (its pieces lying
    /// in the file as `segments` says).
    fn script_writes(&mut self, text: &str, segments: &[(usize, usize)]) -> PayloadWrites {
        let Some(keys) = output_object_keys(text) else {
            return PayloadWrites {
                unread: Some(UnreadPayload::Expression),
                ..PayloadWrites::default()
            };
        };
        let fields: Vec<WrittenField> = field_keys(keys)
            .map(|(key, at)| WrittenField {
                field: key.to_string(),
                location: self.loc(file_offset(segments, at)),
            })
            .collect();
        PayloadWrites {
            fields: fields.into(),
            ..PayloadWrites::default()
        }
    }

    /// A child of the write operation being read: its records when it is
    /// a direct child other than the query, headers or parameters.
    pub(super) fn write_child(&mut self, local: &str, raw_attrs: &[RawAttr<'t>]) -> bool {
        let depth = self.stack.len();
        let Some(w) = self.operation.as_mut().and_then(|o| o.write.as_mut()) else {
            return false;
        };
        if depth == w.depth + 1 && is_records_child(local) && w.records.is_none() {
            w.records = Some(RecordsChild {
                reference: raw_attrs
                    .iter()
                    .find(|a| a.name == "ref")
                    .map(|a| a.value.to_string()),
                ..RecordsChild::default()
            });
            return true;
        }
        if depth > w.depth + 1 {
            if let Some(r) = w.records.as_mut() {
                r.elements = true;
            }
        }
        false
    }

    /// Text of the records child at `offset` in the file.
    pub(super) fn records_text(&mut self, s: &str, offset: usize) {
        if let Some(r) = self
            .operation
            .as_mut()
            .and_then(|o| o.write.as_mut())
            .and_then(|w| w.records.as_mut())
        {
            r.segments.push((r.text.len(), offset));
            r.text.push_str(s);
        }
    }

    /// The write operation ends: its records child, when it has one that
    /// is not `#[payload]`, says what it writes instead of the payload.
    pub(super) fn write_end(&mut self, open: OpenWrite) -> PayloadWrites {
        let OpenWrite {
            writes,
            external_id,
            records,
            ..
        } = open;
        let own = records.and_then(|records| {
            let text = records.text.trim();
            if !text.is_empty() {
                (!is_payload(text)).then(|| self.script_writes(&records.text, &records.segments))
            } else if let Some(r) = &records.reference {
                (!is_payload(r)).then(|| PayloadWrites {
                    unread: Some(UnreadPayload::Expression),
                    ..PayloadWrites::default()
                })
            } else if records.elements {
                Some(PayloadWrites {
                    unread: Some(UnreadPayload::Expression),
                    ..PayloadWrites::default()
                })
            } else {
                None
            }
        });
        let mut writes = own.unwrap_or(writes);
        // An upsert's external id field is set by every record.
        writes.external_id = external_id;
        writes
    }

    /// What the element starting does to the payload (after its role was
    /// decided), and the version its end compares with.
    #[inline(always)]
    pub(super) fn track_writes(
        &mut self,
        family: Fam,
        prefix: &str,
        local: &str,
        raw_attrs: &[RawAttr<'t>],
    ) -> (WriteEffect, u32) {
        let effect = if !self.fields_written
            || self.operation.is_some()
            || self.http_request.is_some()
            || !self.capture.is_empty()
        {
            // Inside an operation or a global configuration: its parts.
            WriteEffect::Neutral
        } else {
            self.write_effect(family, prefix, local, raw_attrs)
        };
        (effect, self.write_version)
    }

    #[inline(never)]
    fn write_effect(
        &mut self,
        family: Fam,
        prefix: &str,
        local: &str,
        raw_attrs: &[RawAttr<'t>],
    ) -> WriteEffect {
        if family == Fam::Core && matches!(local, "flow" | "sub-flow") {
            self.write_branches.clear();
            self.set_write_state(WriteState::Unread(UnreadPayload::FlowInput));
            return WriteEffect::Neutral;
        }
        // Set by the payload setter's own handling.
        if local == "set-payload"
            || matches!(prefix, "ee" | "dw")
            || prefix == "validation"
            || raw_attrs.iter().any(|a| a.name == "target")
        {
            return WriteEffect::Neutral;
        }
        if family == Fam::Core {
            match local {
                "logger"
                | "set-variable"
                | "remove-variable"
                | "set-property"
                | "remove-property"
                | "set-session-variable"
                | "remove-session-variable"
                | "copy-properties" => return WriteEffect::Neutral,
                "try" | "choice" | "async" | "until-successful" | "first-successful"
                | "round-robin" | "processor-chain" | "transactional" | "all" => {
                    return WriteEffect::Scope
                }
                "when" | "otherwise" | "route" | "error-handler" => {
                    self.write_branches.push(self.write_state.clone());
                    return WriteEffect::Branch;
                }
                "on-error-continue"
                | "on-error-propagate"
                | "catch-exception-strategy"
                | "rollback-exception-strategy"
                | "choice-exception-strategy" => {
                    self.write_branches.push(self.write_state.clone());
                    // The payload when an error happened: not known.
                    self.set_write_state(WriteState::Unread(UnreadPayload::Processor));
                    return WriteEffect::Branch;
                }
                "flow-ref" => {
                    self.set_write_state(WriteState::Unread(UnreadPayload::FlowRef));
                    return WriteEffect::Processor;
                }
                _ => {}
            }
        }
        if local == "listener" || local.ends_with("-listener") || local == "scheduler" {
            self.set_write_state(WriteState::Unread(UnreadPayload::FlowInput));
            return WriteEffect::Source;
        }
        self.set_write_state(WriteState::Unread(UnreadPayload::Processor));
        WriteEffect::Processor
    }

    /// An element ends: what it did to the payload.
    pub(super) fn end_writes(&mut self, effect: WriteEffect, version: u32) {
        let changed = self.write_version != version;
        match effect {
            WriteEffect::Neutral => {}
            WriteEffect::Branch => {
                let saved = self.write_branches.pop();
                if changed {
                    if let Some(saved) = saved {
                        // The next branch starts from the payload before
                        // this one; the enclosing router sees a change.
                        self.set_write_state(saved);
                    }
                }
            }
            WriteEffect::Source => {
                self.set_write_state(WriteState::Unread(UnreadPayload::FlowInput))
            }
            WriteEffect::Scope | WriteEffect::Processor => {
                if changed {
                    self.set_write_state(WriteState::Unread(UnreadPayload::Processor));
                }
            }
        }
    }
}
