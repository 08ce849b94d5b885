//! Property resolution: what a `${name}` in an app's XML becomes in each
//! environment, and which file line it came from.

use std::borrow::Cow;

use crate::expr::{placeholders, Placeholder, Value};
use crate::location::Location;

use super::mule::{GlobalProperty, MuleApp, MuleRuntime, PropertyEntry, PropertyFile};

/// Where a resolved property came from.
#[derive(Debug, Clone, Copy)]
pub enum PropertySource<'a> {
    File {
        file: &'a PropertyFile,
        entry: &'a PropertyEntry,
    },
    Global(&'a GlobalProperty),
}

impl<'a> PropertySource<'a> {
    pub fn location(&self) -> &'a Location {
        match self {
            PropertySource::File { entry, .. } => &entry.location,
            PropertySource::Global(g) => &g.location,
        }
    }

    pub fn name(&self) -> &'a str {
        match self {
            PropertySource::File { entry, .. } => entry.key(),
            PropertySource::Global(g) => &g.name,
        }
    }

    pub fn raw_value(&self) -> &'a str {
        match self {
            PropertySource::File { entry, .. } => entry.value(),
            PropertySource::Global(g) => &g.value.raw,
        }
    }

    /// Read from a secure-properties file.
    pub fn is_secure_file(&self) -> bool {
        matches!(self, PropertySource::File { file, .. } if file.secure)
    }

    /// Written as an encrypted `![...]` value.
    pub fn is_encrypted(&self) -> bool {
        match self {
            PropertySource::File { entry, .. } => entry.encrypted_payload().is_some(),
            PropertySource::Global(g) => crate::trim::trim(&g.value.raw).starts_with("!["),
        }
    }
}

/// A value resolved for one environment.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub environment: Option<&'a str>,
    /// The value with every reference substituted; `None` when some reference
    /// is not defined in the repository (set at deploy time, presumably).
    pub value: Option<String>,
    /// The definitions used, outermost first.
    pub sources: Vec<PropertySource<'a>>,
    /// Names that no file or global-property defines.
    pub unresolved: Vec<String>,
    /// How many references this resolution has followed ([`MAX_FOLLOWED`]).
    followed: usize,
}

/// The definitions being substituted around a reference, innermost first,
/// each on the call stack of its substitution (no allocation): one found
/// again among them reads itself, and its value is unknown.
struct Expanding<'s> {
    at: &'s Location,
    outer: Option<&'s Expanding<'s>>,
}

impl Expanding<'_> {
    fn holds(from: Option<&Expanding>, at: &Location) -> bool {
        let mut e = from;
        while let Some(x) = e {
            if std::ptr::eq(x.at, at) {
                return true;
            }
            e = x.outer;
        }
        false
    }
}

impl<'a> Resolved<'a> {
    /// A resolution in `environment` with nothing found yet, `followed`
    /// references followed already (by the one asking for a nested name).
    fn starting(environment: Option<&'a str>, followed: usize) -> Self {
        Resolved {
            environment,
            value: None,
            sources: Vec::new(),
            unresolved: Vec::new(),
            followed,
        }
    }

    /// True when the value was written directly in the XML (no reference).
    pub fn is_inline(&self) -> bool {
        self.sources.is_empty() && self.unresolved.is_empty()
    }

    /// The definition that gave the final value (the innermost source).
    pub fn origin(&self) -> Option<&PropertySource<'a>> {
        self.sources.last()
    }

    /// The value is or holds an encrypted `![...]` value (a definition it
    /// reads, or itself as written): what it stands for takes the key.
    pub fn is_encrypted(&self) -> bool {
        self.sources.iter().any(PropertySource::is_encrypted)
            || self
                .value
                .as_deref()
                .is_some_and(|v| v.trim_start().starts_with("!["))
    }
}

/// How deep definitions may read each other. A definition that reads
/// itself is cut where it recurs ([`Expanding`]); this bounds what that does
/// not see (a nested name built through itself), and chains as long as
/// any real one resolve.
const MAX_DEPTH: usize = 64;

