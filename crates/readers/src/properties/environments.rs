//! Which property file each import loads, and for which environment.
//!
//! An import's `file` is a pattern where every `${...}` is a capture:
//! `properties/${mule.env}.yaml` matches `properties/prod.yaml` with
//! environment `prod`. A pattern without placeholders matches exactly and is
//! for every environment. When several imports match one file, the most
//! specific (most literal characters) wins, so `${env}-secure.yaml` takes
//! `prod-secure.yaml` from `${env}.yaml`.
//!
//! With several placeholders, those that are not the environment's take the
//! values Mule knows at startup first ([`MuleApp::file_pattern_at_startup`]):
//! `${app.name}-${mule.env}.yaml` is `orders-api-${mule.env}.yaml`. When one
//! has no value and a file name splits several ways, the environment takes
//! the shortest capture and the others the longest: environments are plain
//! words (dev, qa, prod), app and folder names often hold `-` (orders-api).

use std::collections::HashSet;

use intguard_model::{is_environment_placeholder, MuleApp, MuleRuntime, PropertyImport};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    /// The placeholder naming the environment: the shortest capture.
    Env,
    /// Another placeholder with no value at startup: the longest capture.
    Var,
}

/// One file pattern of an import.
#[derive(Debug, Clone)]
pub(crate) struct ImportPattern {
    parts: Vec<Part>,
    /// The name of the [`Part::Env`] placeholder.
    environment: Option<String>,
    pub secure: bool,
    literal_len: usize,
    /// Where Mule looks a property up in this pattern's files among the
    /// app's (see [`declared_patterns`]): lower first.
    order: u32,
    /// The index of its import among the app's `property_imports`.
    import: usize,
}

/// What a file matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileMatch {
    pub environment: Option<String>,
    /// The placeholder that captured `environment` (`mule.env`, `env`): in
    /// that environment, it is the environment's name.
    pub placeholder: Option<String>,
    pub secure: bool,
    /// A secure match that a plain import's pattern matches too: the file
    /// serves `${name}` as well as `${secure::name}`.
    pub plain_too: bool,
    /// The matching pattern's lookup order ([`declared_patterns`]); for a
    /// file two imports load, the first one's.
    pub order: u32,
}

/// Patterns of an import, as `app` reads them at startup: Mule 3 locations
/// are comma-separated and may start with `classpath:`/`file:`; leading `/`
/// are dropped.
pub(crate) fn patterns(import: &PropertyImport, app: &MuleApp) -> Vec<ImportPattern> {
    import
        .file
        .raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let s = s
                .strip_prefix("classpath*:")
                .or_else(|| s.strip_prefix("classpath:"))
                .unwrap_or(s)
                .trim_start_matches('/');
            compile(&app.file_pattern_at_startup(s), import.secure)
        })
        .collect()
}

/// The patterns of every import of `app`, each with the order in which Mule
/// looks a property up in its files: the imports' declaration order (files,
/// then elements within a file), since Mule 4 keeps a property's first
/// definition across `<configuration-properties>` and
/// `<secure-properties:config>` elements; within a Mule 3 `location` list
/// the last file comes first, since Spring keeps a property's last
/// definition there (MuleSoft, "Migrating the Secure Properties
/// Placeholder").
pub(crate) fn declared_patterns(app: &MuleApp) -> Vec<ImportPattern> {
    let mut out = Vec::new();
    for (index, import) in app.property_imports.iter().enumerate() {
        let mut list = patterns(import, app);
        if app.runtime == MuleRuntime::Mule3 {
            list.reverse();
        }
        for mut p in list {
            p.order = u32::try_from(out.len()).unwrap_or(u32::MAX);
            p.import = index;
            out.push(p);
        }
    }
    out
}

