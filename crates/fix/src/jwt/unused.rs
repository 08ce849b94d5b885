//! The password settings the switched connections no longer read, told once every
//! switch is planned.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use intguard_model::expr::placeholders;
use intguard_model::MuleApp;

use crate::secrets::in_test_sources;
use crate::secrets::workspace::Workspace;

use super::index::{AppIndex, AppReads};
use super::JwtPlan;

/// A switched connection's password settings, to tell once every switch is planned.
pub(super) struct Pending<'a> {
    pub(super) app: &'a MuleApp,
    pub(super) config_name: String,
    pub(super) path: String,
    /// The start tag rewritten.
    pub(super) start_tag: Range<usize>,
    /// The secret attributes dropped and their values (entities decoded).
    pub(super) secrets: Vec<(&'static str, String)>,
}

/// A password setting no longer read once the switches are made.
pub(super) enum Unused {
    /// A value written in the element itself.
    Literal(String),
    /// A property the `attr` of `configs` read, defined at `place`.
    Setting {
        name: String,
        attr: &'static str,
        configs: Vec<String>,
        place: String,
    },
}

/// `text` without the `ranges` (sorted or not) of it.
fn without(text: &str, ranges: &[Range<usize>]) -> String {
    let mut ranges = ranges.to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        if r.start >= at && r.end <= text.len() {
            out.push_str(&text[at..r.start]);
            at = r.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// What `app` reads once the switches are made: its XML as it will be (the
/// start tags `rewritten` read nothing) and its property definitions.
pub(super) fn reads_after(
    ws: &mut Workspace,
    app: &MuleApp,
    rewritten: &BTreeMap<&str, Vec<Range<usize>>>,
) -> AppReads {
    let mut xml_texts: Vec<String> = Vec::new();
    for x in app.xml_files.iter().filter(|x| !in_test_sources(x)) {
        if let Some(t) = ws.text(x).ok().flatten() {
            let gone = rewritten.get(x.as_str()).map_or(&[][..], |r| r.as_slice());
            xml_texts.push(without(&t, gone));
        }
    }
    AppReads::new(app, xml_texts.iter().map(String::as_str))
}

/// Where each setting is in the list of unused ones, by name, attribute and
/// place, with the configurations it names.
pub(super) type Settings = HashMap<(String, &'static str, String), (usize, HashSet<String>)>;

/// The property definitions the dropped secret attributes read, now read by
/// nothing in the app (`reads`, from [`reads_after`]): to delete after the
/// switch, and to rotate. `settings` finds those listed already.
pub(super) fn report_unused(
    out: &mut JwtPlan,
    unused: &mut Vec<Unused>,
    settings: &mut Settings,
    p: &Pending<'_>,
    index: &AppIndex<'_>,
    reads: &AppReads,
) {
    let app = p.app;
    let config_name = &p.config_name;
    let path = &p.path;
    for (attr, raw) in &p.secrets {
        let refs = placeholders(raw);
        if refs.is_empty() {
            if !raw.trim().is_empty() {
                unused.push(Unused::Literal(format!(
                    "the {attr} written in `{config_name}` itself ({path}): removed with the attribute, but still in the git history"
                )));
            }
            continue;
        }
        for r in refs {
            let name = &r.name;
            let files: Vec<String> = index
                .files_defining(name)
                .map(|(f, _)| f.path.to_string())
                .collect();
            // Read elsewhere: another element of an XML file, another property's value.
            let elsewhere = reads.reads(name);
            let place = if elsewhere {
                out.notes.push(format!(
                    "{name} ({attr} of `{config_name}`) is still read elsewhere in {}: keep it until that changes too",
                    app.name
                ));
                continue;
            } else if let Some(gp) = index.global(name).filter(|_| files.is_empty()) {
                format!(
                    ": set by the <global-property> at {}:{}",
                    gp.location.path, gp.location.line
                )
            } else if files.is_empty() {
                ": in no property file of the app; stop supplying it at deploy time".to_string()
            } else {
                format!(" in {}", files.join(", "))
            };
            match settings.get_mut(&(name.clone(), *attr, place.clone())) {
                Some((i, named)) => {
                    if let Unused::Setting { configs, .. } = &mut unused[*i] {
                        if named.insert(config_name.clone()) {
                            configs.push(config_name.clone());
                        }
                    }
                }
                None => {
                    settings.insert(
                        (name.clone(), *attr, place.clone()),
                        (unused.len(), HashSet::from([config_name.clone()])),
                    );
                    unused.push(Unused::Setting {
                        name: name.clone(),
                        attr,
                        configs: vec![config_name.clone()],
                        place,
                    });
                }
            }
        }
    }
}