/// How many references one resolution follows, and how long the value it
/// builds may grow, before the value is taken as unknown. The depth alone
/// bounds nothing: ten definitions each reading the next ten times (a
/// 550-byte file) expand to 10^9 references, which took 14 s and 800 MB;
/// twenty times each, forever. Real values follow a few dozen.
const MAX_FOLLOWED: usize = 10_000;
const MAX_VALUE_LEN: usize = 1 << 20;

/// Whether a placeholder of a property file pattern selects the environment
/// by its name (`mule.env`, `env`, `environment`, ...).
pub fn is_environment_placeholder(name: &str) -> bool {
    name.to_ascii_lowercase().contains("env")
}

/// A nested reference's name as a pattern over property keys: each inner
/// reference stands for one or more characters other than `.`
/// (`${mule.env}.sf.user` matches `dev.sf.user`, not `sf.user`).
struct NamePattern<'a> {
    /// The literal parts between the inner references, in order.
    literals: Vec<&'a str>,
}

impl<'a> NamePattern<'a> {
    fn new(name: &'a str) -> Self {
        let mut literals = Vec::new();
        let mut last = 0;
        for r in placeholders(name)
            .into_iter()
            .filter(|r| name[r.start..].starts_with("${"))
        {
            literals.push(&name[last..r.start]);
            last = r.end;
        }
        literals.push(&name[last..]);
        NamePattern { literals }
    }

    fn matches(&self, key: &str) -> bool {
        crate::gap_pattern::gaps_match(&self.literals, key, '.')
    }
}

/// Whether property `key` is one a nested reference's name can build
/// (`${mule.env}.sf.user` and `dev.sf.user`): each inner reference stands
/// for one or more characters other than `.`.
pub fn nested_name_matches(pattern: &str, key: &str) -> bool {
    NamePattern::new(pattern).matches(key)
}