fn compile(pattern: &str, secure: bool) -> ImportPattern {
    let mut parts = Vec::new();
    let mut names = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find("${") {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(Part::Lit(rest[..open].to_string()));
        }
        let name = rest[open + 2..open + close].trim();
        let name = name.strip_prefix("secure::").unwrap_or(name);
        // `${env:dev}`: the default does not matter for matching.
        let name = name.split(':').next().unwrap_or(name);
        names.push((parts.len(), name.to_string()));
        parts.push(Part::Var);
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    // The env-like placeholder (`mule.env`, `env`, `environment`, ...), else
    // the first.
    let environment = names
        .iter()
        .find(|(_, name)| is_environment_placeholder(name))
        .or_else(|| names.first())
        .map(|(at, name)| {
            parts[*at] = Part::Env;
            name.clone()
        });
    let literal_len = parts
        .iter()
        .map(|p| match p {
            Part::Lit(l) => l.len(),
            Part::Env | Part::Var => 0,
        })
        .sum();
    ImportPattern {
        parts,
        environment,
        secure,
        literal_len,
        order: 0,
        import: 0,
    }
}

/// Matches `parts` against `s`, setting `env` to the environment's capture;
/// captures are non-empty and hold no `/`. With `fold`, literal parts match
/// whatever the letter case (ASCII).
fn match_parts<'s>(parts: &[Part], s: &'s str, env: &mut Option<&'s str>, fold: bool) -> bool {
    // Past a few hundred tries (nearly every pattern has one placeholder or
    // two, and a name splits few ways), the places where the rest of the
    // pattern cannot match are remembered: trying every split again took
    // time in the name's length to the power of the captures (eight
    // against a 60-character name: 244 s). The first match found is the
    // same.
    let mut matcher = PartsMatcher {
        parts,
        fold,
        len: s.len(),
        tries: 0,
        failed: None,
    };
    matcher.matches(0, s, env)
}

/// How many tries [`match_parts`] makes before it remembers failures.
const TRIES_UNREMEMBERED: usize = 256;

/// [`match_parts`]'s search: `failed` holds the (part, offset) pairs known
/// not to match.
struct PartsMatcher<'p> {
    parts: &'p [Part],
    fold: bool,
    len: usize,
    tries: usize,
    failed: Option<HashSet<(usize, usize)>>,
}

impl PartsMatcher<'_> {
    /// Whether the parts from `i` on match `s`, the end of the text from
    /// its offset `len - s.len()`.
    fn matches<'s>(&mut self, i: usize, s: &'s str, env: &mut Option<&'s str>) -> bool {
        let at = (i, self.len - s.len());
        self.tries += 1;
        if self.tries == TRIES_UNREMEMBERED {
            self.failed = Some(HashSet::new());
        }
        if self.failed.as_ref().is_some_and(|f| f.contains(&at)) {
            return false;
        }
        let matched = match self.parts.get(i) {
            None => s.is_empty(),
            Some(Part::Lit(l)) => {
                let tail = if self.fold {
                    s.get(..l.len())
                        .filter(|head| head.eq_ignore_ascii_case(l))
                        .map(|_| &s[l.len()..])
                } else {
                    s.strip_prefix(l.as_str())
                };
                match tail {
                    Some(tail) => self.matches(i + 1, tail, env),
                    None => false,
                }
            }
            Some(capture) => {
                let is_env = *capture == Part::Env;
                let limit = s.find('/').unwrap_or(s.len());
                let mut ends = s[..limit].char_indices().map(|(j, c)| j + c.len_utf8());
                let mut try_end = |end: usize| {
                    let matched = self.matches(i + 1, &s[end..], env);
                    if matched && is_env {
                        *env = Some(&s[..end]);
                    }
                    matched
                };
                if is_env {
                    ends.any(&mut try_end)
                } else {
                    ends.rev().any(try_end)
                }
            }
        };
        if !matched {
            if let Some(failed) = &mut self.failed {
                failed.insert(at);
            }
        }
        matched
    }
}

