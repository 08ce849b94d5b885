//! The names `intguard fix secrets` leaves where they are, as far as the
//! Inventory shows them, so that IG102's fix names the command only where
//! it moves the value. The command moves a name in every environment or in
//! none (the references read it from the secure files everywhere, or
//! nowhere), so one definition it cannot move keeps every clear value of
//! the name in place; it also leaves a name another property reads as a
//! plain one, or a `<global-property>` defines. (It also leaves values
//! written in forms it does not rewrite and names DataWeave scripts read
//! with `p()`: those it lists, with why, when it runs.)

use std::cell::OnceCell;

use super::*;
use intguard_model::expr::reads_itself_securely;

/// Why the command leaves a name, with the place in the way.
#[derive(Clone, Copy)]
enum Why<'a> {
    /// A definition of it is a reference (`${SF_PASSWORD}`) or an
    /// encrypted value in a plain file.
    Defined(&'a Location, &'static str),
    /// Another property's value reads it as `${name}`.
    ReadBy(&'a str, &'a Location),
    /// A `<global-property>` defines it too.
    Global(&'a Location),
}

/// For each name of an app the command leaves, why (the first reason it
/// would give), worked out when a finding first asks.
pub(super) struct Declined<'a> {
    app: &'a MuleApp,
    why: OnceCell<HashMap<&'a str, Why<'a>>>,
}

impl<'a> Declined<'a> {
    pub(super) fn new(app: &'a MuleApp) -> Self {
        Declined {
            app,
            why: OnceCell::new(),
        }
    }

    fn reasons(app: &'a MuleApp) -> HashMap<&'a str, Why<'a>> {
        // What the command moves: the loaded plain files outside the test
        // sources (a definition that already reads itself as
        // `${secure::name}` is done, not in the way).
        let files = || {
            app.property_files
                .iter()
                .filter(|f| !f.secure && f.loaded && !crate::support::in_test_sources(&f.path))
        };
        let mut out: HashMap<&str, Why> = HashMap::new();
        for e in files().flat_map(|f| &f.entries) {
            if out.contains_key(e.key()) || reads_itself_securely(e.value(), e.key()) {
                continue;
            }
            if !e.is_reference_or_encrypted() {
                continue;
            }
            let what = match e.encrypted_payload() {
                Some(_) => "an encrypted value",
                None => "a reference",
            };
            out.insert(e.key(), Why::Defined(&e.location, what));
        }
        // Read by another property (in any file outside the test sources):
        // once moved, the name it reads would not exist.
        let defined: HashSet<&str> = files().flat_map(|f| &f.entries).map(|e| e.key()).collect();
        for e in app
            .property_files
            .iter()
            .filter(|f| !crate::support::in_test_sources(&f.path))
            .flat_map(|f| &f.entries)
        {
            for p in placeholders(e.value()) {
                if p.secure || p.name == e.key() {
                    continue;
                }
                if let Some(&name) = defined.get(p.name.as_str()) {
                    out.entry(name).or_insert(Why::ReadBy(e.key(), &e.location));
                }
            }
        }
        for g in &app.global_properties {
            out.entry(g.name.as_str())
                .or_insert(Why::Global(&g.location));
        }
        out
    }

    /// How to encrypt a clear value of `key` in a plain file (`how`, which
    /// names the command), or, where the command leaves `key`, the way by
    /// hand and a sentence saying why.
    pub(super) fn how<'s>(&self, key: &str, how: &'s str, by_hand: &'s str) -> (&'s str, String) {
        let reasons = self.why.get_or_init(|| Declined::reasons(self.app));
        let Some(&why) = reasons.get(key) else {
            return (how, String::new());
        };
        let at = |l: &Location| format!("{}:{}", file_name(&l.path), l.line);
        let because = match why {
            Why::Defined(l, what) => format!(
                "{} defines `{key}` as {what}; give that environment's definition a place in its secure file too, and move both by hand",
                at(l)
            ),
            Why::ReadBy(reader, l) => format!(
                "`{reader}` ({}) reads `{key}` as a plain property, which the command does not rewrite; move the name by hand and have `{reader}` read it where it goes",
                at(l)
            ),
            Why::Global(l) => format!(
                "a <global-property name=\"{key}\"> ({}) defines it too and stays (the command does not move those); move the name by hand, the global property with it",
                at(l)
            ),
        };
        (
            by_hand,
            format!(
                " intguard fix secrets does not move it: it moves a name in every environment or in none, and {because}."
            ),
        )
    }
}
