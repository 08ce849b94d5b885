//! Which property file each import loads, and for which environment.
//!
//! An import's `file` is a pattern where every `${...}` is a capture:
//! `properties/${mule.env}.yaml` matches `properties/prod.yaml` with
//! environment `prod`. A pattern without placeholders matches exactly and is
//! for every environment. When several imports match one file, the most
//! specific (most literal characters) wins, so `${env}-secure.yaml` takes
//! `prod-secure.yaml` from `${env}.yaml`.

use intguard_model::PropertyImport;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Var(String),
}

/// One file pattern of an import.
#[derive(Debug, Clone)]
pub(crate) struct ImportPattern {
    parts: Vec<Part>,
    pub secure: bool,
    literal_len: usize,
}

/// What a file matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileMatch {
    pub environment: Option<String>,
    /// The placeholder that captured `environment` (`mule.env`, `env`): in
    /// that environment, it is the environment's name.
    pub placeholder: Option<String>,
    pub secure: bool,
}

/// Patterns of an import: Mule 3 locations are comma-separated and may start
/// with `classpath:`/`file:`; leading `/` are dropped.
pub(crate) fn patterns(import: &PropertyImport) -> Vec<ImportPattern> {
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
            compile(s, import.secure)
        })
        .collect()
}

fn compile(pattern: &str, secure: bool) -> ImportPattern {
    let mut parts = Vec::new();
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
        parts.push(Part::Var(name.to_string()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest.to_string()));
    }
    let literal_len = parts
        .iter()
        .map(|p| match p {
            Part::Lit(l) => l.len(),
            Part::Var(_) => 0,
        })
        .sum();
    ImportPattern {
        parts,
        secure,
        literal_len,
    }
}

/// Matches `parts` against `s`; captures are non-empty and hold no `/`.
fn match_parts<'s>(parts: &[Part], s: &'s str, caps: &mut Vec<(String, &'s str)>) -> bool {
    match parts.split_first() {
        None => s.is_empty(),
        Some((Part::Lit(l), rest)) => match s.strip_prefix(l.as_str()) {
            Some(tail) => match_parts(rest, tail, caps),
            None => false,
        },
        Some((Part::Var(name), rest)) => {
            let limit = s.find('/').unwrap_or(s.len());
            // Shortest capture first.
            for end in s[..limit].char_indices().map(|(i, c)| i + c.len_utf8()) {
                caps.push((name.clone(), &s[..end]));
                if match_parts(rest, &s[end..], caps) {
                    return true;
                }
                caps.pop();
            }
            false
        }
    }
}

impl ImportPattern {
    /// The captures when `rel` (a path relative to the resources folder)
    /// matches.
    fn captures<'s>(&self, rel: &'s str) -> Option<Vec<(String, &'s str)>> {
        let mut caps = Vec::new();
        match_parts(&self.parts, rel, &mut caps).then_some(caps)
    }
}

/// The capture naming the environment, as (placeholder, environment): the
/// one of an `env`-like placeholder (`mule.env`, `env`, `environment`, ...),
/// else the first.
fn environment<'c>(caps: &'c [(String, &str)]) -> Option<&'c (String, &'c str)> {
    caps.iter()
        .find(|(name, _)| name.to_ascii_lowercase().contains("env"))
        .or_else(|| caps.first())
}

/// Best match of a file against every import pattern of its app.
pub(crate) fn match_file(rel: &str, patterns: &[ImportPattern]) -> Option<FileMatch> {
    let mut best: Option<(usize, FileMatch)> = None;
    for p in patterns {
        let Some(caps) = p.captures(rel) else {
            continue;
        };
        let env = environment(&caps);
        let m = FileMatch {
            environment: env.map(|(_, v)| v.to_string()),
            placeholder: env.map(|(name, _)| name.clone()),
            secure: p.secure,
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
    best.map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{Location, Value};

    fn import(file: &str, secure: bool) -> PropertyImport {
        PropertyImport {
            element: "configuration-properties".into(),
            file: Value::new(file, Location::file("x.xml")),
            secure,
        }
    }

    #[test]
    fn environments_and_specificity() {
        let pats: Vec<ImportPattern> = [
            import("properties/${mule.env}.yaml", false),
            import("properties/${mule.env}-secure.yaml", true),
            import("properties/common.yaml", false),
        ]
        .iter()
        .flat_map(patterns)
        .collect();
        let m = |rel| match_file(rel, &pats);
        assert_eq!(
            m("properties/prod.yaml"),
            Some(FileMatch {
                environment: Some("prod".into()),
                placeholder: Some("mule.env".into()),
                secure: false
            })
        );
        assert_eq!(
            m("properties/prod-secure.yaml"),
            Some(FileMatch {
                environment: Some("prod".into()),
                placeholder: Some("mule.env".into()),
                secure: true
            })
        );
        assert_eq!(
            m("properties/common.yaml"),
            Some(FileMatch {
                environment: None,
                placeholder: None,
                secure: false
            })
        );
        assert_eq!(m("other/prod.yaml"), None);
        assert_eq!(m("properties/sub/prod.yaml"), None);
    }

    #[test]
    fn mule3_locations() {
        let pats = patterns(&import(
            "classpath:mule.${env}.properties, classpath:/common.properties",
            true,
        ));
        assert_eq!(pats.len(), 2);
        assert_eq!(
            match_file("mule.qa.properties", &pats).and_then(|m| m.environment),
            Some("qa".into())
        );
        assert!(match_file("common.properties", &pats).is_some());
    }

    #[test]
    fn several_placeholders() {
        let pats = patterns(&import("${app.name}/${env}.yaml", false));
        let m = match_file("orders/dev.yaml", &pats).unwrap();
        assert_eq!(m.environment.as_deref(), Some("dev"));
        assert_eq!(m.placeholder.as_deref(), Some("env"));
        // No env-like name: the first placeholder names the environment.
        let pats = patterns(&import("props-${region}.yaml", false));
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
            let pats = patterns(&import(pattern, false));
            let m = match_file(file, &pats).unwrap();
            assert_eq!(m.environment.as_deref(), Some("dev"), "{pattern}");
            assert_eq!(m.placeholder.as_deref(), Some("mule.env"), "{pattern}");
        }
    }
}