impl ImportPattern {
    /// The environment's capture (`None` without placeholders) when `rel` (a
    /// path relative to the resources folder) matches.
    fn matches<'s>(&self, rel: &'s str) -> Option<Option<&'s str>> {
        let mut env = None;
        match_parts(&self.parts, rel, &mut env, false).then_some(env)
    }

    /// [`ImportPattern::matches`], whatever the letter case of its literal
    /// parts.
    fn matches_folding_case<'s>(&self, rel: &'s str) -> Option<Option<&'s str>> {
        let mut env = None;
        match_parts(&self.parts, rel, &mut env, true).then_some(env)
    }

    /// Loads the same file in every environment.
    pub fn is_literal(&self) -> bool {
        self.environment.is_none()
    }
}

/// The pattern an import names a file with but for its spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamedFile {
    /// The pattern's lookup order (as [`FileMatch`]'s).
    pub order: u32,
    /// The environment's capture (as [`FileMatch`]'s).
    pub environment: Option<String>,
    /// The index of its import among the app's `property_imports`.
    pub import: usize,
    /// The placeholder naming the environment (`mule.env`), if any.
    pub placeholder: Option<String>,
    /// The pattern spells more than the environment and the file's
    /// extension (a folder, `config/${mule.env}.yaml`, or an affix,
    /// `app-${mule.env}.yaml`), so the file's name says it is meant for the
    /// import; `${mule.env}.yaml` would take any file at the resources root
    /// for an environment of its name (`log-settings.yml`).
    pub pinned: bool,
}

impl NamedFile {
    fn new(p: &ImportPattern, environment: Option<&str>) -> Self {
        let extension = match p.parts.last() {
            Some(Part::Lit(l)) if !l.contains('/') => l.rfind('.').map_or(0, |dot| l.len() - dot),
            _ => 0,
        };
        NamedFile {
            order: p.order,
            environment: environment.map(str::to_string),
            import: p.import,
            placeholder: p.environment.clone(),
            pinned: p.literal_len > extension,
        }
    }
}

/// A file that an import names but for the letter case of its literal parts
/// (`Common.yaml` for `common.yaml`): Windows and macOS find it, Linux,
/// CloudHub and a deployed jar do not. Some when the most specific pattern
/// it matches whatever the case is more specific than any it matches as
/// spelt (`properties/${mule.env}.yaml` takes `properties/common.yaml` as
/// the `common` environment's, which the import of `properties/Common.yaml`
/// would take); then that pattern's [`NamedFile`].
pub(crate) fn match_file_folding_case(rel: &str, patterns: &[ImportPattern]) -> Option<NamedFile> {
    let exact = patterns
        .iter()
        .filter(|p| p.matches(rel).is_some())
        .map(|p| p.literal_len)
        .max();
    let (p, env) = patterns
        .iter()
        .filter(|p| exact.is_none_or(|len| p.literal_len > len))
        .filter_map(|p| Some((p, p.matches_folding_case(rel)?)))
        .max_by_key(|(p, _)| p.literal_len)?;
    Some(NamedFile::new(p, env))
}

/// A file that an import names but for its YAML extension (`dev.yml` for
/// `${mule.env}.yaml`, `config.yaml` for `config.yml`): Mule finds a file by
/// its exact name, so no import loads it. The [`NamedFile`] of the best
/// pattern the name with the other extension matches as spelt. Only for a
/// file no pattern matches as spelt.
pub(crate) fn match_file_other_extension(
    rel: &str,
    patterns: &[ImportPattern],
) -> Option<NamedFile> {
    let other = if let Some(stem) = rel.strip_suffix(".yml") {
        format!("{stem}.yaml")
    } else if let Some(stem) = rel.strip_suffix(".yaml") {
        format!("{stem}.yml")
    } else {
        return None;
    };
    let (p, env) = patterns
        .iter()
        .filter_map(|p| Some((p, p.matches(&other)?)))
        .max_by_key(|(p, _)| p.literal_len)?;
    Some(NamedFile::new(p, env))
}