impl MuleApp {
    /// The files Mule loads in environment `env` (`None`: those for every
    /// environment), in the order it looks a property up in them:
    /// [`MuleApp::property_order`]'s, else the environment's own files, then
    /// the others.
    pub fn files_in_lookup_order<'a>(
        &'a self,
        env: Option<&'a str>,
    ) -> impl Iterator<Item = &'a PropertyFile> + 'a {
        let own = move |f: &&PropertyFile| env.is_some() && f.environment.as_deref() == env;
        let every = |f: &&PropertyFile| f.environment.is_none();
        // Without an order (an app built by hand), the files as listed.
        let listed: &[PropertyFile] = if self.property_order.is_empty() {
            &self.property_files
        } else {
            &[]
        };
        self.property_order
            .iter()
            .filter_map(|&i| self.property_files.get(i as usize))
            .filter(move |f| own(f) || every(f))
            .chain(listed.iter().filter(own))
            .chain(listed.iter().filter(every))
            .filter(|f| f.loaded)
    }

    /// Finds the definition of a property for an environment, in Mule's order:
    /// the files it loads there ([`MuleApp::files_in_lookup_order`]), then
    /// `global-property` defaults. `secure::` names read secure files only;
    /// Mule 3 placeholders read both.
    pub fn lookup<'a>(
        &'a self,
        name: &str,
        secure: bool,
        env: Option<&'a str>,
    ) -> Option<PropertySource<'a>> {
        let search_secure = secure || self.runtime == MuleRuntime::Mule3;
        let search_plain = !secure;
        let hash = PropertyEntry::hash_key(name);
        let found = self
            .files_in_lookup_order(env)
            .filter(|f| (f.secure && search_secure) || (search_plain && f.read_by(false)))
            .find_map(|file| {
                let entry = self
                    .key_index
                    .last_with_key(&self.property_files, file, name, hash)?;
                Some(PropertySource::File { file, entry })
            });
        if found.is_some() {
            return found;
        }
        let global = if secure {
            None
        } else {
            self.global_properties
                .iter()
                .find(|g| g.name == name)
                .map(PropertySource::Global)
        };
        // Mule 4: what the app does not define, its domain's properties give.
        global.or_else(|| {
            let loan = self.domain_loan.as_deref()?;
            loan.files
                .iter()
                .filter(|f| {
                    env.is_none() || f.environment.is_none() || f.environment.as_deref() == env
                })
                .filter(|f| (f.secure && search_secure) || (search_plain && f.read_by(false)))
                .find_map(|file| {
                    let entry = file.entries.iter().rev().find(|e| e.has_key(name, hash))?;
                    Some(PropertySource::File { file, entry })
                })
        })
    }

    /// Whether `${name}` is what named environment `env` (see
    /// [`MuleApp::environment_placeholders`]).
    pub(crate) fn names_environment(&self, name: &str, env: &str) -> bool {
        let loaned = self
            .domain_loan
            .as_deref()
            .map(|l| l.environment_placeholders.as_slice())
            .unwrap_or_default();
        self.environment_placeholders
            .iter()
            .chain(loaned)
            .any(|(e, n)| e == env && n == name)
    }

    /// A property file pattern as Mule reads it at startup: its placeholders
    /// other than the environment's take their values from the files loaded
    /// in every environment and the global-properties
    /// (`${app.name}-${mule.env}.yaml`, app.name orders-api:
    /// `orders-api-${mule.env}.yaml`). The environment's is the first
    /// env-like one, else the first with no value; the deploy sets it, so it
    /// stays whatever its default. A pattern with one placeholder, or whose
    /// placeholders all have values and none is env-like (nothing tells which
    /// one the deploy changes), is left as written.
    pub fn file_pattern_at_startup<'p>(&self, pattern: &'p str) -> Cow<'p, str> {
        let refs: Vec<Placeholder> = placeholders(pattern)
            .into_iter()
            .filter(|p| pattern[p.start..].starts_with("${"))
            .collect();
        if refs.len() < 2 {
            return Cow::Borrowed(pattern);
        }
        let env_like = refs
            .iter()
            .position(|p| is_environment_placeholder(&p.name));
        let values: Vec<Option<String>> = refs
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (Some(i) != env_like)
                    .then(|| self.startup_value(p))
                    .flatten()
            })
            .collect();
        // The environment's placeholder has no value here: an env-like one
        // is not looked up.
        if env_like.is_none() && values.iter().all(Option::is_some) {
            return Cow::Borrowed(pattern);
        }
        let mut out = String::with_capacity(pattern.len());
        let mut last = 0;
        for (p, value) in refs.iter().zip(&values) {
            if let Some(value) = value {
                out.push_str(&pattern[last..p.start]);
                out.push_str(value);
                last = p.end;
            }
        }
        out.push_str(&pattern[last..]);
        Cow::Owned(out)
    }

    /// The value of a placeholder before any environment is chosen; `None`
    /// when something in it is not defined.
    fn startup_value(&self, p: &Placeholder) -> Option<String> {
        let source = self.lookup(&p.name, p.secure, None)?;
        let mut acc = Resolved::starting(None, 0);
        let mut value = String::new();
        let within = Expanding {
            at: source.location(),
            outer: None,
        };
        self.substitute_onto(
            source.raw_value(),
            None,
            1,
            Some(&within),
            &mut acc,
            &mut value,
        )
        .then_some(value)
    }

    /// The name a nested reference reads in `env`
    /// (`${mule.env}.sf.user` -> `dev.sf.user`); `None` when something in
    /// it is not defined.
    /// `followed`: the references the resolution asking has followed (the
    /// name's count there too).
    pub(crate) fn nested_name(
        &self,
        pattern: &str,
        env: Option<&str>,
        depth: usize,
        followed: &mut usize,
    ) -> Option<String> {
        let mut scratch = Resolved::starting(None, *followed);
        let mut name = String::new();
        let known = self.substitute_onto(pattern, env, depth + 1, None, &mut scratch, &mut name);
        *followed = scratch.followed;
        known.then_some(name)
    }

    /// Whether `${name}` (no `secure::`) reads `entry` of `file` in some
    /// environment: a secure file that a `<configuration-properties>`
    /// import loads too ([`PropertyFile::plain_too`]).
    pub fn read_plainly(&self, file: &PropertyFile, entry: &PropertyEntry) -> bool {
        file.plain_too
            && self.resolution_environments().into_iter().any(|env| {
                self.lookup(entry.key(), false, env)
                    .is_some_and(|s| s.location() == &entry.location)
            })
    }

    /// The property names a reference can read: its name, or for a nested
    /// one (`${${mule.env}.sf.password}`) the names it resolves to in the
    /// app's environments and the keys its files define that it can name
    /// (`dev.sf.password`, `prod.sf.password`: the environment is often
    /// given only at deploy time). The name as written when none is known.
    pub fn names_read_by(&self, p: &Placeholder) -> Vec<String> {
        if !p.is_nested() {
            return vec![p.name.clone()];
        }
        let mut names: Vec<String> = self
            .resolution_environments()
            .into_iter()
            .filter_map(|env| self.nested_name(&p.name, env, 0, &mut 0))
            .collect();
        let pattern = NamePattern::new(&p.name);
        names.extend(
            self.property_files
                .iter()
                .filter(|f| f.read_by(p.secure) || self.runtime == MuleRuntime::Mule3)
                .flat_map(|f| &f.entries)
                .map(PropertyEntry::key)
                .filter(|k| pattern.matches(k))
                .map(str::to_string),
        );
        names.sort();
        names.dedup();
        if names.is_empty() {
            names.push(p.name.clone());
        }
        names
    }

    /// Resolves a value for one environment (`None`: the app has no
    /// per-environment files).
    pub fn resolve<'a>(&'a self, value: &Value, env: Option<&'a str>) -> Resolved<'a> {
        self.resolve_parsed(&value.raw, &placeholders(&value.raw), env)
    }

    /// Resolves a value in every environment of the app (its placeholders
    /// read once for all of them).
    pub fn resolve_all<'a>(&'a self, value: &Value) -> Vec<Resolved<'a>> {
        let refs = placeholders(&value.raw);
        self.resolution_environments()
            .into_iter()
            .map(|env| self.resolve_parsed(&value.raw, &refs, env))
            .collect()
    }

    /// The definitions (property entries, global properties) that a Mule 4
    /// app's Spring beans files read through `${...}`, directly or through
    /// other definitions. Such a value cannot move to a secure-properties
    /// file read as `${secure::...}`: MuleSoft documents Spring placeholders
    /// for configuration properties only, so it is supplied at deploy time.
    /// Empty for Mule 3, whose secure-property placeholder serves Spring too.
    pub fn read_by_spring_beans(&self) -> std::collections::HashSet<&Location> {
        let mut out = std::collections::HashSet::new();
        if self.runtime != MuleRuntime::Mule4 {
            return out;
        }
        for attr in self
            .secret_attributes
            .iter()
            .filter(|a| !a.value.is_literal() && self.in_spring_beans_file(a))
        {
            for r in self.resolve_all(&attr.value) {
                out.extend(r.sources.iter().map(|s| s.location()));
            }
        }
        out
    }

    fn resolve_parsed<'a>(
        &'a self,
        raw: &str,
        refs: &[Placeholder],
        env: Option<&'a str>,
    ) -> Resolved<'a> {
        let mut resolved = Resolved::starting(env, 0);
        resolved.value = self.substitute_parsed(raw, refs, env, 0, None, &mut resolved);
        resolved
    }

    /// `raw` with its references resolved, appended to `out`; false (`out`
    /// left as it was) when something in it is not defined. A value without
    /// references, what most definitions hold, is copied in without a string
    /// of its own.
    fn substitute_onto<'a>(
        &'a self,
        raw: &str,
        env: Option<&'a str>,
        depth: usize,
        expanding: Option<&Expanding>,
        acc: &mut Resolved<'a>,
        out: &mut String,
    ) -> bool {
        let refs = placeholders(raw);
        if refs.is_empty() {
            out.push_str(raw);
            return true;
        }
        match self.substitute_parsed(raw, &refs, env, depth, expanding, acc) {
            Some(v) if out.is_empty() => {
                *out = v;
                true
            }
            Some(v) => {
                out.push_str(&v);
                true
            }
            None => false,
        }
    }

    /// `raw` with its references (`refs`, its placeholders) resolved; `None`
    /// when something in it is not defined.
    fn substitute_parsed<'a>(
        &'a self,
        raw: &str,
        refs: &[Placeholder],
        env: Option<&'a str>,
        depth: usize,
        expanding: Option<&Expanding>,
        acc: &mut Resolved<'a>,
    ) -> Option<String> {
        if refs.is_empty() {
            return Some(raw.to_string());
        }
        if depth >= MAX_DEPTH || acc.followed >= MAX_FOLLOWED {
            return None;
        }
        // A value that is a single `#[...]` expression other than p() calls
        // cannot be known statically.
        let mut out = String::new();
        let mut last = 0;
        let mut complete = true;
        for ph in refs {
            if ph.start < last {
                continue;
            }
            acc.followed += 1;
            if acc.followed > MAX_FOLLOWED || out.len() > MAX_VALUE_LEN {
                acc.followed = MAX_FOLLOWED;
                return None;
            }
            out.push_str(&raw[last..ph.start]);
            last = ph.end;
            // The placeholder that named this environment's files is its
            // name, whatever default a global-property or file gives it.
            if let Some(env) = env.filter(|e| !ph.secure && self.names_environment(&ph.name, e)) {
                out.push_str(env);
                continue;
            }
            // `${${mule.env}.sf.user}`: the name first, then what it names.
            // What the name reads is not where the value comes from: kept
            // out of the sources. Unknown (`mule.env` given at deploy
            // time), the reference is unresolved as written.
            let name = if ph.is_nested() {
                match self.nested_name(&ph.name, env, depth, &mut acc.followed) {
                    Some(name) => Cow::Owned(name),
                    None if acc.followed >= MAX_FOLLOWED => return None,
                    None => {
                        if !acc.unresolved.contains(&ph.name) {
                            acc.unresolved.push(ph.name.clone());
                        }
                        complete = false;
                        continue;
                    }
                }
            } else {
                Cow::Borrowed(ph.name.as_str())
            };
            match self.lookup(&name, ph.secure, env) {
                // A definition that reads itself: what it stands for is
                // unknown (`reference_cycles` warns of it).
                Some(src) if Expanding::holds(expanding, src.location()) => {
                    complete = false;
                }
                Some(src) => {
                    acc.sources.push(src);
                    let within = Expanding {
                        at: src.location(),
                        outer: expanding,
                    };
                    let raw = src.raw_value();
                    if !self.substitute_onto(raw, env, depth + 1, Some(&within), acc, &mut out) {
                        complete = false;
                    }
                }
                None => {
                    // `${name:default}`: Mule's value where nothing defines it.
                    if let Some(default) = raw
                        .get(ph.start..ph.end)
                        .and_then(crate::expr::placeholder_default)
                    {
                        if !self.substitute_onto(default, env, depth + 1, expanding, acc, &mut out)
                        {
                            complete = false;
                        }
                        continue;
                    }
                    if !acc.unresolved.iter().any(|u| *u == name) {
                        acc.unresolved.push(name.into_owned());
                    }
                    complete = false;
                }
            }
        }
        out.push_str(&raw[last..]);
        if out.len() > MAX_VALUE_LEN {
            acc.followed = MAX_FOLLOWED;
            return None;
        }
        if raw.trim_start().starts_with("#[") {
            // Only a whole `#[p('x')]` is substitutable; strip the wrapper.
            let inner = out.trim();
            let stripped = inner.strip_prefix("#[").and_then(|s| s.strip_suffix(']'));
            return if complete {
                stripped.map(str::to_string)
            } else {
                None
            };
        }
        complete.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::mule::PropertyFormat;

    fn entry(key: &str, value: &str, path: &str, line: u32) -> PropertyEntry {
        PropertyEntry::new(key, value, Location::new(path, line, 1))
    }

    fn file(
        path: &str,
        env: Option<&str>,
        secure: bool,
        entries: Vec<PropertyEntry>,
    ) -> PropertyFile {
        PropertyFile {
            path: path.into(),
            format: PropertyFormat::Yaml,
            environment: env.map(str::to_string),
            secure,
            plain_too: false,
            loaded: true,
            entries,
            split_values: Vec::new(),
        }
    }

    fn app() -> MuleApp {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        app.environments = vec!["dev".into(), "prod".into()].into();
        app.property_files = vec![
            file(
                "common.yaml",
                None,
                false,
                vec![
                    entry("sfdc.user", "${sfdc.prefix}@acme.com", "common.yaml", 1),
                    entry("sfdc.prefix", "int.common", "common.yaml", 2),
                ],
            ),
            file(
                "dev.yaml",
                Some("dev"),
                false,
                vec![entry("sfdc.prefix", "int.dev", "dev.yaml", 1)],
            ),
            file(
                "prod.yaml",
                Some("prod"),
                false,
                vec![entry("sfdc.prefix", "int.prod", "prod.yaml", 3)],
            ),
            file(
                "prod-secure.yaml",
                Some("prod"),
                true,
                vec![entry("sfdc.password", "![abc]", "prod-secure.yaml", 2)],
            ),
        ]
        .into();
        app.global_properties = vec![GlobalProperty {
            name: "http.port".into(),
            value: Value::new("8081", Location::new("global.xml", 5, 3)),
            location: Location::new("global.xml", 5, 3),
        }]
        .into();
        app
    }

    /// `${${mule.env}.sf.user}`: the inner reference names the property the
    /// outer one reads, per environment; unknown (set at deploy time), the
    /// names it can read are the keys matching it.
    #[test]
    fn nested_references_read_the_property_they_name() {
        let mut app = app();
        app.property_files[0].entries.extend([
            entry("dev.sf.user", "int.sync.dev@acme.com", "common.yaml", 3),
            entry("prod.sf.user", "int.sync@acme.com", "common.yaml", 4),
            entry("sf.user", "nobody", "common.yaml", 5),
            entry("qa.eu.sf.user", "nobody", "common.yaml", 6),
        ]);
        // A key with characters of several bytes is matched whole (found by
        // fuzzing: slicing inside one panicked).
        app.property_files[0]
            .entries
            .push(entry("dév\u{fffd}.sf.user", "x", "common.yaml", 7));
        let v = Value::new("${${mule.env}.sf.user}", Location::new("global.xml", 10, 5));
        let refs = v.placeholders();
        // mule.env is given at deploy time: nothing resolves.
        let r = app.resolve(&v, Some("dev"));
        assert_eq!(r.value, None);
        assert_eq!(r.unresolved, ["${mule.env}.sf.user"]);
        assert_eq!(
            app.names_read_by(&refs[0]),
            ["dev.sf.user", "dév\u{fffd}.sf.user", "prod.sf.user"]
        );
        app.global_properties.push(GlobalProperty {
            name: "mule.env".into(),
            value: Value::new("prod", Location::new("global.xml", 4, 3)),
            location: Location::new("global.xml", 4, 3),
        });
        let r = app.resolve(&v, None);
        assert_eq!(r.value.as_deref(), Some("int.sync@acme.com"));
        // The value's source, not the property that named it.
        assert_eq!(r.sources.len(), 1);
        assert_eq!(r.sources[0].location().line, 4);
        assert_eq!(r.sources[0].location().path, "common.yaml");
    }

    #[test]
    fn resolves_per_environment_with_nesting() {
        let app = app();
        let v = Value::new("${sfdc.user}", Location::new("global.xml", 10, 5));
        let all = app.resolve_all(&v);
        let values: Vec<_> = all
            .iter()
            .map(|r| (r.environment, r.value.clone()))
            .collect();
        assert_eq!(
            values,
            vec![
                (Some("dev"), Some("int.dev@acme.com".to_string())),
                (Some("prod"), Some("int.prod@acme.com".to_string()))
            ]
        );
        let prod = &all[1];
        assert_eq!(prod.sources[0].location().path, "common.yaml");
        assert_eq!(
            prod.origin().unwrap().location(),
            &Location::new("prod.yaml", 3, 1)
        );
    }

    #[test]
    fn secure_prefix_reads_only_secure_files() {
        let app = app();
        let v = Value::new("${secure::sfdc.password}", Location::file("g.xml"));
        let prod = app.resolve(&v, Some("prod"));
        assert_eq!(prod.value.as_deref(), Some("![abc]"));
        assert!(prod.origin().unwrap().is_secure_file());
        assert!(prod.origin().unwrap().is_encrypted());
        let dev = app.resolve(&v, Some("dev"));
        assert_eq!(dev.value, None);
        assert_eq!(dev.unresolved, vec!["sfdc.password".to_string()]);
        let plain = Value::new("${sfdc.password}", Location::file("g.xml"));
        assert_eq!(app.resolve(&plain, Some("prod")).value, None);
    }

    #[test]
    fn global_property_is_the_last_resort_and_dataweave_p_works() {
        let app = app();
        let v = Value::new("#[p('http.port')]", Location::file("g.xml"));
        let r = app.resolve(&v, Some("dev"));
        assert_eq!(r.value.as_deref(), Some("8081"));
        assert!(matches!(r.origin(), Some(PropertySource::Global(_))));
    }

    /// Resolving for an environment found by an import's `${mule.env}`, that
    /// placeholder is the environment's name, wherever it is read (here in a
    /// value, `user@domain.sandbox`) and over its global-property default,
    /// which a deploy overrides (`-Dmule.env=prod`).
    #[test]
    fn the_placeholder_that_names_an_environment_is_its_name() {
        let mut app = app();
        app.environment_placeholders = vec![
            ("dev".into(), "mule.env".into()),
            ("prod".into(), "mule.env".into()),
        ]
        .into();
        app.global_properties.push(GlobalProperty {
            name: "mule.env".into(),
            value: Value::new("qa", Location::new("global.xml", 6, 3)),
            location: Location::new("global.xml", 6, 3),
        });
        app.property_files[0].entries.push(entry(
            "sfdc.sandbox.user",
            "int@acme.com.${mule.env}",
            "common.yaml",
            3,
        ));
        let v = Value::new("${sfdc.sandbox.user}", Location::file("g.xml"));
        let all = app.resolve_all(&v);
        let values: Vec<_> = all.iter().map(|r| r.value.as_deref()).collect();
        assert_eq!(
            values,
            [Some("int@acme.com.dev"), Some("int@acme.com.prod")]
        );
        // The line that gave the username is the one holding `${mule.env}`.
        assert_eq!(
            all[1].origin().unwrap().location(),
            &Location::new("common.yaml", 3, 1)
        );
        let env = Value::new("#[p('mule.env')]", Location::file("g.xml"));
        assert_eq!(
            app.resolve(&env, Some("prod")).value.as_deref(),
            Some("prod")
        );
        // Without an environment, the default.
        assert_eq!(app.resolve(&env, None).value.as_deref(), Some("qa"));
        // A placeholder no import named environments by reads its definition.
        app.environment_placeholders = vec![("dev".into(), "env".into())].into();
        assert_eq!(app.resolve(&env, Some("dev")).value.as_deref(), Some("qa"));
    }

    #[test]
    fn literal_is_inline() {
        let app = app();
        let r = app.resolve(&Value::new("Tiger1", Location::file("g.xml")), Some("dev"));
        assert!(r.is_inline());
        assert_eq!(r.value.as_deref(), Some("Tiger1"));
    }

    /// A chain of definitions resolves however long a real one is (the
    /// bound was 8 deep: a chain of 11 was unknown); a definition reading
    /// itself is unknown, each definition of the loop a source once.
    #[test]
    fn long_chains_resolve_and_loops_do_not() {
        let mut app = app();
        let chain: Vec<PropertyEntry> = (0..40)
            .map(|i| {
                entry(
                    &format!("c{i}"),
                    &format!("${{c{}}}", i + 1),
                    "chain.yaml",
                    i + 1,
                )
            })
            .chain([entry("c40", "deep.user@acme.com", "chain.yaml", 41)])
            .collect();
        app.property_files[0].entries.extend(chain);
        let v = Value::new("${c0}", Location::new("global.xml", 10, 5));
        let r = app.resolve(&v, Some("dev"));
        assert_eq!(r.value.as_deref(), Some("deep.user@acme.com"));
        assert_eq!(r.sources.len(), 41);
        app.property_files[0].entries.extend([
            entry("a", "x${b}", "loop.yaml", 1),
            entry("b", "${a}", "loop.yaml", 2),
        ]);
        let r = app.resolve(
            &Value::new("${a}", Location::new("global.xml", 11, 5)),
            Some("dev"),
        );
        assert_eq!(r.value, None);
        assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
        let lines: Vec<u32> = r.sources.iter().map(|s| s.location().line).collect();
        assert_eq!(lines, [1, 2]);
    }

    /// Definitions reading each other many times multiply (ten each reading
    /// the next ten times: 10^9 references): the resolution stops at its
    /// budget and takes the value as unknown, as a value too long to build.
    /// Definitions read a few times each, however deep, still resolve.
    #[test]
    fn definitions_that_multiply_stop_at_the_budget() {
        let chain = |width: usize, levels: usize| {
            let mut app = app();
            let entries: Vec<PropertyEntry> = (0..levels)
                .map(|i| {
                    let next = format!("${{l{}}}", i + 1);
                    entry(
                        &format!("l{i}"),
                        &next.repeat(width),
                        "chain.yaml",
                        i as u32 + 1,
                    )
                })
                .chain([entry(&format!("l{levels}"), "lol", "chain.yaml", 99)])
                .collect();
            app.property_files[0].entries.extend(entries);
            app
        };
        let v = Value::new("${l0}", Location::new("global.xml", 10, 5));
        let wide = chain(10, 7);
        let r = wide.resolve(&v, Some("dev"));
        assert_eq!(r.value, None);
        assert!(r.sources.len() <= MAX_FOLLOWED, "{}", r.sources.len());
        assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
        // Two reads per level, seven levels: 255 references, resolved.
        let narrow = chain(2, 7);
        let r = narrow.resolve(&v, Some("dev"));
        assert_eq!(r.value.as_deref(), Some("lol".repeat(128).as_str()));
        assert_eq!(r.sources.len(), 255);
        // A value past the length bound is unknown; under it, known.
        let mut long = app();
        long.property_files[0].entries.extend([
            entry("big", &"x".repeat(MAX_VALUE_LEN / 2 + 1), "big.yaml", 1),
            entry("once", "${big}", "big.yaml", 2),
            entry("twice", "${big}${big}", "big.yaml", 3),
        ]);
        let once = long.resolve(&Value::new("${once}", Location::new("g.xml", 1, 1)), None);
        assert_eq!(once.value.map(|v| v.len()), Some(MAX_VALUE_LEN / 2 + 1));
        let twice = long.resolve(&Value::new("${twice}", Location::new("g.xml", 1, 1)), None);
        assert_eq!(twice.value, None);
    }
}