/// Best match of a file against every import pattern of its app.
pub(crate) fn match_file(rel: &str, patterns: &[ImportPattern]) -> Option<FileMatch> {
    let mut best: Option<(usize, FileMatch)> = None;
    // The plain patterns matching (environment, order), for a secure best
    // match: a few kept as found, without allocating; past that, matched again.
    let mut plain = [(None, 0u32); 4];
    let mut plain_found = 0usize;
    for p in patterns {
        let Some(env) = p.matches(rel) else {
            continue;
        };
        if !p.secure {
            if let Some(slot) = plain.get_mut(plain_found) {
                *slot = (env, p.order);
            }
            plain_found += 1;
        }
        let m = FileMatch {
            environment: env.map(str::to_string),
            placeholder: p.environment.clone(),
            secure: p.secure,
            plain_too: false,
            order: p.order,
        };
        let better = match &best {
            None => true,
            Some((len, prev)) => {
                p.literal_len > *len
                    // Equal specificity: a file read by a secure-properties
                    // config too counts as secure (its `![...]` values are
                    // decrypted).
                    || (p.literal_len == *len && m.secure && !prev.secure)
            }
        };
        if better {
            best = Some((p.literal_len, m));
        }
    }
    let (_, mut m) = best?;
    if m.secure && plain_found > 0 {
        // The same file loaded by a `configuration-properties` import too
        // (`${mule.env}.yaml` for both): a reference without `secure::`
        // reads it through that import, whose place in the order may come
        // first. Only where it loads it in the same environments (or in
        // every one): `${mule.env}.yaml` also matches `prod-secure.yaml`, for
        // an environment `prod-secure` there is not.
        let again: Vec<(Option<&str>, u32)>;
        let plain: &[(Option<&str>, u32)] = if plain_found <= plain.len() {
            &plain[..plain_found]
        } else {
            again = patterns
                .iter()
                .filter(|p| !p.secure)
                .filter_map(|p| Some((p.matches(rel)?, p.order)))
                .collect();
            &again
        };
        for &(env, order) in plain {
            if env.is_none() || env == m.environment.as_deref() {
                m.plain_too = true;
                m.order = m.order.min(order);
            }
        }
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{GlobalProperty, Location, MuleRuntime, PropertyEntry, Value};

    fn import(file: &str, secure: bool) -> PropertyImport {
        PropertyImport {
            element: "configuration-properties".into(),
            file: Value::new(file, Location::file("x.xml")),
            secure,
        }
    }

    /// An app that defines no property.
    fn no_values() -> MuleApp {
        MuleApp::new("orders-api", "orders-api", MuleRuntime::Mule4)
    }

    #[test]
    fn environments_and_specificity() {
        let mut app = no_values();
        app.property_imports = intguard_model::thin_vec![
            import("properties/${mule.env}.yaml", false),
            import("properties/${mule.env}-secure.yaml", true),
            import("properties/common.yaml", false),
        ];
        // Mule 4 keeps a property's first definition: declaration order.
        let pats = declared_patterns(&app);
        let m = |rel| match_file(rel, &pats);
        assert_eq!(
            m("properties/prod.yaml"),
            Some(FileMatch {
                environment: Some("prod".into()),
                placeholder: Some("mule.env".into()),
                secure: false,
                plain_too: false,
                order: 0,
            })
        );
        assert_eq!(
            m("properties/prod-secure.yaml"),
            Some(FileMatch {
                environment: Some("prod".into()),
                placeholder: Some("mule.env".into()),
                secure: true,
                plain_too: false,
                order: 1,
            })
        );
        assert_eq!(
            m("properties/common.yaml"),
            Some(FileMatch {
                environment: None,
                placeholder: None,
                secure: false,
                plain_too: false,
                order: 2,
            })
        );
        assert_eq!(m("other/prod.yaml"), None);
        assert_eq!(m("properties/sub/prod.yaml"), None);
    }

    #[test]
    fn mule3_locations() {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule3);
        app.property_imports = intguard_model::thin_vec![
            import(
                "classpath:mule.${env}.properties, classpath:/common.properties",
                true,
            ),
            import("shared.properties", false),
        ];
        let pats = declared_patterns(&app);
        assert_eq!(pats.len(), 3);
        let m = |rel| match_file(rel, &pats).unwrap();
        assert_eq!(m("mule.qa.properties").environment.as_deref(), Some("qa"));
        // Spring keeps the last definition of a `location` list: its last
        // file is looked in first; a later element's files come after.
        assert_eq!(m("common.properties").order, 0);
        assert_eq!(m("mule.qa.properties").order, 1);
        assert_eq!(m("shared.properties").order, 2);
    }

    #[test]
    fn several_placeholders() {
        let pats = patterns(&import("${app.name}/${env}.yaml", false), &no_values());
        let m = match_file("orders/dev.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("dev"));
        assert_eq!(m.placeholder.as_deref(), Some("env"));
        // No env-like name: the first placeholder names the environment.
        let pats = patterns(&import("props-${region}.yaml", false), &no_values());
        let m = match_file("props-emea.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("emea"));
        assert_eq!(m.placeholder.as_deref(), Some("region"));
    }

    /// `${app.name}` unknown (set at deploy time): `orders-api-dev.yaml`
    /// splits two ways, and the environment is the plain word, `dev`.
    #[test]
    fn unknown_placeholder_beside_the_environment() {
        for (pattern, file) in [
            ("${app.name}-${mule.env}.yaml", "orders-api-dev.yaml"),
            ("${mule.env}-${app.name}.yaml", "dev-orders-api.yaml"),
        ] {
            let pats = patterns(&import(pattern, false), &no_values());
            let m = match_file(file, &pats).unwrap();
            assert_eq!(m.environment.as_deref(), Some("dev"), "{pattern}");
            assert_eq!(m.placeholder.as_deref(), Some("mule.env"), "{pattern}");
        }
    }

    /// `${app.name}` takes the value a global-property or a file loaded in
    /// every environment gives it, so the environment is `dev`, not `api-dev`;
    /// `${mule.env}` keeps its capture over its default.
    #[test]
    fn placeholders_known_at_startup() {
        let location = Location::file("global.xml");
        let global = |name: &str, value: &str| GlobalProperty {
            name: name.into(),
            value: Value::new(value, location.clone()),
            location: location.clone(),
        };
        let mut app = no_values();
        app.global_properties =
            vec![global("app.name", "orders-api"), global("mule.env", "qa")].into();
        let pats = patterns(&import("${app.name}-${mule.env}.yaml", false), &app);
        let m = match_file("orders-api-dev.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("dev"));
        assert_eq!(m.placeholder.as_deref(), Some("mule.env"));
        assert_eq!(match_file("billing-api-dev.yaml", &pats), None);
        // No env-like name: the placeholder with no value names it.
        app.global_properties = vec![global("app.name", "orders-api")].into();
        let pats = patterns(&import("${app.name}-${region}.yaml", false), &app);
        let m = match_file("orders-api-emea.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("emea"));
        assert_eq!(m.placeholder.as_deref(), Some("region"));
        // From a file every environment loads, over the global-property.
        let mut common = intguard_model::PropertyFile {
            path: "src/main/resources/app.yaml".into(),
            format: intguard_model::PropertyFormat::Yaml,
            environment: None,
            secure: false,
            plain_too: false,
            loaded: true,
            entries: vec![PropertyEntry::new(
                "app.name",
                "billing-api",
                Location::new("app.yaml", 2, 3),
            )],
            split_values: Vec::new(),
        };
        app.property_files.push(common.clone());
        let pats = patterns(&import("${app.name}-${mule.env}.yaml", false), &app);
        let m = match_file("billing-api-prod.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("prod"));
        // A file loaded in one environment only gives no value at startup.
        common.environment = Some("dev".into());
        common.entries = vec![PropertyEntry::new(
            "app.name",
            "billing",
            Location::new("app.yaml", 2, 3),
        )];
        app.property_files = vec![common].into();
        app.global_properties.clear();
        let pats = patterns(&import("${app.name}-${mule.env}.yaml", false), &app);
        let m = match_file("billing-api-prod.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("prod"));
    }

    /// The definition of [`match_parts`]: every split tried in turn, nothing
    /// remembered.
    fn by_every_split<'s>(
        parts: &[Part],
        s: &'s str,
        env: &mut Option<&'s str>,
        fold: bool,
    ) -> bool {
        match parts.split_first() {
            None => s.is_empty(),
            Some((Part::Lit(l), rest)) => {
                let tail = if fold {
                    s.get(..l.len())
                        .filter(|head| head.eq_ignore_ascii_case(l))
                        .map(|_| &s[l.len()..])
                } else {
                    s.strip_prefix(l.as_str())
                };
                tail.is_some_and(|tail| by_every_split(rest, tail, env, fold))
            }
            Some((capture, rest)) => {
                let limit = s.find('/').unwrap_or(s.len());
                let mut ends = s[..limit].char_indices().map(|(i, c)| i + c.len_utf8());
                let mut try_end = |end: usize| {
                    let matched = by_every_split(rest, &s[end..], env, fold);
                    if matched && *capture == Part::Env {
                        *env = Some(&s[..end]);
                    }
                    matched
                };
                if *capture == Part::Env {
                    ends.any(&mut try_end)
                } else {
                    ends.rev().any(try_end)
                }
            }
        }
    }

    /// Remembering where the rest cannot match finds what trying every split
    /// finds, the environment's capture included; eight captures against a
    /// long name that does not match answer at once (every split tried took
    /// 244 s).
    #[test]
    fn patterns_with_many_captures_match_as_every_split_would() {
        let patterns = [
            "${mule.env}.yaml",
            "${app}-${mule.env}.yaml",
            "${a}-${b}-${env}.yaml",
            "conf/${a}${env}${b}.properties",
            "${env}/${a}-${b}.yaml",
            "${a}${b}${c}-secure.YAML",
        ];
        let names = [
            "dev.yaml",
            "orders-api-dev.yaml",
            "a-b-c-d.yaml",
            "conf/xyz.properties",
            "conf/x.properties",
            "dev/a-b-c.yaml",
            "dev/a/b-c.yaml",
            "abc-secure.yaml",
            "ab-secure.yaml",
            "é-é-é.yaml",
        ];
        for pattern in patterns {
            let compiled = compile(pattern, false);
            for name in names {
                for fold in [false, true] {
                    let (mut env, mut expected_env) = (None, None);
                    let got = match_parts(&compiled.parts, name, &mut env, fold);
                    let expected = by_every_split(&compiled.parts, name, &mut expected_env, fold);
                    assert_eq!(
                        (got, env),
                        (expected, expected_env),
                        "{pattern} {name} {fold}"
                    );
                }
            }
        }
        // Past the tries made before failures are remembered: the same
        // answers, the environment's capture included.
        let three = compile("${a}-${b}${mule.env}${c}.yaml", false);
        for name in [
            format!("{}.yaml", "ab".repeat(20)),
            format!("{}-{}.yaml", "ab".repeat(10), "cd".repeat(10)),
            format!("x-{}.yml", "q".repeat(40)),
        ] {
            let (mut env, mut expected_env) = (None, None);
            assert_eq!(
                (match_parts(&three.parts, &name, &mut env, true), env),
                (
                    by_every_split(&three.parts, &name, &mut expected_env, true),
                    expected_env
                ),
                "{name}"
            );
        }
        let many = compile("${a}${b}${c}${d}${e}${f}${g}${mule.env}x.yaml", false);
        let long = format!("{}.yaml", "a".repeat(60));
        assert!(!match_parts(&many.parts, &long, &mut None, false));
        let mut env = None;
        let long = format!("{}x.yaml", "a".repeat(60));
        assert!(match_parts(&many.parts, &long, &mut env, false));
        assert_eq!(env, Some("a"));
    }
}
